import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentAuth } from '../auth/current-auth.decorator.js';
import { RequiresScope } from '../auth/scope.decorator.js';
import type { AuthContext } from '../auth/session.service.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import {
  RunAcceptedResponseDto,
  RunCreateDto,
  RunDetailResponseDto,
  RunGetQueryDto,
  RunListQueryDto,
  RunResponseDto,
} from './dto/run.dto.js';
import { setPageHeaders, PAGE_HEADERS } from '../common/page-headers.js';
import { RunIdempotency, apiOrigin } from './run-idempotency.js';
import { RunWaiter } from './run-waiter.js';
import { RunsService, toRunResponse } from './runs.service.js';

@ApiTags('runs')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@RequiresScope('runs')
@Controller('runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly idempotency: RunIdempotency,
    private readonly waiter: RunWaiter,
  ) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    type: RunAcceptedResponseDto,
    description: 'Stored and queued; follow it with GET /api/runs/:id',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown group or conversation' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'The run queue is full (the Retry-After header says when to try again)',
    headers: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } },
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key (within 24 h) gets the run the key started instead of a new one',
  })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Idempotency-Key reused for another request' })
  async createRun(
    @Body() body: RunCreateDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentAuth() auth: AuthContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RunAcceptedResponseDto> {
    if (key === undefined) {
      const run = await this.runs.submit({ ...body, origin: apiOrigin(auth) });
      return { runId: run.id, conversationId: run.conversationId, status: run.status };
    }
    const started = await this.idempotency.submit(body, key, auth);
    if (started.replayed) res.setHeader('Idempotent-Replayed', 'true');
    const status = (await this.runs.find(started.runId))?.status ?? 'queued';
    return { runId: started.runId, conversationId: started.conversationId, status };
  }

  @Get()
  @ApiOkResponse({
    type: [RunResponseDto],
    description:
      'Runs matching every filter given, newest first, one page (limit, default 50). The next page: ?cursor= the X-Next-Cursor header, with the same filters',
    headers: PAGE_HEADERS,
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A filter is invalid (the message names it)' })
  async listRuns(
    @Query() query: RunListQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RunResponseDto[]> {
    return setPageHeaders(res, await this.runs.list(query));
  }

  @Get(':id')
  @ApiOkResponse({ type: RunDetailResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async getRun(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: RunGetQueryDto,
  ): Promise<RunDetailResponseDto> {
    if (query.waitSeconds) await this.waiter.settle(id, query.waitSeconds * 1000);
    return this.runs.detail(id);
  }

  @Post(':id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    type: RunAcceptedResponseDto,
    description:
      'A new run with the same input and group, in a new conversation, started by the caller (its origin is the console or the API, its retryOf the original). Nothing is sent where the original answered (chat, job output, webhook); a retried channel message stays untrusted',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The run has not ended (cancel it first), or it is a sub-agent’s run (retry its parent)',
  })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The run queue is full' })
  async retryRun(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentAuth() auth: AuthContext,
  ): Promise<RunAcceptedResponseDto> {
    const run = await this.runs.retry(id, apiOrigin(auth));
    return { runId: run.id, conversationId: run.conversationId, status: run.status };
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: RunResponseDto, description: 'The run, now cancelled' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The run has already ended (the message says how)' })
  async cancelRun(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentAuth() auth: AuthContext,
  ): Promise<RunResponseDto> {
    return toRunResponse(await this.runs.cancel(id, auth.username));
  }
}

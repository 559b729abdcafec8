import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentAuth } from '../auth/current-auth.decorator.js';
import type { AuthContext } from '../auth/session.service.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import {
  RunAcceptedResponseDto,
  RunCreateDto,
  RunDetailResponseDto,
  RunListQueryDto,
  RunResponseDto,
} from './dto/run.dto.js';
import { RunsService, toRunResponse } from './runs.service.js';

@ApiTags('runs')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    type: RunAcceptedResponseDto,
    description: 'Stored and queued; follow it with GET /api/runs/:id',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown group or conversation' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The run queue is full' })
  async createRun(@Body() body: RunCreateDto): Promise<RunAcceptedResponseDto> {
    const run = await this.runs.submit({ ...body, origin: { kind: 'api' } });
    return { runId: run.id, conversationId: run.conversationId, status: run.status };
  }

  @Get()
  @ApiOkResponse({ type: [RunResponseDto], description: 'Recent runs, newest first' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  listRuns(@Query() query: RunListQueryDto): Promise<RunResponseDto[]> {
    return this.runs.list(query.limit ?? 50, query.status);
  }

  @Get(':id')
  @ApiOkResponse({ type: RunDetailResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getRun(@Param('id', new ParseUUIDPipe()) id: string): Promise<RunDetailResponseDto> {
    return this.runs.detail(id);
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

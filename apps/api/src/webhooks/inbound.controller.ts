import { Body, Controller, Get, Headers, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiParam,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { Clock } from '../common/clock.js';
import {
  WebhookHealthDto,
  WebhookInvokeDto,
  WebhookRunAcceptedDto,
  WebhookRunResultDto,
} from './dto/webhook-invoke.dto.js';
import type { Webhook } from './entities/webhook.entity.js';
import { TaskCreateDto, TaskDto } from '../tasks/dto/task.dto.js';
import { TasksService } from '../tasks/tasks.service.js';
import { InboundService } from './inbound.service.js';
import { type WebhookRequest, WebhookTokenGuard } from './webhook-token.guard.js';

const tokenParam = ApiParam({ name: 'token', description: 'The webhook token (or send it in X-Webhook-Token)' });
const idempotencyHeader = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'A retry with the same key gets the first invocation’s run instead of a second one (kept 24 h)',
});

/** Inbound webhooks, outside /api and its per-IP limit: authenticated by the webhook token, limited per webhook. */
@ApiTags('webhook-inbound')
@ApiSecurity('webhook-token')
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Unknown or revoked token' })
@ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Over the webhook’s rate limit (Retry-After)' })
@Public()
@UseGuards(WebhookTokenGuard)
@Controller('webhook')
export class InboundController {
  constructor(
    private readonly inbound: InboundService,
    private readonly tasks: TasksService,
    private readonly clock: Clock,
  ) {}

  @Post('invoke/:token')
  @tokenParam
  @idempotencyHeader
  @ApiOkResponse({ type: WebhookRunResultDto, description: 'sync: the run finished; its reply' })
  @ApiAcceptedResponse({ type: WebhookRunAcceptedDto, description: 'Queued (or still running after the sync wait)' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Idempotency-Key reused for another request' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'The run queue is full (the Retry-After header says when to try again)',
    headers: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } },
  })
  invokeWebhook(
    @Req() req: WebhookRequest,
    @Body() body: WebhookInvokeDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WebhookRunResultDto | WebhookRunAcceptedDto> {
    return this.invoke(req, body, key, res);
  }

  @Post('invoke')
  @ApiHeader({ name: 'X-Webhook-Token', description: 'The webhook token (or Authorization: Bearer <token>)' })
  @idempotencyHeader
  @ApiOkResponse({ type: WebhookRunResultDto, description: 'sync: the run finished; its reply' })
  @ApiAcceptedResponse({ type: WebhookRunAcceptedDto, description: 'Queued (or still running after the sync wait)' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Idempotency-Key reused for another request' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'The run queue is full (the Retry-After header says when to try again)',
    headers: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } },
  })
  invokeWebhookWithHeader(
    @Req() req: WebhookRequest,
    @Body() body: WebhookInvokeDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WebhookRunResultDto | WebhookRunAcceptedDto> {
    return this.invoke(req, body, key, res);
  }

  @Post('task/:token')
  @tokenParam
  @ApiCreatedResponse({ type: TaskDto, description: 'The loop task, stored and started' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  createWebhookTask(@Req() req: WebhookRequest, @Body() body: TaskCreateDto): Promise<TaskDto> {
    return this.tasks.create(body, { kind: 'webhook', ref: req.webhook!.id });
  }

  @Post('task')
  @ApiHeader({ name: 'X-Webhook-Token', description: 'The webhook token (or Authorization: Bearer <token>)' })
  @ApiCreatedResponse({ type: TaskDto, description: 'The loop task, stored and started' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  createWebhookTaskWithHeader(@Req() req: WebhookRequest, @Body() body: TaskCreateDto): Promise<TaskDto> {
    return this.tasks.create(body, { kind: 'webhook', ref: req.webhook!.id });
  }

  @Get('health/:token')
  @tokenParam
  @ApiOkResponse({ type: WebhookHealthDto, description: 'The token is valid and the gateway is up' })
  getWebhookHealth(@Req() req: WebhookRequest): WebhookHealthDto {
    return this.health(req.webhook!);
  }

  @Get('health')
  @ApiHeader({ name: 'X-Webhook-Token', description: 'The webhook token (or Authorization: Bearer <token>)' })
  @ApiOkResponse({ type: WebhookHealthDto, description: 'The token is valid and the gateway is up' })
  getWebhookHealthWithHeader(@Req() req: WebhookRequest): WebhookHealthDto {
    return this.health(req.webhook!);
  }

  private async invoke(
    req: WebhookRequest,
    body: WebhookInvokeDto,
    key: string | undefined,
    res: Response,
  ): Promise<WebhookRunResultDto | WebhookRunAcceptedDto> {
    const outcome = await this.inbound.invoke(req.webhook!, body, key);
    res.status(outcome.finished ? HttpStatus.OK : HttpStatus.ACCEPTED);
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return outcome.body;
  }

  private health(webhook: Webhook): WebhookHealthDto {
    return { status: 'ok', webhookId: webhook.id, name: webhook.name, time: this.clock.now().toISOString() };
  }
}

import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import {
  WebhookCreateDto,
  WebhookCreatedResponseDto,
  WebhookDeliveryDetailDto,
  WebhookDeliveryDto,
  WebhookEventDto,
  WebhookLogsQueryDto,
  WebhookResponseDto,
  WebhookTokenResponseDto,
  WebhookUpdateDto,
} from './dto/webhook.dto.js';
import { CurrentAuth } from '../auth/current-auth.decorator.js';
import type { AuthContext } from '../auth/session.service.js';
import { toDeliveryResponse, WebhooksService } from './webhooks.service.js';

const uuid = new ParseUUIDPipe({ version: '4' });

/** Operator-only: webhooks are created, changed and revoked here, never by an agent. */
@ApiTags('webhooks')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOkResponse({ type: [WebhookResponseDto] })
  listWebhooks(): Promise<WebhookResponseDto[]> {
    return this.webhooks.list();
  }

  @Post()
  @ApiCreatedResponse({ type: WebhookCreatedResponseDto, description: 'The token and secret are shown only now' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  createWebhook(@Body() body: WebhookCreateDto): Promise<WebhookCreatedResponseDto> {
    return this.webhooks.create(body);
  }

  @Get('events')
  @ApiOkResponse({ type: [WebhookEventDto], description: 'The event catalog outbound webhooks can subscribe to' })
  listWebhookEvents(): WebhookEventDto[] {
    return this.webhooks.events();
  }

  @Get(':id')
  @ApiOkResponse({ type: WebhookResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getWebhook(@Param('id', uuid) id: string): Promise<WebhookResponseDto> {
    return this.webhooks.get(id);
  }

  @Put(':id')
  @ApiOkResponse({ type: WebhookResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  updateWebhook(@Param('id', uuid) id: string, @Body() body: WebhookUpdateDto): Promise<WebhookResponseDto> {
    return this.webhooks.update(id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted: its token is refused and its queued deliveries dropped' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  deleteWebhook(@Param('id', uuid) id: string): Promise<void> {
    return this.webhooks.remove(id);
  }

  @Post(':id/rotate-token')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: WebhookTokenResponseDto,
    description: 'The new token (shown only now); the old one is refused',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  rotateWebhookToken(@Param('id', uuid) id: string): Promise<WebhookTokenResponseDto> {
    return this.webhooks.rotateToken(id);
  }

  @Get(':id/logs')
  @ApiOkResponse({ type: [WebhookDeliveryDto], description: 'Recent deliveries, newest first, each with its attempts' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  listWebhookLogs(@Param('id', uuid) id: string, @Query() query: WebhookLogsQueryDto): Promise<WebhookDeliveryDto[]> {
    return this.webhooks.logs(id, query.limit ?? 50);
  }

  @Get(':id/deliveries/:deliveryId')
  @ApiOkResponse({
    type: WebhookDeliveryDetailDto,
    description: 'One delivery: the exact body it sends, and per attempt the headers sent (the signature not shown)',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getWebhookDelivery(
    @Param('id', uuid) id: string,
    @Param('deliveryId', uuid) deliveryId: string,
  ): Promise<WebhookDeliveryDetailDto> {
    return this.webhooks.delivery(id, deliveryId);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @ApiCreatedResponse({
    type: WebhookDeliveryDto,
    description:
      'A new delivery of the same body (its own webhook-id, signed afresh, retried as usual), logged as a redelivery of the original with who asked',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The original is still being delivered, or the webhook is disabled or has no target URL',
  })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The webhook’s outbound queue is full' })
  async redeliverWebhookDelivery(
    @Param('id', uuid) id: string,
    @Param('deliveryId', uuid) deliveryId: string,
    @CurrentAuth() auth: AuthContext,
  ): Promise<WebhookDeliveryDto> {
    return toDeliveryResponse(await this.webhooks.redeliver(id, deliveryId, auth.username), []);
  }
}

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
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import {
  WebhookCreateDto,
  WebhookCreatedResponseDto,
  WebhookDeliveryDto,
  WebhookEventDto,
  WebhookLogsQueryDto,
  WebhookResponseDto,
  WebhookTokenResponseDto,
  WebhookUpdateDto,
} from './dto/webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';

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
}

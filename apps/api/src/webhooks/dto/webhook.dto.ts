import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { isEventName } from '@loop-gateway/contracts';
import { LimitQueryDto } from '../../common/limit-query.dto.js';
import { WEBHOOK_PLATFORMS, type WebhookPlatform } from '../entities/webhook.entity.js';
import type { DeliveryStatus } from '../entities/webhook-delivery.entity.js';
import { IsHttpUrl, Optional, OptionalNullable, UpdateType } from '../../common/validation.js';

export const WILDCARD = '*';
export const DEFAULT_WEBHOOK_RATE_LIMIT = 60;

/** Every entry is a catalog event name or `*`; the message names the unknown ones. */
function IsEventSubscription() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isEventSubscription',
      target: object.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => Array.isArray(value) && unknownEvents(value).length === 0,
        defaultMessage: (args?: ValidationArguments) => {
          const unknown = Array.isArray(args?.value) ? unknownEvents(args.value as unknown[]) : [];
          return `${propertyName} contains unknown event${unknown.length === 1 ? '' : 's'} ${unknown.map((e) => JSON.stringify(e)).join(', ')}; see GET /api/webhooks/events (or use "*")`;
        },
      },
    });
}

function unknownEvents(values: unknown[]): unknown[] {
  return values.filter((v) => typeof v !== 'string' || (v !== WILDCARD && !isEventName(v)));
}

export class WebhookCreateDto {
  @ApiProperty({ example: 'n8n production', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ enum: WEBHOOK_PLATFORMS, default: 'generic' })
  @Optional()
  @IsIn(WEBHOOK_PLATFORMS, { message: `platform must be one of ${WEBHOOK_PLATFORMS.join(', ')}` })
  platform?: WebhookPlatform;

  @ApiPropertyOptional({
    type: [String],
    example: ['agent:run:complete', 'approval:required'],
    description:
      'Events POSTed to targetUrl: names from GET /api/webhooks/events, or "*" for all of them except the ' +
      'high-volume agent:run:text stream (subscribe to it by name). Empty: inbound only.',
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsEventSubscription()
  events?: string[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'http://n8n:5678/webhook/loop-gateway',
    description:
      'Where subscribed events are POSTed (http or https). Without one the token works inbound at once and events are held back (not queued) until a target is set, by PUT or by the n8n trigger',
  })
  @OptionalNullable()
  @MaxLength(2000)
  @IsHttpUrl()
  targetUrl?: string | null;

  @ApiPropertyOptional({ default: true, description: 'false revokes the token and stops deliveries' })
  @Optional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ default: DEFAULT_WEBHOOK_RATE_LIMIT, minimum: 1, maximum: 100_000 })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  rateLimitPerMinute?: number;
}

export class WebhookUpdateDto extends UpdateType(WebhookCreateDto) {}

export class WebhookResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: WEBHOOK_PLATFORMS }) platform!: WebhookPlatform;
  @ApiProperty({ type: [String] }) events!: string[];
  @ApiProperty({ type: String, nullable: true }) targetUrl!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Why the gateway disabled it (a receiver answered 410)' })
  disabledReason!: string | null;
  @ApiProperty() rateLimitPerMinute!: number;
  @ApiProperty({ example: 'lgw_AbCd', description: 'The first characters of the token (the token is shown once)' })
  tokenHint!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) lastUsedAt!: string | null;
}

export class WebhookCreatedResponseDto extends WebhookResponseDto {
  @ApiProperty({ description: 'The inbound token. Shown only now: it is stored hashed.' })
  token!: string;
  @ApiProperty({
    example: 'whsec_…',
    description: 'Standard Webhooks signing secret for outbound events. Shown only now.',
  })
  secret!: string;
}

export class WebhookTokenResponseDto extends WebhookResponseDto {
  @ApiProperty({ description: 'The new inbound token (the old one stops working). Shown only now.' })
  token!: string;
}

export class WebhookEventDto {
  @ApiProperty({ example: 'agent:run:complete' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'Whether a "*" subscription includes it (agent:run:text must be named)' })
  inWildcard!: boolean;
}

const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'sending', 'delivered', 'failed', 'cancelled'];

export class WebhookAttemptDto {
  @ApiProperty() attempt!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'HTTP status; null on a network error or timeout' })
  statusCode!: number | null;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The start of the response body' })
  responseExcerpt!: string | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    description:
      'The request headers this attempt sent; the signature is not shown (it is made with the webhook’s secret). Null for attempts logged before headers were kept',
  })
  requestHeaders!: Record<string, string> | null;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'The webhook-id header of every attempt' }) id!: string;
  @ApiProperty() event!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({
    format: 'date-time',
    type: String,
    nullable: true,
    description: 'When a pending delivery is tried next',
  })
  nextAttemptAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) lastStatusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: [WebhookAttemptDto], description: 'Every attempt, oldest first' })
  log!: WebhookAttemptDto[];
  @ApiProperty({
    format: 'uuid',
    type: String,
    nullable: true,
    description: 'A redelivery: the delivery whose payload it sends again',
  })
  redeliveryOf!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'A redelivery: the operator who asked for it' })
  redeliveredBy!: string | null;
}

export class WebhookDeliveryDetailDto extends WebhookDeliveryDto {
  @ApiProperty({
    description: 'The exact body sent on every attempt (the same bytes that are signed)',
  })
  body!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The body parsed: { event, payload, timestamp, source }',
  })
  payload!: object;
}

export class WebhookLogsQueryDto extends LimitQueryDto {}

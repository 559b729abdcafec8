import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Optional } from '../../common/validation.js';

export class WebhookInvokeDto {
  @ApiProperty({ example: 'Summarise the new support tickets', maxLength: 100_000 })
  @IsString()
  @MinLength(1)
  @MaxLength(100_000)
  message!: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Wait for the run and answer with its reply (200); otherwise answer 202 with the run id at once',
  })
  @Optional()
  @IsBoolean()
  sync?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Agent group to use (default: the default group)' })
  @Optional()
  @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Continue this conversation (default: a new one)' })
  @Optional()
  @IsUUID()
  conversationId?: string;
}

export class WebhookRunAcceptedDto {
  @ApiProperty({ format: 'uuid', description: 'Follow it with GET /api/runs/:id' }) runId!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ example: 'queued' }) status!: string;
}

export class WebhookRunResultDto extends WebhookRunAcceptedDto {
  @ApiProperty({ type: String, nullable: true, description: 'The agent’s answer (or, when refused, the reason)' })
  reply!: string | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty() inputTokens!: number;
  @ApiProperty() outputTokens!: number;
  @ApiProperty({ type: Number, nullable: true }) durationMs!: number | null;
}

export class WebhookHealthDto {
  @ApiProperty({ example: 'ok' }) status!: string;
  @ApiProperty({ format: 'uuid' }) webhookId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'date-time' }) time!: string;
}

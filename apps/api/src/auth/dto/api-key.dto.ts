import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Optional } from '../../common/validation.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../entities/api-key.entity.js';

export class ApiKeyCreateDto {
  @ApiProperty({ example: 'n8n production', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({
    enum: API_KEY_SCOPES,
    default: 'full',
    description: 'full: everything but managing keys; runs: invoke agents and read runs; read: read only',
  })
  @Optional()
  @IsIn(API_KEY_SCOPES, { message: `scope must be one of ${API_KEY_SCOPES.join(', ')}` })
  scope?: ApiKeyScope;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the key stops working; leave out for never' })
  @Optional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 100_000,
    description: 'Requests per minute; default RATE_LIMIT_PER_MINUTE',
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  rateLimitPerMinute?: number;
}

export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: API_KEY_SCOPES }) scope!: ApiKeyScope;
  @ApiProperty({ example: 'lgk_AbCd', description: 'The first characters of the key (the key is shown once)' })
  tokenHint!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Requests per minute; null: RATE_LIMIT_PER_MINUTE' })
  rateLimitPerMinute!: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) expiresAt!: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) lastUsedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The address the key was last used from' })
  lastUsedIp!: string | null;
}

export class ApiKeyCreatedResponseDto extends ApiKeyResponseDto {
  @ApiProperty({ example: 'lgk_…', description: 'The key. Shown only now: it is stored hashed.' })
  key!: string;
}

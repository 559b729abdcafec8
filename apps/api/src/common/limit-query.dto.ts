import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { Optional } from './validation.js';

/** `?limit=` for lists of recent items. */
export class LimitQueryDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

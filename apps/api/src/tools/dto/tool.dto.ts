import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import type { RiskLevel } from '../tool.js';

export class ToolResponseDto {
  @ApiProperty({ example: 'http_request' }) name!: string;
  @ApiProperty({ description: 'What the model is told the tool does' }) description!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema of the input the model sees' })
  inputSchema!: Record<string, unknown>;
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) riskLevel!: RiskLevel;
  @ApiProperty({ description: 'Disabled tools are not offered to the model' }) enabled!: boolean;
  @ApiProperty({ description: 'Whether calls may act on the world (run code, send data out)' }) acts!: boolean;
  @ApiProperty({
    example: 'methods other than GET and HEAD',
    description: 'Which calls need a human’s approval by default ("no call" for tools that only read)',
  })
  approvalDefault!: string;
}

export class ToolUpdateDto {
  @ApiProperty({ description: 'false stops offering the tool to the model' })
  @IsBoolean()
  enabled!: boolean;
}

import { ApiProperty } from '@nestjs/swagger';

export class HealthResponseDto {
  @ApiProperty({ enum: ['ok', 'degraded'], description: '"degraded" when the database does not answer' })
  status!: 'ok' | 'degraded';

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ description: 'Seconds since the gateway started' })
  uptimeSeconds!: number;

  @ApiProperty({ enum: ['sqlite', 'postgres'] })
  database!: 'sqlite' | 'postgres';
}

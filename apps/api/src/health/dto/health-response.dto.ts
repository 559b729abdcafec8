import { ApiProperty } from '@nestjs/swagger';

export class HealthResponseDto {
  @ApiProperty({
    enum: ['ok', 'degraded'],
    description: '"degraded" when the database does not answer, or container mode cannot start containers',
  })
  status!: 'ok' | 'degraded';

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ description: 'Seconds since the gateway started' })
  uptimeSeconds!: number;

  @ApiProperty({ enum: ['sqlite', 'postgres'] })
  database!: 'sqlite' | 'postgres';

  @ApiProperty({
    enum: ['off', 'ready', 'unavailable'],
    description:
      'Container mode: off (AGENT_CONTAINER_MODE=false), ready, or unavailable (engine unreachable or image missing; GET /api/containers/state says which)',
  })
  containers!: 'off' | 'ready' | 'unavailable';
}

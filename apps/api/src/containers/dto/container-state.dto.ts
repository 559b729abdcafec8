import { ApiProperty } from '@nestjs/swagger';

/** Container mode as it stands: settings, the engine, the image, the pool. */
export class ContainerStateDto {
  @ApiProperty({ description: 'AGENT_CONTAINER_MODE: agent calls run in containers' }) enabled!: boolean;
  @ApiProperty({ description: 'Where the engine is reached (DOCKER_HOST)', example: 'unix:///var/run/docker.sock' })
  dockerHost!: string;
  @ApiProperty({ description: 'The engine answered just now' }) engineReachable!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The engine’s version, when reachable' })
  engineVersion!: string | null;
  @ApiProperty({ description: 'AGENT_CONTAINER_IMAGE', example: 'loop-gateway-agent:latest' }) image!: string;
  @ApiProperty({ description: 'The image exists on the engine' }) imagePresent!: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'What keeps container mode from working, in a sentence (unreachable engine, missing image with its build command)',
  })
  problem!: string | null;
  @ApiProperty({ description: 'MAX_CONCURRENT_CONTAINERS' }) maxConcurrent!: number;
  @ApiProperty({ description: 'CONTAINER_TIMEOUT_MS' }) timeoutMs!: number;
  @ApiProperty({ description: 'CONTAINER_WARM_POOL: containers kept started for the next calls' }) warmTarget!: number;
  @ApiProperty({ description: 'Warm containers ready now' }) warm!: number;
  @ApiProperty({ description: 'Containers serving a call now' }) running!: number;
  @ApiProperty({ description: 'Calls waiting for a free container slot' }) waiting!: number;
  @ApiProperty({ type: [String], description: 'The runs whose calls are in a container now' }) runIds!: string[];
}

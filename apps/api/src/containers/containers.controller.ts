import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { ContainerPool } from './container-pool.js';
import { ContainerStateDto } from './dto/container-state.dto.js';

@ApiTags('containers')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('containers')
export class ContainersController {
  constructor(private readonly pool: ContainerPool) {}

  @Get('state')
  @ApiOkResponse({ type: ContainerStateDto, description: 'Container mode: engine, image, pool, running containers' })
  getContainerState(): Promise<ContainerStateDto> {
    return this.pool.state();
  }
}

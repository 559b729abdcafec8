import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { AgentsOverviewService } from './agents-overview.service.js';
import { AgentListQueryDto, AgentsOverviewResponseDto } from './dto/agents.dto.js';

@ApiTags('agents')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('agents')
export class AgentsController {
  constructor(private readonly overview: AgentsOverviewService) {}

  @Get()
  @ApiOkResponse({
    type: AgentsOverviewResponseDto,
    description: 'Recent agents with their status, stats and the roles',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  listAgents(@Query() query: AgentListQueryDto): Promise<AgentsOverviewResponseDto> {
    return this.overview.overview(query);
  }
}

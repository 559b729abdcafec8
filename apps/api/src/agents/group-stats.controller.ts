import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { GroupStatsResponseDto } from './dto/group-stats.dto.js';
import { GroupStatsService } from './group-stats.service.js';

/** Part of the agent-groups API, served here because it reads the pipeline's runs and usage. */
@ApiTags('agent-groups')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('agent-groups')
export class GroupStatsController {
  constructor(private readonly stats: GroupStatsService) {}

  @Get(':id/stats')
  @ApiOkResponse({ type: GroupStatsResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getAgentGroupStats(@Param('id', new ParseUUIDPipe()) id: string): Promise<GroupStatsResponseDto> {
    return this.stats.forGroup(id);
  }
}

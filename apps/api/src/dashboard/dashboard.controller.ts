import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { DashboardService } from './dashboard.service.js';
import { ActivityEventDto, ActivityQueryDto, DashboardResponseDto } from './dto/dashboard.dto.js';

@ApiTags('dashboard')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller()
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get('dashboard')
  @ApiOkResponse({ type: DashboardResponseDto, description: 'Runs today, queue, approvals, spend, the last errors' })
  getDashboard(): Promise<DashboardResponseDto> {
    return this.dashboard.dashboard();
  }

  @Get('activity')
  @ApiOkResponse({
    type: [ActivityEventDto],
    description: 'The latest events (all but the streamed text), newest first; the newest 1000 are kept',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  listActivity(@Query() query: ActivityQueryDto): Promise<ActivityEventDto[]> {
    return this.dashboard.activityFeed(query.limit ?? 50);
  }
}

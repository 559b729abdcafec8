import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentAuth } from '../auth/current-auth.decorator.js';
import type { AuthContext } from '../auth/session.service.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { ApprovalsService } from './approvals.service.js';
import {
  ApprovalDecisionDto,
  ApprovalDetailDto,
  ApprovalDto,
  ApprovalListQueryDto,
  ApprovalStatsDto,
} from './dto/approval.dto.js';

const uuid = new ParseUUIDPipe({ version: '4' });
/** Run ids are time-ordered UUIDs (version 7); older runs have version 4 ones. */
const runUuid = new ParseUUIDPipe();

@ApiTags('approvals')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('approvals')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get()
  @ApiOkResponse({ type: [ApprovalDto], description: 'Newest first' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  listApprovals(@Query() query: ApprovalListQueryDto): Promise<ApprovalDto[]> {
    return this.approvals.list(query.limit ?? 50, query.status);
  }

  @Get('stats')
  @ApiOkResponse({ type: ApprovalStatsDto })
  getApprovalStats(): Promise<ApprovalStatsDto> {
    return this.approvals.stats();
  }

  @Get('run/:runId')
  @ApiOkResponse({ type: [ApprovalDto], description: 'Oldest first' })
  listRunApprovals(@Param('runId', runUuid) runId: string): Promise<ApprovalDto[]> {
    return this.approvals.forRun(runId);
  }

  @Get(':id')
  @ApiOkResponse({ type: ApprovalDetailDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getApproval(@Param('id', uuid) id: string): Promise<ApprovalDetailDto> {
    return this.approvals.detail(id);
  }

  @Post(':id/approve')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ApprovalDto, description: 'Approved; the run goes on and the tool runs' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Already decided or timed out' })
  approveApproval(
    @Param('id', uuid) id: string,
    @Body() body: ApprovalDecisionDto,
    @CurrentAuth() auth: AuthContext,
  ): Promise<ApprovalDto> {
    return this.approvals.decide(id, 'approved', auth, body.comment);
  }

  @Post(':id/reject')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ApprovalDto, description: 'Rejected; the agent is told and goes on without the call' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Already decided or timed out' })
  rejectApproval(
    @Param('id', uuid) id: string,
    @Body() body: ApprovalDecisionDto,
    @CurrentAuth() auth: AuthContext,
  ): Promise<ApprovalDto> {
    return this.approvals.decide(id, 'rejected', auth, body.comment);
  }
}

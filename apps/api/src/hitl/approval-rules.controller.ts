import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { ApprovalRulesService } from './approval-rules.service.js';
import { ApprovalRuleDto, ApprovalRulesResponseDto, ApprovalRuleUpsertDto } from './dto/approval-rule.dto.js';

@ApiTags('approvals')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('approval-rules')
export class ApprovalRulesController {
  constructor(private readonly rules: ApprovalRulesService) {}

  @Get()
  @ApiOkResponse({ type: ApprovalRulesResponseDto, description: 'The rules, and what applies to tools without one' })
  listApprovalRules(): Promise<ApprovalRulesResponseDto> {
    return this.rules.list();
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ApprovalRuleDto, description: 'Created or replaced the rule for the tool' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  saveApprovalRule(@Body() body: ApprovalRuleUpsertDto): Promise<ApprovalRuleDto> {
    return this.rules.upsert(body);
  }

  @Delete(':toolName')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The tool is back on the default' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  deleteApprovalRule(@Param('toolName') toolName: string): Promise<void> {
    return this.rules.remove(toolName);
  }
}

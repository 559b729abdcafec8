import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { AgentsOverviewService } from './agents-overview.service.js';
import { A2aMessageListQueryDto, A2aMessageResponseDto } from './dto/agents.dto.js';

@ApiTags('a2a')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('a2a')
export class A2aController {
  constructor(private readonly overview: AgentsOverviewService) {}

  @Get('messages')
  @ApiOkResponse({ type: [A2aMessageResponseDto], description: 'Recent messages between agents, newest first' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  listA2aMessages(@Query() query: A2aMessageListQueryDto): Promise<A2aMessageResponseDto[]> {
    return this.overview.messageList(query);
  }

  @Get('conversations/:id')
  @ApiOkResponse({ type: [A2aMessageResponseDto], description: 'Every message of one A2A conversation, in order' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  getA2aConversation(@Param('id', new ParseUUIDPipe()) id: string): Promise<A2aMessageResponseDto[]> {
    return this.overview.conversation(id);
  }
}

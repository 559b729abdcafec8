import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { PAGE_HEADERS, setPageHeaders } from '../common/page-headers.js';
import {
  ConversationDetailResponseDto,
  ConversationListItemDto,
  ConversationListQueryDto,
  ConversationResponseDto,
} from './dto/run.dto.js';
import { RunsService } from './runs.service.js';

@ApiTags('runs')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('conversations')
export class ConversationsController {
  constructor(private readonly runs: RunsService) {}

  @Get()
  @ApiOkResponse({
    type: [ConversationListItemDto],
    description:
      'Conversations (channel chats, API and console conversations, …), newest first, one page (limit, default 50). The next page: ?cursor= the X-Next-Cursor header',
    headers: PAGE_HEADERS,
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A filter is invalid (the message names it)' })
  async listConversations(
    @Query() query: ConversationListQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ConversationListItemDto[]> {
    return setPageHeaders(res, await this.runs.conversations(query));
  }

  @Get(':id')
  @ApiOkResponse({ type: ConversationDetailResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getConversation(@Param('id', new ParseUUIDPipe()) id: string): Promise<ConversationDetailResponseDto> {
    return this.runs.conversation(id);
  }

  @Post(':id/close')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: ConversationResponseDto,
    description:
      'Start over: closed (again: unchanged), the same as /new from the chat. The chat it belongs to starts a fresh conversation with its next message',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  closeConversation(@Param('id', new ParseUUIDPipe()) id: string): Promise<ConversationResponseDto> {
    return this.runs.closeConversation(id);
  }
}

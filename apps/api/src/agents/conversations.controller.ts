import { Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { ConversationResponseDto } from './dto/run.dto.js';
import { RunsService } from './runs.service.js';

@ApiTags('runs')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('conversations')
export class ConversationsController {
  constructor(private readonly runs: RunsService) {}

  @Post(':id/close')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: ConversationResponseDto,
    description:
      'Closed (again: unchanged). The chat it belongs to starts a fresh conversation with its next message, as /new does from the chat',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  closeConversation(@Param('id', new ParseUUIDPipe()) id: string): Promise<ConversationResponseDto> {
    return this.runs.closeConversation(id);
  }
}

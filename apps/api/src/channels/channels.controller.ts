import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { ChannelsService } from './channels.service.js';
import {
  ChannelCreateDto,
  ChannelMessageResponseDto,
  ChannelMessagesQueryDto,
  ChannelResponseDto,
  ChannelUpdateDto,
} from './dto/channel.dto.js';

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('channels')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @ApiOkResponse({ type: [ChannelResponseDto], description: 'Every channel with its live state' })
  listChannels(): Promise<ChannelResponseDto[]> {
    return this.channels.list();
  }

  @Post()
  @ApiCreatedResponse({ type: ChannelResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Bad input; the message names the field' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The name is taken' })
  createChannel(@Body() body: ChannelCreateDto): Promise<ChannelResponseDto> {
    return this.channels.create(body);
  }

  @Get(':id')
  @ApiOkResponse({ type: ChannelResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getChannel(@Param('id', uuid) id: string): Promise<ChannelResponseDto> {
    return this.channels.get(id);
  }

  @Put(':id')
  @ApiOkResponse({ type: ChannelResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto })
  updateChannel(@Param('id', uuid) id: string, @Body() body: ChannelUpdateDto): Promise<ChannelResponseDto> {
    return this.channels.update(id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  deleteChannel(@Param('id', uuid) id: string): Promise<void> {
    return this.channels.remove(id);
  }

  @Get(':id/messages')
  @ApiOkResponse({ type: [ChannelMessageResponseDto], description: 'Recent inbound messages, newest first' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  listChannelMessages(
    @Param('id', uuid) id: string,
    @Query() query: ChannelMessagesQueryDto,
  ): Promise<ChannelMessageResponseDto[]> {
    return this.channels.messages(id, query.limit ?? 50);
  }
}

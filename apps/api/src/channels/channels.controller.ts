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
  ApiOperation,
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
  ChannelTestResponseDto,
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

  @Post(':id/pair')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Pair a WhatsApp channel again',
    description:
      'Forgets the stored WhatsApp session (the device is unlinked on the gateway’s side) and restarts the ' +
      'channel: it goes to `waiting_for_qr` and its `qr` (and the `channel:status` events) carry the new code ' +
      'to scan with WhatsApp → Linked devices. Use it after `logged_out`, or to link another phone.',
  })
  @ApiOkResponse({ type: ChannelResponseDto, description: 'The channel, restarting with a new session' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No channel with this id' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The channel is not paired by QR code (not WhatsApp), or it is disabled',
  })
  pairChannel(@Param('id', uuid) id: string): Promise<ChannelResponseDto> {
    return this.channels.pair(id);
  }

  @Post(':id/test')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Test a channel’s connection',
    description:
      'Checks that the platform answers and takes the channel’s credentials, receiving and sending nothing ' +
      '(Telegram: getMe; Mattermost: the bot user and team; email: IMAP and SMTP logins; WhatsApp: the ' +
      'connected account, or whether WhatsApp can be reached before pairing). Works on a disabled channel ' +
      'too. A failed check is still 200, with `ok: false` and a sentence naming the host and what it said.',
  })
  @ApiOkResponse({ type: ChannelTestResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  testChannel(@Param('id', uuid) id: string): Promise<ChannelTestResponseDto> {
    return this.channels.test(id);
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

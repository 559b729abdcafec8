import {
  Body,
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '../../auth/public.decorator.js';
import { ErrorResponseDto } from '../../common/error-response.dto.js';
import { ChannelManager } from '../channel-manager.js';
import {
  MattermostAdapter,
  type MattermostActionCall,
  MattermostCallbackRefused,
  type MattermostCommandCall,
  MattermostNotConnected,
} from './mattermost.adapter.js';

const uuid = new ParseUUIDPipe({ version: '4' });

/**
 * What a Mattermost server calls back: a pressed interactive button of the bot's posts, and the slash
 * commands the bot registered. Outside /api like the inbound webhooks, without a session: a button
 * is authenticated by the signature in its context, a slash command by its token.
 */
@ApiTags('webhook-inbound')
@ApiBadRequestResponse({ type: ErrorResponseDto })
@ApiUnauthorizedResponse({
  type: ErrorResponseDto,
  description: 'Not signed by this channel’s bot, or an unknown token',
})
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No running Mattermost channel with this id' })
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The channel is reconnecting; try again' })
@Public()
@Controller('webhook/mattermost')
export class MattermostCallbacksController {
  constructor(private readonly manager: ChannelManager) {}

  @Post(':channelId/actions')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mattermost calls this when someone presses one of the bot’s buttons' })
  @ApiBody({
    schema: { type: 'object', additionalProperties: true },
    description: 'PostActionIntegrationRequest',
  })
  @ApiOkResponse({ schema: { type: 'object' }, description: 'Taken: the answer comes as a post' })
  async mattermostButtonPressed(
    @Param('channelId', uuid) channelId: string,
    @Body() body: Record<string, unknown>,
  ): Promise<Record<string, never>> {
    await this.call(channelId, (adapter) => adapter.buttonPressed(body as MattermostActionCall));
    return {};
  }

  @Post(':channelId/commands')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mattermost calls this when someone runs a slash command the bot registered' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: { type: 'object', additionalProperties: true }, description: 'The slash command call' })
  @ApiOkResponse({ schema: { type: 'object' }, description: 'Taken: the answer comes as a post' })
  async mattermostSlashCommand(
    @Param('channelId', uuid) channelId: string,
    @Body() body: Record<string, unknown>,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<{ response_type: 'ephemeral'; text: string }> {
    const headerToken = /^Token\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? null;
    await this.call(channelId, (adapter) => adapter.slashCommand(body as MattermostCommandCall, headerToken));
    return { response_type: 'ephemeral', text: '' };
  }

  private async call(channelId: string, handle: (adapter: MattermostAdapter) => Promise<void>): Promise<void> {
    const live = this.manager.live(channelId);
    if (!live || !(live.adapter instanceof MattermostAdapter))
      throw new NotFoundException(`No running Mattermost channel ${channelId}`);
    try {
      await handle(live.adapter);
    } catch (error) {
      if (error instanceof MattermostCallbackRefused) throw new UnauthorizedException(error.message);
      if (error instanceof MattermostNotConnected)
        throw new ServiceUnavailableException('The channel is reconnecting; try again');
      throw error;
    }
  }
}

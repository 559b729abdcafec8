import { Injectable } from '@nestjs/common';
import type { ChannelAdapterFactory } from '../adapters/channel-adapter.js';
import { isHttpUrl } from '../adapters/http-url.js';
import { MattermostAdapter, type MattermostAdapterOptions, type MattermostConfig } from './mattermost.adapter.js';

const SETTINGS = ['serverUrl', 'botToken', 'team', 'gatewayUrl'];
/** Mattermost access tokens are 26 lowercase letters and digits; other servers' may differ a little. */
const TOKEN = /^[A-Za-z0-9]{20,64}$/;
/** A user id (26 characters) or a username (letters, digits, `.`, `-`, `_`), with or without `@`. */
const USER_ID = /^[a-z0-9]{26}$/;
const USERNAME = /^@?[a-z0-9][a-z0-9._-]{0,63}$/i;
const TEAM = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

@Injectable()
export class MattermostAdapterFactory implements ChannelAdapterFactory<MattermostConfig> {
  readonly type = 'mattermost' as const;
  /** Tests ping faster, to see a dead connection sooner. */
  options: MattermostAdapterOptions = {};

  validateConfig(raw: Record<string, unknown>): { config: MattermostConfig } | { error: string } {
    const unknown = Object.keys(raw).find((key) => !SETTINGS.includes(key));
    if (unknown) return { error: `config.${unknown} is not a Mattermost setting (${SETTINGS.join(', ')})` };
    const { serverUrl, botToken, team, gatewayUrl } = raw;
    if (typeof serverUrl !== 'string' || !serverUrl) return { error: 'config.serverUrl is required' };
    if (serverUrl.length > 500 || !isHttpUrl(serverUrl) || serverUrl.includes('?'))
      return { error: 'config.serverUrl must be the server’s http:// or https:// address (https://chat.example.com)' };
    if (botToken === undefined || botToken === null || botToken === '') return { error: 'config.botToken is required' };
    if (typeof botToken !== 'string' || !TOKEN.test(botToken.trim()))
      return { error: 'config.botToken must be a Mattermost access token (26 letters and digits)' };
    if (team !== undefined && team !== null && team !== '' && (typeof team !== 'string' || !TEAM.test(team)))
      return { error: 'config.team must be a team name or id (letters, digits, - and _)' };
    const noGatewayUrl = gatewayUrl === undefined || gatewayUrl === null || gatewayUrl === '';
    if (
      !noGatewayUrl &&
      (typeof gatewayUrl !== 'string' || gatewayUrl.length > 500 || !isHttpUrl(gatewayUrl) || /[?#@]/.test(gatewayUrl))
    )
      return {
        error:
          'config.gatewayUrl must be the gateway’s http:// or https:// address as the Mattermost server reaches it (https://gateway.example.com)',
      };
    return {
      config: {
        serverUrl: serverUrl.replace(/\/+$/, ''),
        botToken: botToken.trim(),
        team: typeof team === 'string' && team ? team : null,
        gatewayUrl: noGatewayUrl ? null : (gatewayUrl as string).replace(/\/+$/, ''),
      },
    };
  }

  validateSender(sender: string): string | null {
    return USER_ID.test(sender) || USERNAME.test(sender)
      ? null
      : 'must be a Mattermost user id (26 characters) or a username (alice or @alice)';
  }

  /** Usernames are case-insensitive in Mattermost: stored lowercased and without the `@`. */
  normalizeSender(sender: string): string {
    return sender.replace(/^@/, '').toLowerCase();
  }

  describeConfig(config: MattermostConfig): Record<string, unknown> {
    return {
      serverUrl: config.serverUrl,
      hasBotToken: Boolean(config.botToken),
      team: config.team,
      gatewayUrl: config.gatewayUrl ?? null,
    };
  }

  create(config: MattermostConfig, channel: { id: string; name: string }): MattermostAdapter {
    return new MattermostAdapter(config, channel, this.options);
  }
}

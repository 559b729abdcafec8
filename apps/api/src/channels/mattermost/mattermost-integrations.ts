import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import { ChannelAuthError, type ChatButton } from '../adapters/channel-adapter.js';
import { CHAT_COMMANDS } from '../channel-commands.js';
import {
  MattermostApiError,
  type MattermostClient,
  type MattermostCommand,
  type MattermostCommandSettings,
  type MattermostPostAction,
} from './mattermost-client.js';

/**
 * Where Mattermost calls the gateway back for one channel: interactive buttons (`actions`, a JSON
 * body) and the slash commands the bot registered (`commands`, a form body). Outside /api, like the
 * inbound webhooks.
 */
export function callbackUrl(gatewayUrl: string, channelId: string, kind: 'actions' | 'commands'): string {
  return `${gatewayUrl.replace(/\/+$/, '')}/webhook/mattermost/${channelId}/${kind}`;
}

/**
 * Buttons' callbacks are authenticated by a signature in the action's `context`: Mattermost keeps an
 * action's integration (URL and context) on the server and never shows it to clients, so only the
 * server can send it back. The key is derived from the bot token, which only the gateway and the
 * Mattermost server know; the signature covers the channel of the post and the command.
 */
export class ButtonSigner {
  private readonly key: Buffer;

  constructor(botToken: string) {
    this.key = createHmac('sha256', botToken).update('loop-gateway mattermost buttons').digest();
  }

  actions(url: string, chatId: string, buttons: ChatButton[]): MattermostPostAction[] {
    return buttons.map((button, index) => ({
      id: button.label.toLowerCase().replace(/[^a-z0-9]/g, '') || `button${index}`,
      name: button.label,
      type: 'button',
      style: index === 0 ? 'primary' : 'default',
      integration: { url, context: { command: button.command, signature: this.sign(chatId, button.command) } },
    }));
  }

  /** The command a pressed button carries, or null when the context was not signed by this bot for this channel. */
  verify(chatId: string, context: unknown): string | null {
    if (!context || typeof context !== 'object') return null;
    const { command, signature } = context as Record<string, unknown>;
    if (typeof command !== 'string' || typeof signature !== 'string') return null;
    const expected = Buffer.from(this.sign(chatId, command));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected) ? command : null;
  }

  private sign(chatId: string, command: string): string {
    return createHmac('sha256', this.key).update(`${chatId}\n${command}`).digest('base64url');
  }
}

/**
 * The chat commands as the server's own slash commands, in every team of the bot (or the configured
 * one), where the bot may manage slash commands. A trigger Mattermost already has (`/help` and
 * `/status` are built in) or that another integration took is left alone: `!status` and `@bot status`
 * work everywhere. Commands the bot registered earlier are reused (pointed at the current URL).
 * Mattermost sends each call with the command's token, which is how a call is recognised.
 */
export class SlashCommands {
  /** Token → where it was registered. */
  private readonly tokens = new Map<string, { teamId: string; trigger: string }>();
  /** `team/trigger` of every command in use, for the log and the tests. */
  readonly registered: string[] = [];

  constructor(
    private readonly client: MattermostClient,
    private readonly logger: Logger,
  ) {}

  /** In `team` (an id), or in every team of the bot when null. */
  async register(botId: string, team: string | null, url: string): Promise<void> {
    let teamIds = team ? [team] : [];
    if (!team) {
      try {
        teamIds = (await this.client.teamsOf(botId)).map((found) => found.id);
      } catch (error) {
        if (error instanceof ChannelAuthError) throw error;
        this.logger.log(`Slash commands not registered: the bot's teams could not be listed: ${describe(error)}`);
      }
    }
    for (const teamId of teamIds) {
      try {
        await this.registerInTeam(botId, teamId, url);
      } catch (error) {
        if (error instanceof ChannelAuthError) throw error;
        this.logger.log(
          `Slash commands not registered in team ${teamId} (use !command or @bot command there): ${describe(error)}`,
        );
      }
    }
  }

  /**
   * Deletes the commands the bot registered for `url` (the channel is being deleted), in `team` or
   * in every team of the bot. Returns how many; commands of other integrations are left alone.
   */
  async unregister(botId: string, team: string | null, url: string): Promise<number> {
    const teamIds = team ? [team] : (await this.client.teamsOf(botId)).map((found) => found.id);
    let deleted = 0;
    for (const teamId of teamIds) {
      for (const command of await this.client.commands(teamId)) {
        if (command.creator_id !== botId || command.url !== url) continue;
        await this.client.deleteCommand(command.id);
        deleted += 1;
      }
    }
    return deleted;
  }

  /** The command line a slash-command call stands for (`/approve 1a2b3c4d`), or null when its token is not ours. */
  verify(token: string, teamId: string, command: string, text: string): string | null {
    const known = [...this.tokens.entries()].find(([candidate]) => sameSecret(candidate, token))?.[1];
    if (!known || known.teamId !== teamId || command.toLowerCase() !== `/${known.trigger}`) return null;
    return `/${known.trigger}${text.trim() ? ` ${text.trim()}` : ''}`;
  }

  private async registerInTeam(botId: string, teamId: string, url: string): Promise<void> {
    const existing = await this.client.commands(teamId);
    for (const trigger of CHAT_COMMANDS) {
      const settings = commandSettings(teamId, trigger, url);
      const taken = existing.find((command) => command.trigger === trigger);
      let command: MattermostCommand;
      if (taken && taken.creator_id !== botId) {
        this.logger.log(`Slash command /${trigger} in team ${teamId} belongs to another integration: not taken over`);
        continue;
      }
      if (taken) command = taken.url === url ? taken : await this.client.updateCommand(taken, settings);
      else {
        try {
          command = await this.client.createCommand(settings);
        } catch (error) {
          if (error instanceof MattermostApiError && error.id === 'api.command.duplicate_trigger.app_error') {
            this.logger.log(`Slash command /${trigger} is Mattermost's own: !${trigger} and @bot ${trigger} work`);
            continue;
          }
          throw error;
        }
      }
      this.tokens.set(command.token, { teamId, trigger });
      this.registered.push(`${teamId}/${trigger}`);
    }
  }
}

const DESCRIPTIONS: Record<(typeof CHAT_COMMANDS)[number], [string, string]> = {
  new: ['Start a new conversation with the agent', ''],
  reset: ['Start a new conversation with the agent', ''],
  status: ['What the agent is doing for this chat', ''],
  help: ['The agent’s chat commands', ''],
  approve: ['Approve a held tool call (approvers only)', '<id>'],
  reject: ['Reject a held tool call (approvers only)', '<id> [reason]'],
};

function commandSettings(teamId: string, trigger: (typeof CHAT_COMMANDS)[number], url: string) {
  const [description, hint] = DESCRIPTIONS[trigger];
  return {
    team_id: teamId,
    trigger,
    url,
    method: 'P',
    display_name: `Loop Gateway ${trigger}`,
    description,
    auto_complete: true,
    auto_complete_desc: description,
    auto_complete_hint: hint,
  } satisfies MattermostCommandSettings;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

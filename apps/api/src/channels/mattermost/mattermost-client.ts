import { ChannelAuthError } from '../adapters/channel-adapter.js';
import { describeNetworkError, hostOf } from '../adapters/readable-error.js';

/** How long one REST call may take. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface MattermostUser {
  id: string;
  username: string;
  first_name?: string;
  last_name?: string;
  is_bot?: boolean;
}

export interface MattermostPost {
  id: string;
  create_at: number;
  user_id: string;
  channel_id: string;
  root_id: string;
  message: string;
  /** '' for a person's post; `system_*` for join/leave and other system messages. */
  type: string;
  props?: Record<string, unknown>;
}

export interface MattermostChannel {
  id: string;
  /** `D` direct, `G` group message, `O` public, `P` private. */
  type: string;
  team_id: string;
  /** When the channel's newest post was made (ms since the epoch). */
  last_post_at: number;
}

/** A custom slash command as `/api/v4/commands` returns it. */
export interface MattermostCommand {
  id: string;
  token: string;
  creator_id: string;
  team_id: string;
  trigger: string;
  method: string;
  url: string;
}

/** What the bot registers: a trigger whose calls Mattermost sends to `url` (a POST with a form body). */
export interface MattermostCommandSettings {
  team_id: string;
  trigger: string;
  url: string;
  method: 'P';
  display_name: string;
  description: string;
  auto_complete: boolean;
  auto_complete_desc: string;
  auto_complete_hint: string;
}

/** An interactive button on a post (a message attachment's action) that Mattermost calls back. */
export interface MattermostPostAction {
  id: string;
  name: string;
  type: 'button';
  style?: string;
  integration: { url: string; context: Record<string, unknown> };
}

export interface MattermostPostList {
  order: string[];
  posts: Record<string, MattermostPost>;
}

/** Mattermost's error body (AppError). */
interface AppError {
  id?: string;
  message?: string;
  status_code?: number;
}

/**
 * The few REST API v4 calls the bot makes, with the token in the Authorization header (never in a
 * URL) and a time limit on each. A 401 becomes a ChannelAuthError: the token was revoked or is wrong.
 */
export class MattermostClient {
  private readonly apiRoot: string;
  /** `Mattermost (chat.example.com)`: who could not be reached, in errors. */
  readonly peer: string;

  constructor(
    serverUrl: string,
    private readonly token: string,
  ) {
    this.apiRoot = `${serverUrl.replace(/\/+$/, '')}/api/v4`;
    this.peer = `Mattermost (${hostOf(serverUrl)})`;
  }

  /** The WebSocket endpoint (`ws://` or `wss://`, as the server URL is http or https). */
  websocketUrl(): string {
    return `${this.apiRoot.replace(/^http/, 'ws')}/websocket`;
  }

  me(signal?: AbortSignal): Promise<MattermostUser> {
    return this.call('GET', '/users/me', undefined, signal);
  }

  user(id: string): Promise<MattermostUser> {
    return this.call('GET', `/users/${encodeURIComponent(id)}`);
  }

  userByUsername(username: string): Promise<MattermostUser> {
    return this.call('GET', `/users/username/${encodeURIComponent(username)}`);
  }

  /** The direct-message channel between two users (created by the server if new). */
  directChannel(userA: string, userB: string): Promise<{ id: string }> {
    return this.call('POST', '/channels/direct', [userA, userB]);
  }

  teamByName(name: string): Promise<{ id: string; name: string }> {
    return this.call('GET', `/teams/name/${encodeURIComponent(name)}`);
  }

  createPost(post: {
    channel_id: string;
    message: string;
    root_id: string;
    props?: { attachments: { text: string; actions: MattermostPostAction[] }[] };
  }): Promise<MattermostPost> {
    return this.call('POST', '/posts', post);
  }

  /** Changes the fields given of one of the bot's posts (the others stay as they are). */
  patchPost(
    postId: string,
    patch: { props: { attachments: { text: string; actions?: MattermostPostAction[] }[] } },
  ): Promise<MattermostPost> {
    return this.call('PUT', `/posts/${encodeURIComponent(postId)}/patch`, patch);
  }

  /** The teams the user is a member of. */
  teamsOf(userId: string): Promise<{ id: string; name: string }[]> {
    return this.call('GET', `/users/${encodeURIComponent(userId)}/teams`);
  }

  /** A team's custom slash commands (needs the permission to manage them). */
  commands(teamId: string): Promise<MattermostCommand[]> {
    return this.call('GET', `/commands?team_id=${encodeURIComponent(teamId)}&custom_only=true`);
  }

  createCommand(settings: MattermostCommandSettings): Promise<MattermostCommand> {
    return this.call('POST', '/commands', settings);
  }

  updateCommand(command: MattermostCommand, settings: MattermostCommandSettings): Promise<MattermostCommand> {
    return this.call('PUT', `/commands/${encodeURIComponent(command.id)}`, { ...command, ...settings });
  }

  deleteCommand(commandId: string): Promise<unknown> {
    return this.call('DELETE', `/commands/${encodeURIComponent(commandId)}`);
  }

  /** Every channel the user is in, across teams (direct messages included). */
  channelsOf(userId: string): Promise<MattermostChannel[]> {
    return this.call('GET', `/users/${encodeURIComponent(userId)}/channels`);
  }

  /** Posts of a channel created or changed after `since` (ms since the epoch). */
  postsSince(channelId: string, since: number): Promise<MattermostPostList> {
    return this.call('GET', `/channels/${encodeURIComponent(channelId)}/posts?since=${since}`);
  }

  typing(userId: string, channelId: string, parentId: string): Promise<unknown> {
    return this.call('POST', `/users/${encodeURIComponent(userId)}/typing`, {
      channel_id: channelId,
      parent_id: parentId,
    });
  }

  private async call<T>(method: string, path: string, body?: object, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(`${this.apiRoot}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          ...(body ? { 'Content-Type': 'application/json' } : {}),
          'X-Requested-With': 'XMLHttpRequest',
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'error',
      });
    } catch (error) {
      if (timeout.aborted && !signal?.aborted)
        throw new Error(`${this.peer} did not answer ${method} ${path} within ${REQUEST_TIMEOUT_MS / 1000} s`, {
          cause: error,
        });
      throw new Error(
        describeNetworkError(error, this.peer) ?? `${this.peer} could not be reached: ${describeCause(error)}`,
        { cause: error },
      );
    }
    const text = await response.text();
    if (response.ok) return (text ? JSON.parse(text) : {}) as T;
    let failure: AppError = {};
    try {
      failure = JSON.parse(text) as AppError;
    } catch {
      // not Mattermost's error body: the status says enough
    }
    const reason = `${response.status} ${failure.message ?? response.statusText}`.trim();
    if (response.status === 401) throw new ChannelAuthError(`Mattermost rejected the bot token (${reason})`);
    throw new MattermostApiError(
      `Mattermost refused ${method} ${path.split('?')[0]}: ${reason}`,
      response.status,
      failure.id ?? null,
    );
  }
}

export class MattermostApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Mattermost's error id (`api.command.duplicate_trigger.app_error`). */
    readonly id: string | null = null,
  ) {
    super(message);
  }
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

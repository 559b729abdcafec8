import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** A Mattermost user as `GET /api/v4/users/{id}` returns it (the fields the gateway reads). */
export interface MattermostUser {
  id: string;
  username: string;
  first_name: string;
  last_name: string;
  nickname: string;
  is_bot: boolean;
  create_at: number;
  update_at: number;
  delete_at: number;
}

/** A channel: `D` direct message, `G` group message, `O` public, `P` private. */
export interface MattermostChannel {
  id: string;
  team_id: string;
  type: 'D' | 'G' | 'O' | 'P';
  name: string;
  display_name: string;
  members: string[];
}

/** A post as the v4 API returns it. */
export interface MattermostPost {
  id: string;
  create_at: number;
  update_at: number;
  edit_at: number;
  delete_at: number;
  user_id: string;
  channel_id: string;
  root_id: string;
  original_id: string;
  message: string;
  type: string;
  props: Record<string, unknown>;
  hashtags: string;
  pending_post_id: string;
  metadata: Record<string, unknown>;
}

/** A `user_typing` the bot sent (over the WebSocket action or the REST endpoint). */
export interface TypingRecord {
  userId: string;
  channelId: string;
  parentId: string;
}

/** A custom slash command as `/api/v4/commands` stores it. */
export interface MattermostCommand {
  id: string;
  token: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  creator_id: string;
  team_id: string;
  trigger: string;
  method: string;
  url: string;
  display_name: string;
  description: string;
  auto_complete: boolean;
  auto_complete_desc: string;
  auto_complete_hint: string;
  username: string;
  icon_url: string;
}

/** What the server answered the person who ran a slash command or pressed a button. */
export interface IntegrationOutcome {
  /** The integration's HTTP status (Mattermost shows an error to the person unless it is 200). */
  status: number;
  body: Record<string, unknown> | null;
}

/**
 * The server's built-in slash command triggers (a custom command may not take them):
 * `app/slashcommands` of Mattermost 10, `status` being the custom-status command.
 */
const BUILT_IN_TRIGGERS = [
  'away',
  'code',
  'collapse',
  'dnd',
  'echo',
  'expand',
  'groupmsg',
  'header',
  'help',
  'invite',
  'join',
  'kick',
  'leave',
  'logout',
  'me',
  'msg',
  'mute',
  'offline',
  'online',
  'open',
  'purpose',
  'remove',
  'rename',
  'search',
  'settings',
  'shortcuts',
  'shrug',
  'status',
];

interface Connection {
  socket: WebSocket;
  userId: string | null;
  /** The per-socket sequence of server events (starts at 0 with `hello`). */
  seq: number;
  connectionId: string;
  /** Answers nothing and gets no events (a half-dead connection). */
  silent?: boolean;
}

/** Mattermost ids: 26 characters of lowercase base32. */
export function mattermostId(): string {
  const alphabet = 'abcdefghijkmnopqrstuwxyz13456789';
  return [...randomBytes(26)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/**
 * A fake Mattermost server speaking enough of the real REST API v4 and WebSocket protocol for a bot:
 * `GET /api/v4/users/me`, `GET /api/v4/users/{id}`, `POST /api/v4/posts`, `PUT /api/v4/posts/{id}/patch`, `GET /api/v4/posts/{id}/thread`,
 * `GET /api/v4/channels/{id}`, `GET /api/v4/channels/{id}/posts?since=`, `POST /api/v4/users/{id}/typing`,
 * and `/api/v4/websocket` (the `authentication_challenge` action answered with `seq_reply`, the `hello`
 * event, `ping` → `pong`, `user_typing`, and `posted` events with the per-socket `seq` and the post as a
 * JSON string, as the real server sends them), `GET /api/v4/users/{id}/teams` and the custom slash
 * commands (`/api/v4/commands`: list, create, update, delete; built-in triggers refused). Errors have
 * Mattermost's AppError body. The test plays the people: `userPosts` posts as a user and broadcasts it
 * to the channel's members, `runSlashCommand` and `pressButton` call the integration's URL as the
 * server does (a form with the command's token; the button's server-side context).
 */
export class FakeMattermost {
  readonly users = new Map<string, MattermostUser>();
  readonly channels = new Map<string, MattermostChannel>();
  readonly posts: MattermostPost[] = [];
  readonly typing: TypingRecord[] = [];
  readonly teamId = mattermostId();
  readonly teamName = 'acme';
  /** Every REST call, as `GET /api/v4/users/me` (the query left out). */
  readonly requests: string[] = [];
  /** How many WebSocket connections authenticated (a reconnect adds one). */
  authenticatedConnections = 0;
  /** Custom slash commands of the team. */
  readonly commands: MattermostCommand[] = [];
  /** Whether bots may manage slash commands (else 403, as without the permission). */
  botsMayManageCommands = true;
  /** Ephemeral answers shown to one person (slash command responses, `ephemeral_text` of buttons). */
  readonly ephemerals: { userId: string; channelId: string; text: string }[] = [];
  private readonly tokens = new Map<string, string>();
  private readonly connections = new Set<Connection>();
  private server!: Server;
  private wss!: WebSocketServer;
  url = '';

  static async start(): Promise<FakeMattermost> {
    const fake = new FakeMattermost();
    await fake.listen();
    return fake;
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        appError(res, 500, 'app.fake.error', error instanceof Error ? error.message : String(error));
      });
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/api/v4/websocket') {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A person (or, with `isBot`, a bot account) on the server. */
  addUser(username: string, options: { isBot?: boolean; firstName?: string; lastName?: string } = {}): MattermostUser {
    const now = Date.now();
    const user: MattermostUser = {
      id: mattermostId(),
      username,
      first_name: options.firstName ?? '',
      last_name: options.lastName ?? '',
      nickname: '',
      is_bot: options.isBot ?? false,
      create_at: now,
      update_at: now,
      delete_at: 0,
    };
    this.users.set(user.id, user);
    return user;
  }

  /** A bot account and its access token. */
  addBot(username: string): { user: MattermostUser; token: string } {
    const user = this.addUser(username, { isBot: true });
    const token = randomBytes(13).toString('hex').slice(0, 26);
    this.tokens.set(token, user.id);
    return { user, token };
  }

  /** The token stops working (the bot's access token was revoked); open sockets of it are closed. */
  revokeToken(token: string): void {
    const userId = this.tokens.get(token);
    this.tokens.delete(token);
    for (const connection of this.connections) if (connection.userId === userId) connection.socket.terminate();
  }

  /** The direct-message channel between two users (created on first use, named as Mattermost does). */
  directChannel(a: string, b: string): MattermostChannel {
    const name = [a, b].sort().join('__');
    const existing = [...this.channels.values()].find((c) => c.type === 'D' && c.name === name);
    if (existing) return existing;
    const channel: MattermostChannel = {
      id: mattermostId(),
      team_id: '',
      type: 'D',
      name,
      display_name: '',
      members: [a, b],
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A public channel of the team with these members. */
  openChannel(name: string, members: string[]): MattermostChannel {
    const channel: MattermostChannel = {
      id: mattermostId(),
      team_id: this.teamId,
      type: 'O',
      name,
      display_name: name,
      members,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A user posts (as the web app would); the `posted` event goes to every member's sockets. */
  userPosts(userId: string, channelId: string, message: string, rootId = ''): MattermostPost {
    return this.createPost(userId, { channel_id: channelId, message, root_id: rootId });
  }

  /**
   * A user runs a slash command in a channel (as the web app's `POST /api/v4/commands/execute`): a
   * custom command of the team is called at its URL with a form body and its token, as the server
   * does; its JSON answer is posted in the channel (`in_channel`) or shown to the user (ephemeral).
   * A trigger that is neither custom nor built in is refused (404) and nothing is posted.
   */
  async runSlashCommand(userId: string, channelId: string, line: string): Promise<IntegrationOutcome> {
    const [, trigger = '', text = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(line.trim()) ?? [];
    const channel = this.channels.get(channelId)!;
    const user = this.users.get(userId)!;
    const command = this.commands.find((c) => c.team_id === this.teamId && c.trigger === trigger.toLowerCase());
    if (!command) return { status: 404, body: null };
    const form = new URLSearchParams({
      token: command.token,
      team_id: command.team_id,
      team_domain: this.teamName,
      channel_id: channel.id,
      channel_name: channel.name,
      user_id: user.id,
      user_name: user.username,
      command: `/${command.trigger}`,
      text,
      trigger_id: randomBytes(24).toString('base64url'),
      response_url: `${this.url}/hooks/commands/${mattermostId()}`,
    });
    const response = await fetch(command.url, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        Authorization: `Token ${command.token}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: form.toString(),
    });
    const outcome = { status: response.status, body: await jsonOrNull(response) };
    const answer = outcome.body ?? {};
    if (response.status === 200 && typeof answer.text === 'string' && answer.text) {
      if (answer.response_type === 'in_channel')
        this.createPost(userId, { channel_id: channelId, message: answer.text });
      else this.ephemerals.push({ userId, channelId, text: answer.text });
    }
    return outcome;
  }

  /**
   * A user presses an interactive button of a post (as the web app's `POST
   * /api/v4/posts/{post_id}/actions/{action_id}`): the server posts the action's integration context to
   * its URL (PostActionIntegrationRequest) and applies the answer (`update` replaces the post's message
   * and props, `ephemeral_text` is shown to the user).
   */
  async pressButton(userId: string, postId: string, actionId: string): Promise<IntegrationOutcome> {
    const post = this.posts.find((p) => p.id === postId)!;
    const channel = this.channels.get(post.channel_id)!;
    const action = postActions(post).find((a) => a.id === actionId);
    if (!action?.integration) throw new Error(`Post ${postId} has no button ${actionId}`);
    const user = this.users.get(userId)!;
    const response = await fetch(action.integration.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        user_id: user.id,
        user_name: user.username,
        channel_id: channel.id,
        channel_name: channel.name,
        team_id: channel.team_id,
        team_domain: this.teamName,
        post_id: post.id,
        trigger_id: randomBytes(24).toString('base64url'),
        type: 'button',
        data_source: '',
        context: action.integration.context ?? {},
      }),
    });
    const outcome = { status: response.status, body: await jsonOrNull(response) };
    const update = outcome.body?.update as { message?: string; props?: Record<string, unknown> } | undefined;
    if (response.status === 200 && update) {
      if (typeof update.message === 'string') post.message = update.message;
      if (update.props) post.props = update.props;
      post.update_at = Date.now();
    }
    if (response.status === 200 && typeof outcome.body?.ephemeral_text === 'string')
      this.ephemerals.push({ userId, channelId: channel.id, text: outcome.body.ephemeral_text });
    return outcome;
  }

  /** Posts in a channel, oldest first. */
  postsIn(channelId: string): MattermostPost[] {
    return this.posts.filter((post) => post.channel_id === channelId);
  }

  /** Drops every WebSocket connection (as a restarting server or a proxy would). */
  dropSockets(): void {
    for (const connection of this.connections) connection.socket.terminate();
  }

  /**
   * The open sockets go silent without closing (as behind a proxy that lost the far side): nothing
   * more is answered or sent on them. New connections work normally.
   */
  silenceSockets(): void {
    for (const connection of this.connections) connection.silent = true;
  }

  /** Open, authenticated WebSocket connections. */
  get openConnections(): number {
    return [...this.connections].filter((c) => c.userId !== null).length;
  }

  private createPost(
    userId: string,
    body: { channel_id: string; message: string; root_id?: string; props?: Record<string, unknown> },
  ): MattermostPost {
    const now = Math.max(Date.now(), (this.posts.at(-1)?.create_at ?? 0) + 1);
    const user = this.users.get(userId);
    const post: MattermostPost = {
      id: mattermostId(),
      create_at: now,
      update_at: now,
      edit_at: 0,
      delete_at: 0,
      user_id: userId,
      channel_id: body.channel_id,
      root_id: body.root_id ?? '',
      original_id: '',
      message: body.message,
      type: '',
      props: { ...(body.props ?? {}), ...(user?.is_bot ? { from_bot: 'true' } : {}) },
      hashtags: '',
      pending_post_id: '',
      metadata: {},
    };
    this.posts.push(post);
    this.broadcastPosted(post);
    return post;
  }

  private broadcastPosted(post: MattermostPost): void {
    const channel = this.channels.get(post.channel_id)!;
    const sender = this.users.get(post.user_id);
    const mentioned = [...this.users.values()]
      .filter((user) => new RegExp(`(^|[^\\w.@-])@${escapeRegExp(user.username)}\\b`, 'i').test(post.message))
      .map((user) => user.id);
    const data: Record<string, unknown> = {
      channel_display_name: channel.type === 'D' ? `@${sender?.username ?? ''}` : channel.display_name,
      channel_name: channel.name,
      channel_type: channel.type,
      post: JSON.stringify(forClients(post)),
      sender_name: `@${sender?.username ?? ''}`,
      set_online: true,
      team_id: channel.team_id,
    };
    // The real server adds `mentions` (a JSON string of user ids) only when someone was mentioned.
    if (mentioned.length > 0) data.mentions = JSON.stringify(mentioned);
    for (const connection of this.connections) {
      if (connection.silent || !connection.userId || !channel.members.includes(connection.userId)) continue;
      this.sendEvent(connection, 'posted', data, { channel_id: channel.id, team_id: '', user_id: '' });
    }
  }

  /** A channel as the API returns it (its members are not part of it). */
  private channelJson(channel: MattermostChannel): Record<string, unknown> {
    const { members: _members, ...rest } = channel;
    const last = this.postsIn(channel.id).at(-1);
    return { ...rest, last_post_at: last?.create_at ?? 0, delete_at: 0 };
  }

  private accept(socket: WebSocket): void {
    const connection: Connection = { socket, userId: null, seq: 0, connectionId: mattermostId() };
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
    socket.on('message', (raw) => {
      if (connection.silent) return;
      let message: { seq?: number; action?: string; data?: Record<string, unknown> };
      try {
        message = JSON.parse(String(raw)) as typeof message;
      } catch {
        return; // the real server ignores what it cannot decode
      }
      const seq = message.seq ?? 0;
      if (message.action === 'authentication_challenge') {
        const userId = this.tokens.get(String(message.data?.token ?? ''));
        if (!userId) {
          reply(socket, seq, 'FAIL', undefined, {
            id: 'api.web_socket_router.not_authenticated.app_error',
            message: 'Invalid or expired session, please login again.',
            status_code: 401,
          });
          return;
        }
        connection.userId = userId;
        this.authenticatedConnections++;
        reply(socket, seq, 'OK');
        this.sendEvent(
          connection,
          'hello',
          { connection_id: connection.connectionId, server_version: '10.5.0.fake', server_hostname: 'fake' },
          { channel_id: '', team_id: '', user_id: userId },
        );
        return;
      }
      if (!connection.userId) {
        reply(socket, seq, 'FAIL', undefined, {
          id: 'api.web_socket_router.not_authenticated.app_error',
          message: 'Invalid or expired session, please login again.',
          status_code: 401,
        });
        return;
      }
      if (message.action === 'ping') {
        reply(socket, seq, 'OK', { text: 'pong', version: '10.5.0.fake', server_time: Date.now() });
        return;
      }
      if (message.action === 'user_typing') {
        this.typing.push({
          userId: connection.userId,
          channelId: String(message.data?.channel_id ?? ''),
          parentId: String(message.data?.parent_id ?? ''),
        });
        reply(socket, seq, 'OK');
        return;
      }
      reply(socket, seq, 'FAIL', undefined, {
        id: 'api.web_socket_router.bad_action.app_error',
        message: 'Unable to find handler for websocket action.',
        status_code: 501,
      });
    });
  }

  private sendEvent(
    connection: Connection,
    event: string,
    data: Record<string, unknown>,
    broadcast: { channel_id: string; team_id: string; user_id: string },
  ): void {
    const envelope = {
      event,
      data,
      broadcast: { omit_users: null, ...broadcast, connection_id: '', omit_connection_id: '' },
      seq: connection.seq++,
    };
    connection.socket.send(JSON.stringify(envelope));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    this.requests.push(`${req.method} ${path}`);
    if (!path.startsWith('/api/v4/'))
      return appError(res, 404, 'api.context.404.app_error', 'Sorry, we could not find the page.');
    const header = req.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? '';
    const me = this.tokens.get(token);
    if (!me) {
      return appError(
        res,
        401,
        'api.context.session_expired.app_error',
        'Invalid or expired session, please login again.',
      );
    }
    const body = req.method === 'POST' || req.method === 'PUT' ? await readJson(req) : {};
    let match: RegExpExecArray | null;
    if (req.method === 'GET' && (match = /^\/api\/v4\/users\/([a-z0-9]+)$/.exec(path))) {
      const user = this.users.get(match[1] === 'me' ? me : match[1]!);
      return user
        ? json(res, 200, user)
        : appError(res, 404, 'app.user.missing_account.const', 'Unable to find the user.');
    }
    if (req.method === 'GET' && (match = /^\/api\/v4\/teams\/name\/([\w-]+)$/.exec(path))) {
      if (match[1] !== this.teamName)
        return appError(res, 404, 'app.team.get_by_name.missing.app_error', 'Unable to find the existing team.');
      return json(res, 200, { id: this.teamId, name: this.teamName, display_name: 'Acme', type: 'O' });
    }
    if (req.method === 'GET' && (match = /^\/api\/v4\/users\/username\/([\w.-]+)$/.exec(path))) {
      const user = [...this.users.values()].find((u) => u.username === match![1]!.toLowerCase());
      return user
        ? json(res, 200, user)
        : appError(res, 404, 'app.user.missing_account.const', 'Unable to find the user.');
    }
    if (req.method === 'POST' && path === '/api/v4/channels/direct') {
      const ids = body as unknown as string[];
      if (!Array.isArray(ids) || ids.length !== 2 || !ids.includes(me) || !ids.every((id) => this.users.has(id))) {
        return appError(
          res,
          400,
          'api.context.invalid_body_param.app_error',
          'Invalid or missing user_ids in request body.',
        );
      }
      return json(res, 201, this.directChannel(ids[0]!, ids[1]!));
    }
    if (req.method === 'POST' && path === '/api/v4/posts') {
      const channelId = String(body.channel_id ?? '');
      const channel = this.channels.get(channelId);
      if (!channel || !channel.members.includes(me)) {
        return appError(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      }
      const message = String(body.message ?? '');
      if (message.length > 16_383) {
        return appError(res, 400, 'model.post.is_valid.message_length.app_error', 'Invalid Message property for post.');
      }
      const rootId = String(body.root_id ?? '');
      if (rootId && !this.posts.some((p) => p.id === rootId && p.channel_id === channelId)) {
        return appError(res, 400, 'api.post.create_post.root_id.app_error', 'Invalid RootId parameter.');
      }
      const props = (body.props && typeof body.props === 'object' ? body.props : {}) as Record<string, unknown>;
      return json(res, 201, this.createPost(me, { channel_id: channelId, message, root_id: rootId, props }));
    }
    if (req.method === 'POST' && (match = /^\/api\/v4\/users\/([a-z0-9]+)\/typing$/.exec(path))) {
      this.typing.push({
        userId: match[1] === 'me' ? me : match[1]!,
        channelId: String(body.channel_id ?? ''),
        parentId: String(body.parent_id ?? ''),
      });
      return json(res, 200, { status: 'OK' });
    }
    if (req.method === 'GET' && (match = /^\/api\/v4\/users\/([a-z0-9]+)\/channels$/.exec(path))) {
      const userId = match[1] === 'me' ? me : match[1]!;
      if (userId !== me)
        return appError(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      return json(
        res,
        200,
        [...this.channels.values()].filter((c) => c.members.includes(me)).map((c) => this.channelJson(c)),
      );
    }
    if (req.method === 'GET' && (match = /^\/api\/v4\/channels\/([a-z0-9]+)$/.exec(path))) {
      const channel = this.channels.get(match[1]!);
      if (!channel || !channel.members.includes(me)) {
        return appError(res, 404, 'app.channel.get.existing.app_error', 'Unable to find the existing channel.');
      }
      return json(res, 200, this.channelJson(channel));
    }
    if (req.method === 'GET' && (match = /^\/api\/v4\/channels\/([a-z0-9]+)\/posts$/.exec(path))) {
      const channel = this.channels.get(match[1]!);
      if (!channel || !channel.members.includes(me)) {
        return appError(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      }
      const since = Number(url.searchParams.get('since') ?? '0');
      return json(
        res,
        200,
        postList(this.postsIn(channel.id).filter((p) => p.create_at > since || p.update_at > since)),
      );
    }
    if (req.method === 'PUT' && (match = /^\/api\/v4\/posts\/([a-z0-9]+)\/patch$/.exec(path))) {
      // PatchPost: only the fields given change; a user edits their own posts only.
      const post = this.posts.find((p) => p.id === match![1]);
      if (!post) return appError(res, 404, 'app.post.get.app_error', 'Unable to get the post.');
      if (post.user_id !== me)
        return appError(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      if (typeof body.message === 'string') post.message = body.message;
      if (body.props && typeof body.props === 'object') post.props = body.props as Record<string, unknown>;
      post.update_at = post.edit_at = Date.now();
      return json(res, 200, post);
    }
    if (req.method === 'GET' && (match = /^\/api\/v4\/posts\/([a-z0-9]+)\/thread$/.exec(path))) {
      const root = this.posts.find((p) => p.id === match![1]);
      if (!root) return appError(res, 404, 'app.post.get.app_error', 'Unable to get the post.');
      return json(res, 200, postList(this.posts.filter((p) => p.id === root.id || p.root_id === root.id)));
    }
    if (req.method === 'GET' && (match = /^\/api\/v4\/users\/([a-z0-9]+)\/teams$/.exec(path))) {
      if ((match[1] === 'me' ? me : match[1]) !== me)
        return appError(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      return json(res, 200, [{ id: this.teamId, name: this.teamName, display_name: 'Acme', type: 'O' }]);
    }
    if (path === '/api/v4/commands' || path.startsWith('/api/v4/commands/')) {
      if (!this.botsMayManageCommands && this.users.get(me)?.is_bot)
        return appError(res, 403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      return this.handleCommands(req.method ?? 'GET', path, url, body, me, res);
    }
    return appError(res, 404, 'api.context.404.app_error', 'Sorry, we could not find the page.');
  }

  /** `/api/v4/commands`: list a team's custom commands, create, update (PUT) and delete one. */
  private handleCommands(
    method: string,
    path: string,
    url: URL,
    body: Record<string, unknown>,
    me: string,
    res: ServerResponse,
  ): void {
    if (method === 'GET' && path === '/api/v4/commands') {
      const teamId = url.searchParams.get('team_id') ?? '';
      return json(
        res,
        200,
        this.commands.filter((c) => c.team_id === teamId),
      );
    }
    if (method === 'POST' && path === '/api/v4/commands') {
      const trigger = String(body.trigger ?? '').toLowerCase();
      const commandUrl = String(body.url ?? '');
      if (body.team_id !== this.teamId || !trigger || trigger.startsWith('/') || !/^https?:\/\//.test(commandUrl))
        return appError(res, 400, 'model.command.is_valid.app_error', 'Invalid command.');
      if (
        BUILT_IN_TRIGGERS.includes(trigger) ||
        this.commands.some((c) => c.team_id === this.teamId && c.trigger === trigger)
      )
        return appError(
          res,
          400,
          'api.command.duplicate_trigger.app_error',
          'This trigger word is already in use. Please choose another word.',
        );
      const now = Date.now();
      const command: MattermostCommand = {
        id: mattermostId(),
        token: mattermostId(),
        create_at: now,
        update_at: now,
        delete_at: 0,
        creator_id: me,
        team_id: this.teamId,
        trigger,
        method: String(body.method ?? 'P'),
        url: commandUrl,
        display_name: String(body.display_name ?? ''),
        description: String(body.description ?? ''),
        auto_complete: body.auto_complete === true,
        auto_complete_desc: String(body.auto_complete_desc ?? ''),
        auto_complete_hint: String(body.auto_complete_hint ?? ''),
        username: '',
        icon_url: '',
      };
      this.commands.push(command);
      return json(res, 201, command);
    }
    const match = /^\/api\/v4\/commands\/([a-z0-9]+)$/.exec(path);
    const index = match ? this.commands.findIndex((c) => c.id === match[1]) : -1;
    if (index === -1)
      return appError(res, 404, 'store.sql_command.get.missing.app_error', 'Unable to get the command.');
    const existing = this.commands[index]!;
    if (existing.creator_id !== me)
      return appError(res, 403, 'api.command.update.app_error', 'You do not have the appropriate permissions.');
    if (method === 'PUT') {
      const updated: MattermostCommand = {
        ...existing,
        url: String(body.url ?? existing.url),
        description: String(body.description ?? existing.description),
        update_at: Date.now(),
      };
      this.commands[index] = updated;
      return json(res, 200, updated);
    }
    if (method === 'DELETE') {
      this.commands.splice(index, 1);
      return json(res, 200, { status: 'OK' });
    }
    return appError(res, 405, 'api.context.405.app_error', 'Method not allowed.');
  }
}

interface PostAction {
  id: string;
  name?: string;
  integration?: { url: string; context?: Record<string, unknown> };
}

/** The interactive buttons of a post's attachments. */
function postActions(post: MattermostPost): PostAction[] {
  const attachments = (post.props.attachments ?? []) as { actions?: PostAction[] }[];
  return attachments.flatMap((attachment) => attachment.actions ?? []);
}

/** A post as clients see it: Mattermost keeps buttons' integration (URL and context) on the server. */
function forClients(post: MattermostPost): MattermostPost {
  const attachments = post.props.attachments as { actions?: PostAction[] }[] | undefined;
  if (!attachments) return post;
  return {
    ...post,
    props: {
      ...post.props,
      attachments: attachments.map((attachment) => ({
        ...attachment,
        actions: attachment.actions?.map(({ integration: _integration, ...action }) => action),
      })),
    },
  };
}

async function jsonOrNull(response: Response): Promise<Record<string, unknown> | null> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `{order, posts}` as the post list endpoints return it (order newest first). */
function postList(posts: MattermostPost[]): { order: string[]; posts: Record<string, MattermostPost> } {
  return {
    order: [...posts].reverse().map((p) => p.id),
    posts: Object.fromEntries(posts.map((p) => [p.id, forClients(p)])),
  };
}

function reply(
  socket: WebSocket,
  seqReply: number,
  status: 'OK' | 'FAIL',
  data?: Record<string, unknown>,
  error?: Record<string, unknown>,
): void {
  socket.send(JSON.stringify({ status, seq_reply: seqReply, ...(data ? { data } : {}), ...(error ? { error } : {}) }));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Mattermost's error body. */
function appError(res: ServerResponse, status: number, id: string, message: string): void {
  json(res, status, { id, message, detailed_error: '', request_id: mattermostId(), status_code: status });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  return JSON.parse(text) as Record<string, unknown>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import type { Subscription } from 'rxjs';
import type { RawData, WebSocket } from 'ws';
import {
  type GatewayEvent,
  WS_AUTH_DEADLINE_MS,
  WS_CLOSE_UNAUTHORIZED,
  WS_PATH,
  type WsClientMessage,
  type WsServerMessage,
  type WsSubscription,
} from '@loop-gateway/contracts';
import { SessionService } from '../auth/session.service.js';
import { EventBus } from './event-bus.js';
import {
  isBadMessage,
  parseWsClientMessage,
  WS_MAX_FRAME_BYTES,
  WS_MAX_UNAUTHENTICATED_MESSAGES,
} from './ws-client-message.js';

interface ClientState {
  sessionId: string | null;
  authTimer: NodeJS.Timeout;
  /** Messages received so far; bounded before authentication. */
  received: number;
  /** Answered the last heartbeat ping (a half-open connection never does). */
  alive: boolean;
  /** What the client asked for; null: every event (it never sent `subscribe`). */
  wants: ((event: GatewayEvent) => boolean) | null;
}

const WS_CLOSE_POLICY = 1008;
const WS_CLOSE_INTERNAL = 1011;
/** How often live connections are pinged; one that has not answered the previous ping is dropped. */
const HEARTBEAT_MS = 30_000;

/**
 * Live events for the console at `/ws`. The browser's Origin is checked during the upgrade (see
 * GatewayWsAdapter); the client then has WS_AUTH_DEADLINE_MS to send `{type: "auth", token}`.
 * Unauthenticated sockets receive nothing. Every frame goes through `parseWsClientMessage`, and no
 * message, however malformed, can throw out of `onMessage`.
 */
@WebSocketGateway({ path: WS_PATH, maxPayload: WS_MAX_FRAME_BYTES })
export class EventsGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(EventsGateway.name);
  private readonly clients = new Map<WebSocket, ClientState>();
  private readonly subscriptions: Subscription[];
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly bus: EventBus,
    private readonly sessions: SessionService,
  ) {
    this.subscriptions = [
      bus.events$.subscribe((event) => this.broadcast(event)),
      bus.sessionRevoked$.subscribe((sessionId) => this.closeSession(sessionId)),
    ];
    this.heartbeat = setInterval(() => this.checkAlive(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  handleConnection(client: WebSocket): void {
    const authTimer = setTimeout(
      () => client.close(WS_CLOSE_UNAUTHORIZED, 'Authentication required'),
      WS_AUTH_DEADLINE_MS,
    );
    this.clients.set(client, { sessionId: null, authTimer, received: 0, alive: true, wants: null });
    client.on('pong', () => {
      const state = this.clients.get(client);
      if (state) state.alive = true;
    });
    client.on('message', (data: RawData, isBinary: boolean) => {
      this.onMessage(client, data, isBinary).catch((error: unknown) => {
        this.logger.error({ err: error }, 'WebSocket message handling failed');
        client.close(WS_CLOSE_INTERNAL, 'Internal error');
      });
    });
  }

  handleDisconnect(client: WebSocket): void {
    const state = this.clients.get(client);
    if (state) clearTimeout(state.authTimer);
    this.clients.delete(client);
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    this.subscriptions.forEach((subscription) => subscription.unsubscribe());
  }

  private async onMessage(client: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    const state = this.clients.get(client);
    if (!state) return;
    state.received += 1;
    const authenticated = state.sessionId !== null;
    if (!authenticated && state.received > WS_MAX_UNAUTHENTICATED_MESSAGES) {
      client.close(WS_CLOSE_POLICY, 'Too many messages before authentication');
      return;
    }
    const message = parseWsClientMessage(data, isBinary, authenticated);
    if (isBadMessage(message)) {
      if (message.close) client.close(message.close, message.error);
      else this.send(client, { type: 'error', message: message.error });
      return;
    }
    await this.handle(client, state, message);
  }

  private async handle(client: WebSocket, state: ClientState, message: WsClientMessage): Promise<void> {
    if (message.type === 'ping') return this.send(client, { type: 'pong' });
    if (message.type === 'subscribe') {
      state.wants = subscriptionFilter(message);
      return;
    }
    const auth = await this.sessions.authenticate(message.token);
    if (!auth) {
      client.close(WS_CLOSE_UNAUTHORIZED, 'Invalid or expired token');
      return;
    }
    clearTimeout(state.authTimer);
    state.sessionId = auth.sessionId;
    this.send(client, { type: 'ready', userId: auth.userId });
  }

  /** Sends an event to each authenticated socket that wants it; serialized once, only if someone does. */
  private broadcast(event: GatewayEvent): void {
    let data: string | null = null;
    for (const [client, state] of this.clients) {
      // A slow client whose buffer keeps growing is dropped rather than held in memory without bound.
      if (client.bufferedAmount > 4 * 1024 * 1024) {
        client.terminate();
        continue;
      }
      if (!state.sessionId || client.readyState !== client.OPEN || (state.wants && !state.wants(event))) continue;
      data ??= JSON.stringify({ type: 'event', ...event } satisfies WsServerMessage);
      client.send(data);
    }
  }

  /** Drops connections whose peer is gone without a close (half-open), so they hold no memory. */
  private checkAlive(): void {
    for (const [client, state] of this.clients) {
      if (!state.alive) {
        client.terminate();
        continue;
      }
      state.alive = false;
      if (client.readyState === client.OPEN) client.ping();
    }
  }

  private closeSession(sessionId: string): void {
    for (const [client, state] of this.clients) {
      if (state.sessionId === sessionId) client.close(WS_CLOSE_UNAUTHORIZED, 'Session ended');
    }
  }

  private send(client: WebSocket, message: WsServerMessage): void {
    if (client.readyState === client.OPEN) client.send(JSON.stringify(message));
  }
}

/**
 * A socket's subscription as a test on events: named events (or `family:*`), text deltas of listed
 * runs (`*`: of every run).
 */
function subscriptionFilter(subscription: WsSubscription): (event: GatewayEvent) => boolean {
  const names = new Set(subscription.events?.filter((name) => !name.endsWith(':*')));
  const families = subscription.events?.filter((name) => name.endsWith(':*')).map((name) => name.slice(0, -1)) ?? [];
  const runs = new Set(subscription.runs);
  const allRuns = runs.has('*');
  const named = (event: string) =>
    subscription.events === undefined || names.has(event) || families.some((family) => event.startsWith(family));
  return (event) =>
    event.event === 'agent:run:text'
      ? (allRuns || runs.has(event.payload.runId)) && named(event.event)
      : named(event.event);
}

import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import type { Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import {
  WS_AUTH_DEADLINE_MS,
  WS_CLOSE_UNAUTHORIZED,
  WS_PATH,
  type WsClientMessage,
  type WsServerMessage,
} from '@loop-gateway/contracts';
import { SessionService } from '../auth/session.service.js';
import { EventBus } from './event-bus.js';

interface ClientState {
  sessionId: string | null;
  authTimer: NodeJS.Timeout;
}

/**
 * Live events for the console at `/ws`. The browser's Origin is checked during the upgrade (see
 * GatewayWsAdapter); the client then has WS_AUTH_DEADLINE_MS to send `{type: "auth", token}`.
 * Unauthenticated sockets receive nothing.
 */
@WebSocketGateway({ path: WS_PATH })
export class EventsGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(EventsGateway.name);
  private readonly clients = new Map<WebSocket, ClientState>();
  private readonly subscriptions: Subscription[];

  constructor(
    private readonly bus: EventBus,
    private readonly sessions: SessionService,
  ) {
    this.subscriptions = [
      bus.events$.subscribe((event) => this.broadcast({ type: 'event', ...event })),
      bus.sessionRevoked$.subscribe((sessionId) => this.closeSession(sessionId)),
    ];
  }

  handleConnection(client: WebSocket): void {
    const authTimer = setTimeout(
      () => client.close(WS_CLOSE_UNAUTHORIZED, 'Authentication required'),
      WS_AUTH_DEADLINE_MS,
    );
    this.clients.set(client, { sessionId: null, authTimer });
    client.on('message', (data) => void this.onMessage(client, data.toString()));
  }

  handleDisconnect(client: WebSocket): void {
    const state = this.clients.get(client);
    if (state) clearTimeout(state.authTimer);
    this.clients.delete(client);
  }

  onModuleDestroy(): void {
    this.subscriptions.forEach((subscription) => subscription.unsubscribe());
  }

  private async onMessage(client: WebSocket, raw: string): Promise<void> {
    const state = this.clients.get(client);
    if (!state) return;
    let message: WsClientMessage;
    try {
      message = JSON.parse(raw) as WsClientMessage;
    } catch {
      return this.send(client, { type: 'error', message: 'Messages must be JSON' });
    }
    if (message.type === 'ping') return this.send(client, { type: 'pong' });
    if (message.type !== 'auth' || typeof message.token !== 'string') {
      return this.send(client, { type: 'error', message: 'Unknown message type' });
    }
    try {
      const auth = await this.sessions.authenticate(message.token);
      if (!auth) {
        client.close(WS_CLOSE_UNAUTHORIZED, 'Invalid or expired token');
        return;
      }
      clearTimeout(state.authTimer);
      state.sessionId = auth.sessionId;
      this.send(client, { type: 'ready', userId: auth.userId });
    } catch (error) {
      this.logger.error({ err: error }, 'WebSocket authentication failed');
      client.close(1011, 'Internal error');
    }
  }

  private broadcast(message: WsServerMessage): void {
    const data = JSON.stringify(message);
    for (const [client, state] of this.clients) {
      // A slow client whose buffer keeps growing is dropped rather than held in memory without bound.
      if (client.bufferedAmount > 4 * 1024 * 1024) {
        client.terminate();
        continue;
      }
      if (state.sessionId && client.readyState === client.OPEN) client.send(data);
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

import { DOCUMENT, Injectable, InjectionToken, inject, signal, untracked } from '@angular/core';
import {
  type GatewayEvent,
  WS_CLOSE_UNAUTHORIZED,
  WS_MAX_SUBSCRIPTION_ITEMS,
  WS_PATH,
  type WsClientMessage,
  type WsServerMessage,
  isEventName,
} from '@loop-gateway/contracts';
import { type Observable, Subject } from 'rxjs';
import { SessionStore } from '../session/session.store';

/** What the console shows about its live connection. */
export type ConnectionState = 'connected' | 'connecting' | 'offline';

/** The part of the browser's WebSocket this client uses (a fake one in unit tests). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export type WebSocketFactory = (url: string) => SocketLike;

export const WEB_SOCKET_FACTORY = new InjectionToken<WebSocketFactory>('WEB_SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (url) => new WebSocket(url),
});

/** ws(s)://<the console's own host>/ws */
export const GATEWAY_SOCKET_URL = new InjectionToken<string>('GATEWAY_SOCKET_URL', {
  providedIn: 'root',
  factory: () => {
    const { protocol, host } = inject(DOCUMENT).location;
    return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${WS_PATH}`;
  },
});

export interface SocketPolicy {
  /** First reconnect delay; it doubles on every failed attempt … */
  initialRetryMs: number;
  /** … up to this. */
  maxRetryMs: number;
  /** A ping keeps proxies from closing an idle connection … */
  pingIntervalMs: number;
  /** … and a missing pong within this time counts as a dropped connection. */
  pongTimeoutMs: number;
}

export const SOCKET_POLICY = new InjectionToken<SocketPolicy>('SOCKET_POLICY', {
  providedIn: 'root',
  factory: () => ({ initialRetryMs: 500, maxRetryMs: 10_000, pingIntervalMs: 25_000, pongTimeoutMs: 10_000 }),
});

/**
 * The console's live connection to the gateway (`/ws`). It authenticates with the session token in
 * its first message (never in the URL), republishes catalog events, and reconnects by itself with
 * exponential backoff when the connection drops. Close code 4401 (token refused or session
 * revoked) ends the session instead of retrying. It subscribes to every event but the per-token
 * `agent:run:text` stream, which it asks for only for the runs a page shows (`watchText`).
 */
@Injectable({ providedIn: 'root' })
export class GatewaySocket {
  private readonly createSocket = inject(WEB_SOCKET_FACTORY);
  private readonly url = inject(GATEWAY_SOCKET_URL);
  private readonly policy = inject(SOCKET_POLICY);
  private readonly session = inject(SessionStore);

  private readonly stateSignal = signal<ConnectionState>('offline');
  private readonly retryDelay = signal<number | null>(null);
  private readonly eventSubject = new Subject<GatewayEvent>();

  private socket: SocketLike | null = null;
  private token: string | null = null;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  /** Runs whose text deltas pages want ('*': every run's), with how many asked. */
  private readonly watched = new Map<string, number>();

  readonly state = this.stateSignal.asReadonly();
  /** Delay before the next reconnect attempt while offline, in ms (null when none is planned). */
  readonly nextRetryMs = this.retryDelay.asReadonly();
  /** Every catalog event pushed by the gateway, in arrival order. */
  readonly events: Observable<GatewayEvent> = this.eventSubject.asObservable();

  constructor() {
    this.session.onEnd(() => this.disconnect());
  }

  /**
   * Asks for the `agent:run:text` deltas of a run (`'*'`: of every run, while a page waits for a new
   * run's id) until the returned function is called. Other events always come.
   */
  watchText(runId: string): () => void {
    this.watched.set(runId, (this.watched.get(runId) ?? 0) + 1);
    this.subscribe();
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      const count = (this.watched.get(runId) ?? 1) - 1;
      if (count > 0) this.watched.set(runId, count);
      else this.watched.delete(runId);
      this.subscribe();
    };
  }

  /** Opens the connection for this session token (a no-op when it is already open for it). */
  connect(token: string): void {
    if (this.token === token && (this.socket || this.retryTimer)) return;
    this.disconnect();
    this.token = token;
    this.open();
  }

  /** Closes the connection and stops reconnecting. */
  disconnect(): void {
    this.token = null;
    this.failures = 0;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      detach(socket);
      socket.close(1000, 'Closed by the console');
    }
    this.retryDelay.set(null);
    this.stateSignal.set('offline');
  }

  private open(): void {
    const token = this.token;
    if (!token) return;
    this.retryDelay.set(null);
    this.stateSignal.set('connecting');
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.send({ type: 'auth', token });
    socket.onmessage = (message) => this.receive(message.data);
    socket.onclose = (event) => this.closed(socket, event.code);
    socket.onerror = () => undefined; // a close event always follows
  }

  private receive(data: unknown): void {
    let message: WsServerMessage;
    try {
      message = JSON.parse(String(data)) as WsServerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'ready':
        this.failures = 0;
        this.stateSignal.set('connected');
        this.subscribe();
        this.startPinging();
        break;
      case 'pong':
        this.clearPongTimer();
        break;
      case 'event':
        if (isEventName(message.event)) {
          const { type: _type, ...event } = message;
          this.eventSubject.next(event);
        }
        break;
      case 'error':
        break;
    }
  }

  private closed(socket: SocketLike, code: number): void {
    if (socket !== this.socket) return;
    this.socket = null;
    detach(socket);
    this.clearTimers();
    if (code === WS_CLOSE_UNAUTHORIZED) {
      this.token = null;
      this.stateSignal.set('offline');
      this.session.expire();
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.token) return;
    const delay = Math.min(this.policy.initialRetryMs * 2 ** this.failures, this.policy.maxRetryMs);
    this.failures++;
    this.stateSignal.set('offline');
    this.retryDelay.set(delay);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  private startPinging(): void {
    this.pingTimer = setInterval(() => {
      this.send({ type: 'ping' });
      this.pongTimer ??= setTimeout(() => this.dropped(), this.policy.pongTimeoutMs);
    }, this.policy.pingIntervalMs);
  }

  /** No pong in time: the connection is dead even if the browser has not noticed yet. */
  private dropped(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    detach(socket);
    socket.close(4000, 'No pong');
    this.clearTimers();
    this.scheduleReconnect();
  }

  /** Every event, and text deltas only of the watched runs (sent again after each reconnect). */
  private subscribe(): void {
    if (untracked(this.stateSignal) === 'connected') {
      this.send({ type: 'subscribe', runs: [...this.watched.keys()].slice(0, WS_MAX_SUBSCRIPTION_ITEMS) });
    }
  }

  private send(message: WsClientMessage): void {
    try {
      this.socket?.send(JSON.stringify(message));
    } catch {
      // Not open (any more): the close handler takes over.
    }
  }

  private clearPongTimer(): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
    this.clearPongTimer();
  }
}

function detach(socket: SocketLike): void {
  socket.onopen = socket.onmessage = socket.onerror = null;
  socket.onclose = null;
}

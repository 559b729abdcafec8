import type { GatewayEvent } from './events.js';

/**
 * The console WebSocket protocol (path `/ws`). The client authenticates after connecting by sending
 * `{type: "auth", token}` (never a token in the URL); until then it receives nothing. A bad token,
 * or no auth within the deadline, closes the socket with code 4401.
 */
export const WS_PATH = '/ws';
export const WS_CLOSE_UNAUTHORIZED = 4401;
export const WS_AUTH_DEADLINE_MS = 5000;

/**
 * `subscribe` narrows what an authenticated socket receives (each one replaces the last; without
 * one the socket gets every event). `events`: the event names it wants (`agent:*` for a family).
 * `runs`: the runs whose `agent:run:text` deltas it wants; text deltas are the one per-token stream,
 * so after a `subscribe` they are sent only for the runs listed here (`*`: every run's, which the
 * console asks for only while it waits for a new run's id).
 */
export interface WsSubscription {
  events?: string[];
  runs?: string[];
}

/** Names and run ids one subscription may list. */
export const WS_MAX_SUBSCRIPTION_ITEMS = 200;

export type WsClientMessage =
  { type: 'auth'; token: string } | { type: 'ping' } | ({ type: 'subscribe' } & WsSubscription);

export type WsServerMessage =
  | { type: 'ready'; userId: string }
  | { type: 'pong' }
  | { type: 'error'; message: string }
  | ({ type: 'event' } & GatewayEvent);

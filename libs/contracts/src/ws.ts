import type { GatewayEvent } from './events.js';

/**
 * The console WebSocket protocol (path `/ws`). The client authenticates after connecting by sending
 * `{type: "auth", token}` (never a token in the URL); until then it receives nothing. A bad token,
 * or no auth within the deadline, closes the socket with code 4401.
 */
export const WS_PATH = '/ws';
export const WS_CLOSE_UNAUTHORIZED = 4401;
export const WS_AUTH_DEADLINE_MS = 5000;

export type WsClientMessage = { type: 'auth'; token: string } | { type: 'ping' };

export type WsServerMessage =
  | { type: 'ready'; userId: string }
  | { type: 'pong' }
  | { type: 'error'; message: string }
  | ({ type: 'event' } & GatewayEvent);

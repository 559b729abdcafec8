import { isEventName, WS_MAX_SUBSCRIPTION_ITEMS, type WsClientMessage } from '@loop-gateway/contracts';

/**
 * The largest frame the server accepts at all (`ws`'s maxPayload: a bigger frame closes the socket
 * with 1009 as soon as its header arrives, before its body is buffered). Clients only ever send
 * `auth`, `ping` and `subscribe`, so this is generous.
 */
export const WS_MAX_FRAME_BYTES = 16 * 1024;
/** The largest message a client may send before it has authenticated. */
export const WS_MAX_UNAUTHENTICATED_BYTES = 2 * 1024;
/** Messages an unauthenticated client may send before it is disconnected. */
export const WS_MAX_UNAUTHENTICATED_MESSAGES = 5;

/** A message the client sent that the server cannot act on, with the close code it deserves if any. */
export interface WsBadMessage {
  error: string;
  /** Close the socket with this code (RFC 6455 codes); without one the client just gets an error reply. */
  close?: number;
}

export const WS_CLOSE_UNSUPPORTED_DATA = 1003;
export const WS_CLOSE_TOO_BIG = 1009;

/**
 * The one place a client's frame becomes a message: size, encoding, JSON and shape are checked here,
 * so a handler only ever sees a well-formed `WsClientMessage`. Never throws.
 */
export function parseWsClientMessage(
  data: Buffer | ArrayBuffer | Buffer[],
  isBinary: boolean,
  authenticated: boolean,
): WsClientMessage | WsBadMessage {
  if (isBinary) return { error: 'Binary messages are not supported', close: WS_CLOSE_UNSUPPORTED_DATA };
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  const limit = authenticated ? WS_MAX_FRAME_BYTES : WS_MAX_UNAUTHENTICATED_BYTES;
  if (buffer.length > limit) return { error: `Messages are limited to ${limit} bytes`, close: WS_CLOSE_TOO_BIG };
  let message: unknown;
  try {
    message = JSON.parse(buffer.toString('utf8'));
  } catch {
    return { error: 'Messages must be JSON' };
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { error: 'Messages must be JSON objects with a "type"' };
  }
  const { type, token, events, runs } = message as Record<string, unknown>;
  if (type === 'ping') return { type: 'ping' };
  if (type === 'subscribe') {
    if (!authenticated) return { error: 'Authenticate before subscribing' };
    const badEvents = badList(events, 'events', (name) => isEventName(name) || /^[a-z]+:\*$/.test(name));
    if (badEvents) return { error: badEvents };
    const badRuns = badList(runs, 'runs', (id) => id.length > 0 && id.length <= 64);
    if (badRuns) return { error: badRuns };
    return { type: 'subscribe', events: events as string[] | undefined, runs: runs as string[] | undefined };
  }
  if (type === 'auth') {
    return typeof token === 'string' && token.length > 0
      ? { type: 'auth', token }
      : { error: 'An auth message needs a "token" string' };
  }
  return { error: 'Unknown message type' };
}

/** Why a subscription list is unusable, or null when it is absent or fine. */
function badList(value: unknown, field: string, valid: (item: string) => boolean): string | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.length > WS_MAX_SUBSCRIPTION_ITEMS) {
    return `"${field}" must be an array of at most ${WS_MAX_SUBSCRIPTION_ITEMS} strings`;
  }
  const bad = value.find((item) => typeof item !== 'string' || !valid(item));
  return bad === undefined ? null : `"${field}" has an unknown entry: ${JSON.stringify(bad).slice(0, 80)}`;
}

export function isBadMessage(message: WsClientMessage | WsBadMessage): message is WsBadMessage {
  return 'error' in message;
}

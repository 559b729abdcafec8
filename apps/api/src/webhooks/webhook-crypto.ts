import { createHmac, randomBytes } from 'node:crypto';
import { hashToken } from '../auth/session-token.js';

const TOKEN_PREFIX = 'lgw_';
const SECRET_PREFIX = 'whsec_';
const TOKEN_HINT_LENGTH = TOKEN_PREFIX.length + 4;

/** 256 random bits, prefixed so secret scanners can recognise a leaked webhook token. */
export function newWebhookToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Webhook tokens are stored and looked up by their SHA-256 (hex) only. */
export function hashWebhookToken(token: string): string {
  return hashToken(token);
}

/** The start of a token, shown in the console so an operator can tell tokens apart. */
export function tokenHint(token: string): string {
  return token.slice(0, TOKEN_HINT_LENGTH);
}

export { sameHash } from '../auth/session-token.js';

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/**
 * The `webhook-signature` header value per the Standard Webhooks spec: `v1,` + base64 of the
 * HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed with the secret's base64-decoded bytes.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${signature}`;
}

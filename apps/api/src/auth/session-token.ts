import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_TOKEN_PREFIX = 'lgs_';
export const API_KEY_PREFIX = 'lgk_';

/** 256 random bits, prefixed so secret scanners can recognise a leaked token. */
export function newSessionToken(): string {
  return newToken(SESSION_TOKEN_PREFIX);
}

/** An API key: 256 random bits behind its own prefix, so a key is never mistaken for a session. */
export function newApiKeyToken(): string {
  return newToken(API_KEY_PREFIX);
}

function newToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Tokens are stored and looked up by their SHA-256 only. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** Constant-time comparison of two hex SHA-256 digests. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'lgs_';

/** 256 random bits, prefixed so secret scanners can recognise a leaked token. */
export function newSessionToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** Tokens are stored and looked up by their SHA-256 only. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

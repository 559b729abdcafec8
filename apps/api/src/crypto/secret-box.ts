import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';

const CURRENT_VERSION = 1;
const IV_BYTES = 12;

/**
 * AES-256-GCM for secrets at rest (group API keys, channel credentials). Ciphertexts carry the key
 * version (`v1:iv:tag:data`, base64url parts) so the key can be rotated later without guessing.
 * The data key is derived from SECRET_KEY with HKDF, one per version.
 */
@Injectable()
export class SecretBox {
  private readonly keys = new Map<number, Buffer>();

  constructor(@Inject(AppConfig) config: Pick<AppConfig, 'secretKey'>) {
    this.keys.set(CURRENT_VERSION, deriveKey(config.secretKey, CURRENT_VERSION));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key(CURRENT_VERSION), iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [`v${CURRENT_VERSION}`, iv, cipher.getAuthTag(), data].map(encode).join(':');
  }

  /** Throws when the ciphertext was tampered with or sealed under another key. */
  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(':');
    const match = /^v(\d+)$/.exec(version ?? '');
    if (!match || !iv || !tag || data === undefined) throw new Error('Not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key(Number(match[1])), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  private key(version: number): Buffer {
    const key = this.keys.get(version);
    if (!key) throw new Error(`Unknown secret key version v${version}`);
    return key;
  }
}

function deriveKey(secretKey: Buffer, version: number): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), `loop-gateway/secrets/v${version}`, 32));
}

function encode(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64url');
}

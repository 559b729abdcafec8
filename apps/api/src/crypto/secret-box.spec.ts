import type { AppConfig } from '../config/app-config.js';
import { SecretBox } from './secret-box.js';

const box = (fill: number) => new SecretBox({ secretKey: Buffer.alloc(32, fill) } as AppConfig);

describe('SecretBox', () => {
  it('round-trips a secret and never stores it in the clear', () => {
    const sealed = box(1).encrypt('sk-ant-api03-very-secret');
    expect(sealed).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(sealed).not.toContain('very-secret');
    expect(box(1).decrypt(sealed)).toBe('sk-ant-api03-very-secret');
  });

  it('uses a fresh IV every time', () => {
    expect(box(1).encrypt('same')).not.toBe(box(1).encrypt('same'));
  });

  it('refuses tampered data and other keys', () => {
    const sealed = box(1).encrypt('secret');
    const parts = sealed.split(':');
    const flipped = Buffer.from(parts[3], 'base64url');
    flipped[0] ^= 1;
    parts[3] = flipped.toString('base64url');
    expect(() => box(1).decrypt(parts.join(':'))).toThrow();
    expect(() => box(2).decrypt(sealed)).toThrow();
    expect(() => box(1).decrypt('plain text')).toThrow('Not a sealed secret');
    expect(() => box(1).decrypt(sealed.replace(/^v1/, 'v9'))).toThrow('Unknown secret key version v9');
  });
});

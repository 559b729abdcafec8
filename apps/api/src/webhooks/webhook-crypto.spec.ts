import { createHmac } from 'node:crypto';
import {
  hashWebhookToken,
  newSigningSecret,
  newWebhookToken,
  sameHash,
  signWebhook,
  tokenHint,
} from './webhook-crypto.js';

describe('webhook tokens and signatures', () => {
  it('makes high-entropy tokens that are stored as SHA-256 and compared by hash', () => {
    const token = newWebhookToken();
    expect(token).toMatch(/^lgw_[\w-]{43}$/);
    expect(newWebhookToken()).not.toBe(token);
    const hash = hashWebhookToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sameHash(hash, hashWebhookToken(token))).toBe(true);
    expect(sameHash(hash, hashWebhookToken(`${token}x`))).toBe(false);
    expect(sameHash(hash, '')).toBe(false);
    expect(tokenHint(token)).toBe(token.slice(0, 8));
  });

  it('makes whsec_ secrets of 32 random bytes', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
  });

  it('signs like the Standard Webhooks reference test vector', () => {
    // From the Standard Webhooks reference libraries' tests.
    const signature = signWebhook(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('keys the HMAC with the decoded secret bytes, not the secret string', () => {
    const secret = newSigningSecret();
    const expected = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update('id-1.1700000000.{"a":1}')
      .digest('base64');
    expect(signWebhook(secret, 'id-1', 1700000000, '{"a":1}')).toBe(`v1,${expected}`);
  });
});

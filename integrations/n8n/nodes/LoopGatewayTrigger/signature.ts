import { createHmac, timingSafeEqual } from 'node:crypto';

/** Deliveries whose webhook-timestamp is further than this from now are refused (replays). */
export const TOLERANCE_SECONDS = 5 * 60;

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

type HeaderValue = string | string[] | undefined;

function single(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks a delivery per the Standard Webhooks spec: `webhook-signature` holds one or more
 * space-separated `v1,<base64 HMAC-SHA256>` entries over `{webhook-id}.{webhook-timestamp}.{raw body}`,
 * keyed with the base64-decoded part of the secret after `whsec_`; `webhook-timestamp` (Unix
 * seconds) must be within TOLERANCE_SECONDS of now.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: Record<string, HeaderValue>,
  rawBody: string | Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): SignatureCheck {
  const id = single(headers['webhook-id']);
  const timestamp = single(headers['webhook-timestamp']);
  const signatures = single(headers['webhook-signature']);
  if (!id || !timestamp || !signatures) {
    return { valid: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { valid: false, reason: 'webhook-timestamp is not a Unix time' };
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) {
    return { valid: false, reason: 'webhook-timestamp is more than 5 minutes away from now' };
  }
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  if (key.length === 0) return { valid: false, reason: 'no signing secret' };
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest();
  const matches = signatures.split(' ').some((entry) => {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') return false;
    const given = Buffer.from(entry.slice(comma + 1), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { valid: true } : { valid: false, reason: 'signature does not match' };
}

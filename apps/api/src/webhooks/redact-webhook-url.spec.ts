import { redactWebhookUrl } from './redact-webhook-url.js';

describe('redactWebhookUrl', () => {
  it('hides the token segment of inbound webhook paths and keeps everything else', () => {
    expect(redactWebhookUrl('/webhook/invoke/lgw_secret-Token_123')).toBe('/webhook/invoke/[token]');
    expect(redactWebhookUrl('/webhook/health/lgw_x?verbose=1')).toBe('/webhook/health/[token]?verbose=1');
    expect(redactWebhookUrl('/webhook/task/lgw_x/extra')).toBe('/webhook/task/[token]/extra');
    expect(redactWebhookUrl('/webhook/invoke')).toBe('/webhook/invoke');
    expect(redactWebhookUrl('/api/webhooks/3f1c/logs')).toBe('/api/webhooks/3f1c/logs');
  });
});

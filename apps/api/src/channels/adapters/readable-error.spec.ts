import { describeNetworkError, hostOf, networkCode } from './readable-error.js';

const withCode = (message: string, code: string, cause?: unknown) =>
  Object.assign(new Error(message, cause ? { cause } : undefined), { code });

describe('channel errors as sentences', () => {
  const peer = 'Telegram (api.telegram.org)';

  it('names the host and what went wrong for the usual network failures', () => {
    expect(describeNetworkError(withCode('getaddrinfo ENOTFOUND api.telegram.org', 'ENOTFOUND'), peer)).toBe(
      "Telegram (api.telegram.org) could not be found (DNS lookup failed): check the address and the gateway's DNS",
    );
    expect(describeNetworkError(withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'), peer)).toBe(
      'Telegram (api.telegram.org) refused the connection: nothing listens on that port',
    );
    expect(describeNetworkError(withCode('read ETIMEDOUT', 'ETIMEDOUT'), peer)).toBe(
      'Telegram (api.telegram.org) did not answer in time (connection timed out)',
    );
    expect(
      describeNetworkError(Object.assign(new Error('The operation timed out'), { name: 'TimeoutError' }), peer),
    ).toBe('Telegram (api.telegram.org) did not answer in time');
  });

  it('finds the code along the cause chain, or in the message (fetch, Baileys, nodemailer wrap them)', () => {
    const fetchFailure = new TypeError('fetch failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') });
    expect(networkCode(fetchFailure)).toBe('ECONNREFUSED');
    expect(networkCode(new Error('WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)'))).toBe('ENOTFOUND');
    expect(networkCode(withCode('Connection error: connect ECONNREFUSED 127.0.0.1:25', 'ESOCKET'))).toBe(
      'ECONNREFUSED',
    );
  });

  it('leaves other failures to the caller, and never repeats a URL with a token in it', () => {
    expect(describeNetworkError(new Error('400: Bad Request: chat not found'), peer)).toBeNull();
    const leaky = withCode(
      'request to https://api.telegram.org/bot123:SECRET/getMe failed, reason: getaddrinfo ENOTFOUND',
      'ENOTFOUND',
    );
    expect(describeNetworkError(leaky, peer)).not.toContain('SECRET');
    expect(hostOf('https://chat.example.com:8065/')).toBe('chat.example.com:8065');
    expect(hostOf('not a url')).toBe('not a url');
  });
});

import { Injectable } from '@nestjs/common';

export const FETCH_TIMEOUT_MS = 15_000;
export const MAX_FEED_BYTES = 5 * 1024 * 1024;
const MAX_REDIRECTS = 5;

/**
 * Fetches an iCalendar feed over HTTP(S): at most FETCH_TIMEOUT_MS in all and MAX_FEED_BYTES, up to
 * MAX_REDIRECTS redirects (to http or https, never the same URL twice). The URL is the operator's own,
 * so private addresses (a local Nextcloud) are allowed; credentials in it go as Basic auth.
 * Throws an Error whose message says what went wrong.
 */
@Injectable()
export class IcalFetcher {
  async fetch(url: string, cancel?: AbortSignal): Promise<string> {
    const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
    const seen = new Set<string>();
    let target = new URL(url);
    try {
      for (;;) {
        if (target.protocol !== 'http:' && target.protocol !== 'https:') {
          throw new Error(`Redirected to ${target.protocol} — only http and https are followed`);
        }
        if (seen.has(target.href)) throw new Error(`Redirect loop at ${redact(target)}`);
        seen.add(target.href);
        const response = await fetch(withoutCredentials(target), {
          headers: {
            accept: 'text/calendar, text/plain;q=0.5, */*;q=0.1',
            'user-agent': 'LoopGateway-Calendar/1',
            ...basicAuth(target),
          },
          redirect: 'manual',
          signal,
        });
        if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
          await response.body?.cancel();
          if (seen.size > MAX_REDIRECTS) throw new Error(`More than ${MAX_REDIRECTS} redirects`);
          const next = new URL(response.headers.get('location')!, target);
          // Credentials go along only to the same origin.
          if (next.origin === target.origin && !next.username) {
            next.username = target.username;
            next.password = target.password;
          }
          target = next;
          continue;
        }
        if (!response.ok) {
          await response.body?.cancel();
          throw new Error(
            `The feed answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
          );
        }
        return await readCapped(response);
      }
    } catch (error) {
      if (cancel?.aborted) throw new Error('The gateway is stopping', { cause: error });
      if (timeout.aborted) {
        throw new Error(`The feed did not answer within ${FETCH_TIMEOUT_MS / 1000} s`, { cause: error });
      }
      // fetch's network failures: a TypeError with the reason as its cause (checked by name: realms differ).
      const failure = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      if (failure.name === 'TypeError') {
        const reason = failure.cause?.code ?? failure.cause?.message ?? failure.message;
        throw new Error(`The feed could not be reached: ${reason}`, { cause: error });
      }
      throw error;
    }
  }
}

async function readCapped(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_FEED_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > MAX_FEED_BYTES) {
        await response.body.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(): Error {
  return new Error(`The feed is larger than ${MAX_FEED_BYTES / 1024 / 1024} MB`);
}

function withoutCredentials(url: URL): string {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

function basicAuth(url: URL): Record<string, string> {
  if (!url.username && !url.password) return {};
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** The URL with its password (if any) hidden, as it is shown in the API and in errors. */
function redact(url: URL | string): string {
  try {
    const copy = new URL(url);
    if (copy.password) copy.password = '***';
    return copy.href;
  } catch {
    return String(url);
  }
}

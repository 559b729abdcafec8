import { Injectable } from '@nestjs/common';
import { hasUrlCredentials } from '../common/validation.js';
import { AppConfig } from '../config/app-config.js';

const EXCERPT_BYTES = 1024;

export interface SendResult {
  /** null when no response came (network error or timeout). */
  statusCode: number | null;
  durationMs: number;
  responseExcerpt: string | null;
  error: string | null;
  retryAfterSeconds: number | null;
  location: string | null;
  /** The request could not be made and never will be as it is: not worth a retry. */
  permanent?: boolean;
  /** The headers sent (or that would have been), the signature left out: kept in the attempt log. */
  requestHeaders: Record<string, string>;
}

/** Headers whose value is not shown in the delivery log (derived from the webhook's secret). */
const UNSHOWN_HEADERS = ['webhook-signature', 'authorization'];

/** The headers as the delivery log shows them: the signature replaced by a note. */
export function shownHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      UNSHOWN_HEADERS.includes(name.toLowerCase()) ? '(not shown: made with the webhook’s secret)' : value,
    ]),
  );
}

/** Said instead of fetch's error, which would repeat the URL with its password into the delivery log. */
export const CREDENTIALS_IN_URL_ERROR =
  'The target URL contains a user name or password, which cannot be sent; remove them from targetUrl';

/**
 * The HTTP side of outbound deliveries: one POST, redirects not followed, the whole exchange
 * (connect, send, response head and the start of the body) within the delivery timeout.
 */
@Injectable()
export class WebhookSender {
  private readonly userAgent: string;

  constructor(config: AppConfig) {
    this.userAgent = `LoopGateway-Webhooks/${config.version}`;
  }

  async send(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
    cancel?: AbortSignal,
  ): Promise<SendResult> {
    const started = performance.now();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
    const elapsed = () => Math.round(performance.now() - started);
    const sent = { 'content-type': 'application/json', 'user-agent': this.userAgent, ...headers };
    const requestHeaders = shownHeaders(sent);
    // Refused by the API since; a target stored before that is never tried.
    if (hasUrlCredentials(url)) {
      return {
        statusCode: null,
        durationMs: 0,
        responseExcerpt: null,
        error: CREDENTIALS_IN_URL_ERROR,
        retryAfterSeconds: null,
        location: null,
        permanent: true,
        requestHeaders,
      };
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: sent,
        body,
        redirect: 'manual',
        signal,
      });
      const excerpt = await readExcerpt(response);
      return {
        statusCode: response.status,
        durationMs: elapsed(),
        responseExcerpt: excerpt,
        error: null,
        retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
        location: response.headers.get('location'),
        requestHeaders,
      };
    } catch (error) {
      const message = timeout.aborted
        ? `Timed out after ${Math.round(timeoutMs / 1000)} s`
        : cancel?.aborted
          ? 'Cancelled: the gateway is stopping'
          : describeNetworkError(error);
      return {
        statusCode: null,
        durationMs: elapsed(),
        responseExcerpt: null,
        error: message,
        retryAfterSeconds: null,
        location: null,
        requestHeaders,
      };
    }
  }
}

/** The first KB of the body as text; the rest is not read. */
async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
  return text === '' ? null : text;
}

/** Retry-After as seconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

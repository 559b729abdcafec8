import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { ModelCallError } from './model-provider.js';
import { SseParser } from './sse-parser.js';

/** The parts of a streamed Messages API answer the gateway reads (the wire names). */
export interface StreamedMessage {
  content: StreamedBlock[];
  stop_reason: string | null;
  usage: {
    input_tokens: number;
    output_tokens: number;
    cache_creation_input_tokens?: number | null;
    cache_read_input_tokens?: number | null;
  };
}

/** A content block as the API sent it: text (`text`), tool_use (`id`, `name`, `input`), or another type. */
export interface StreamedBlock {
  type: string;
  [field: string]: unknown;
}

export interface MessagesClientOptions {
  /** The API's origin with an optional path prefix, e.g. https://api.anthropic.com. */
  baseUrl: string;
  /** Retries after the first attempt, on connection errors, timeouts, 408, 409, 429 and 5xx. */
  maxRetries: number;
  /** How long an attempt may go without receiving anything (before the answer starts, or between its chunks). */
  timeoutMs: number;
}

export interface StreamOptions {
  onText?: (delta: string) => void;
  signal?: AbortSignal;
}

/** A retry-after beyond this is not waited for (the default backoff applies instead). */
const MAX_RETRY_AFTER_MS = 60_000;
/** Enough of an error body for its message. */
const MAX_ERROR_BODY = 64 * 1024;

/** An attempt that did not produce a message: its error, and whether another attempt may follow. */
interface Failure {
  error: ModelCallError;
  retry: boolean;
  headers?: IncomingHttpHeaders;
  /** Failed on a kept-alive connection the server had closed meanwhile: worth one immediate new attempt. */
  stale?: boolean;
}

/**
 * A lean client for the Anthropic Messages API's streaming `POST /v1/messages` on node:http(s), with one
 * keep-alive connection pool for the API's origin. It does what the official SDK did for the gateway
 * (retries with backoff honouring retry-after, x-should-retry, a timeout per attempt, cancellation) at
 * a fraction of its CPU per call: no fetch, web streams or event emitters between the socket and the
 * SSE parser. Nothing is retried once an answer has started streaming.
 */
export class MessagesClient {
  readonly #request: typeof http.request;
  readonly #agent: http.Agent;
  readonly #hostname: string;
  readonly #port: number;
  readonly #path: string;

  constructor(private readonly options: MessagesClientOptions) {
    const url = new URL(options.baseUrl);
    const secure = url.protocol === 'https:';
    this.#request = secure ? https.request : http.request;
    this.#agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    this.#hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.#port = url.port ? Number(url.port) : secure ? 443 : 80;
    this.#path = `${url.pathname.replace(/\/+$/, '')}/v1/messages`;
  }

  /** Streams one answer to `body` (a JSON Messages request; `stream: true` is the caller's). */
  async stream(apiKey: string, body: string, options: StreamOptions = {}): Promise<StreamedMessage> {
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'anthropic-version': '2023-06-01',
      'x-api-key': apiKey,
    };
    let retries = 0;
    let staleRetried = false;
    for (;;) {
      if (options.signal?.aborted) throw aborted();
      const result = await this.#attempt(headers, body, options);
      if (!('error' in result)) return result;
      if (result.stale && !staleRetried) {
        staleRetried = true;
        continue;
      }
      if (!result.retry || retries >= this.options.maxRetries) throw result.error;
      await sleep(retryDelayMs(result.headers, retries), options.signal);
      retries += 1;
    }
  }

  #attempt(
    headers: Record<string, string | number>,
    body: string,
    { onText, signal }: StreamOptions,
  ): Promise<StreamedMessage | Failure> {
    return new Promise((resolve) => {
      let answered = false; // a 2xx arrived: from here on nothing is retried
      let settled = false;
      const settle = (result: StreamedMessage | Failure) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if ('error' in result) request.destroy();
        resolve(result);
      };
      const onAbort = () => settle({ error: aborted(), retry: false });
      const timer = setTimeout(() => {
        const seconds = Math.round(this.options.timeoutMs / 100) / 10;
        settle({ error: failed(null, `Request timed out (nothing received for ${seconds} s)`), retry: !answered });
      }, this.options.timeoutMs);

      const request = this.#request(
        { agent: this.#agent, hostname: this.#hostname, port: this.#port, path: this.#path, method: 'POST', headers },
        (response) => {
          const status = response.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          answered = ok;
          const cutOff = (error: ModelCallError) =>
            settle({ error, retry: !ok && shouldRetry(status, response.headers), headers: response.headers });
          response.on('error', (error) => cutOff(connectionError(error)));
          // After a complete answer this is a no-op: no error is made (its stack costs more than the rest).
          response.on('close', () => {
            if (!settled) cutOff(failed(ok ? null : status, 'The connection closed mid-answer'));
          });
          if (!ok) {
            readError(response, () => timer.refresh(), cutOff);
            return;
          }
          const answer = new AnswerBuilder(onText);
          const parser = new SseParser((event, data) => {
            const outcome = answer.event(data);
            if (outcome) settle(outcome === true ? answer.message() : { error: outcome, retry: false });
          });
          response.on('data', (chunk: Buffer) => {
            if (settled) return; // the rest after message_stop, or after a failure
            timer.refresh();
            try {
              parser.push(chunk);
            } catch (error) {
              const reason = error instanceof Error ? error.message : String(error);
              settle({ error: failed(null, `Unreadable answer stream: ${reason}`), retry: false });
            }
          });
          response.on('end', () => {
            if (!settled) settle({ error: failed(null, 'The answer stream ended before message_stop'), retry: false });
          });
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) =>
        settle({
          error: connectionError(error),
          retry: !answered,
          stale: !answered && request.reusedSocket && error.code === 'ECONNRESET',
        }),
      );
      if (signal) signal.addEventListener('abort', onAbort, { once: true });
      request.end(body);
    });
  }
}

/** Builds the message from the stream's events, as the SDK's accumulator does. */
class AnswerBuilder {
  #message: StreamedMessage = { content: [], stop_reason: null, usage: { input_tokens: 0, output_tokens: 0 } };
  #json: (string | undefined)[] = [];

  constructor(private readonly onText: ((delta: string) => void) | undefined) {}

  /** true at message_stop, an error for an `error` event, else undefined. */
  event(data: string): true | ModelCallError | undefined {
    const event = JSON.parse(data) as StreamEvent;
    switch (event.type) {
      case 'message_start':
        this.#message = { ...event.message, content: [...(event.message.content ?? [])] };
        return;
      case 'content_block_start':
        this.#message.content[event.index] = { ...event.content_block };
        if (event.content_block.type === 'tool_use') this.#json[event.index] = '';
        return;
      case 'content_block_delta': {
        const block = this.#message.content[event.index];
        if (event.delta.type === 'text_delta' && block?.type === 'text') {
          block.text = `${block.text as string}${event.delta.text}`;
          this.onText?.(event.delta.text);
        } else if (event.delta.type === 'input_json_delta' && this.#json[event.index] !== undefined) {
          this.#json[event.index] += event.delta.partial_json;
        }
        return;
      }
      case 'content_block_stop': {
        const json = this.#json[event.index];
        const block = this.#message.content[event.index];
        if (json !== undefined && block) block.input = json === '' ? {} : JSON.parse(json);
        return;
      }
      case 'message_delta': {
        this.#message.stop_reason = event.delta.stop_reason ?? this.#message.stop_reason;
        const usage = this.#message.usage;
        usage.output_tokens = event.usage.output_tokens ?? usage.output_tokens;
        usage.input_tokens = event.usage.input_tokens ?? usage.input_tokens;
        usage.cache_creation_input_tokens =
          event.usage.cache_creation_input_tokens ?? usage.cache_creation_input_tokens;
        usage.cache_read_input_tokens = event.usage.cache_read_input_tokens ?? usage.cache_read_input_tokens;
        return;
      }
      case 'message_stop':
        return true;
      case 'error':
        return failed(null, event.error?.message ?? 'The answer stream reported an error');
      default:
        return; // ping, and whatever a newer API adds
    }
  }

  message(): StreamedMessage {
    return this.#message;
  }
}

type StreamEvent =
  | { type: 'message_start'; message: StreamedMessage }
  | { type: 'content_block_start'; index: number; content_block: StreamedBlock }
  | {
      type: 'content_block_delta';
      index: number;
      delta: { type: 'text_delta'; text: string } | { type: 'input_json_delta'; partial_json: string };
    }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason?: string | null };
      usage: Partial<Record<keyof StreamedMessage['usage'], number | null>>;
    }
  | { type: 'message_stop' }
  | { type: 'error'; error?: { type?: string; message?: string } }
  | { type: 'ping' };

/** What the SDK retries: what the server says (x-should-retry), else 408, 409, 429 and 5xx. */
function shouldRetry(status: number, headers: IncomingHttpHeaders): boolean {
  const said = headers['x-should-retry'];
  if (said === 'true') return true;
  if (said === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The wait before retry number `retry` (0 first): what the server asked for (retry-after-ms, else
 * retry-after in seconds or as an HTTP date) when positive and under a minute, else exponential
 * backoff from 0.5 s, capped at 8 s, less up to a quarter of jitter.
 */
export function retryDelayMs(headers: IncomingHttpHeaders | undefined, retry: number, now = Date.now()): number {
  let asked = Number.parseFloat(first(headers?.['retry-after-ms']) ?? '');
  const after = first(headers?.['retry-after']);
  if (!(asked > 0) && after) {
    const seconds = Number.parseFloat(after);
    asked = Number.isNaN(seconds) ? Date.parse(after) - now : seconds * 1000;
  }
  if (asked > 0 && asked <= MAX_RETRY_AFTER_MS) return asked;
  return Math.min(0.5 * 2 ** retry, 8) * (1 - Math.random() * 0.25) * 1000;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** An error answer's message (the JSON body's error.message, else its text), without waiting forever. */
function readError(response: IncomingMessage, onChunk: () => void, done: (error: ModelCallError) => void): void {
  const status = response.statusCode ?? 0;
  let text = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    onChunk();
    if (text.length < MAX_ERROR_BODY) text += chunk;
  });
  response.on('end', () => {
    let message: string | undefined;
    try {
      message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message as string | undefined;
    } catch {
      // not JSON: the text itself
    }
    if (typeof message !== 'string') message = `${status} ${text.trim().slice(0, 500) || 'status code (no body)'}`;
    done(failed(status, message));
  });
}

function failed(status: number | null, detail: string): ModelCallError {
  return new ModelCallError(`Model call failed (${status ?? 'no status'}): ${detail}`, status);
}

function connectionError(error: NodeJS.ErrnoException): ModelCallError {
  return failed(null, `Connection error (${error.code ?? error.message})`);
}

function aborted(): ModelCallError {
  return failed(null, 'Request was aborted.');
}

/** Waits `ms`, or rejects at once when the signal aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

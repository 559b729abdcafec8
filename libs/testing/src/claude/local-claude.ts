import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PromptCache } from './context.js';
import {
  answerFor,
  echoStep,
  ERROR_TYPES,
  errorBody,
  estimateInputTokens,
  messageJson,
  messageStartEvent,
  PING_EVENT,
  randomId,
  sse,
  streamEvents,
  validateBody,
} from './protocol.js';
import type {
  ErrorStatus,
  ErrorStep,
  LocalClaudeOptions,
  MessagesRequestBody,
  RecordedRequest,
  Responder,
  ScriptStep,
} from './types.js';

const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * A local HTTP peer speaking the Anthropic Messages API (`POST /v1/messages`, JSON and SSE) for tests and
 * benchmarks. Answers come from the script queue, else the responder, else an echo of the last user turn.
 *
 * ```ts
 * const claude = await LocalClaude.start();
 * claude.script({ toolUse: { name: 'search', input: { q: 'x' } } }, { text: 'Done.' });
 * const client = new Anthropic({ apiKey: 'test-key', baseURL: claude.url });
 * ...
 * await claude.stop();
 * ```
 */
export class LocalClaude {
  /** Delay applied to every answer produced from a step (scripted, responder or echo); settable at any time. */
  latencyMs: number;
  /**
   * Requests whose input passes this many tokens get the real API's 400 "prompt is too long"
   * (undefined: no limit); settable at any time.
   */
  contextWindowTokens: number | undefined;
  /**
   * Called right after the event with a streamed answer's first text delta is written to the socket
   * (benchmarks time what follows from it); settable at any time.
   */
  onFirstTextDelta: ((request: RecordedRequest) => void) | undefined;
  /**
   * Streamed answers are written in pieces of this many bytes, each its own write after the one before
   * has gone out, so lines, events and UTF-8 characters arrive cut anywhere (as networks and proxies may
   * deliver them); undefined: each event in one write. Settable at any time.
   */
  writeBytes: number | undefined;
  /** The requests received, oldest first (at most `maxRecordedRequests`, default 1000). */
  readonly requests: RecordedRequest[] = [];

  readonly #server: Server;
  readonly #options: LocalClaudeOptions;
  readonly #queue: ScriptStep[] = [];
  #responder: Responder | undefined;
  readonly #cache: PromptCache;
  readonly #timers = new Map<ReturnType<typeof setTimeout>, () => void>();
  #url = '';
  #stopped = false;

  private constructor(options: LocalClaudeOptions) {
    this.#options = options;
    this.latencyMs = options.latencyMs ?? 0;
    this.contextWindowTokens = options.contextWindowTokens;
    this.writeBytes = options.writeBytes;
    this.#cache = new PromptCache(options.cacheTtlMs ?? 5 * 60_000);
    this.#server = createServer((req, res) => this.#onRequest(req, res));
    // Answers are small and written at once; Nagle would only add delay to streamed events.
    this.#server.on('connection', (socket) => socket.setNoDelay(true));
  }

  /** Starts listening (port 0 = a free port, host 127.0.0.1 by default). */
  static async start(options: LocalClaudeOptions = {}): Promise<LocalClaude> {
    const claude = new LocalClaude(options);
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      claude.#server.once('error', reject);
      claude.#server.listen(options.port ?? 0, host, () => {
        claude.#server.off('error', reject);
        resolve();
      });
    });
    const { port } = claude.#server.address() as AddressInfo;
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    claude.#url = `http://${urlHost}:${port}`;
    return claude;
  }

  /** The base URL for `new Anthropic({ baseURL })` / `ANTHROPIC_BASE_URL`, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return this.#url;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Scripted steps not consumed yet. */
  get pendingSteps(): number {
    return this.#queue.length;
  }

  /** Queues steps; each valid `/v1/messages` request takes the next one, in arrival order. */
  script(...steps: ScriptStep[]): this {
    this.#queue.push(...steps);
    return this;
  }

  /** Answers requests when the script queue is empty (instead of the default echo). */
  respondWith(responder: Responder): this {
    this.#responder = responder;
    return this;
  }

  /** Clears the script queue, the responder, the recorded requests and the prompt cache. */
  reset(): void {
    this.#queue.length = 0;
    this.#responder = undefined;
    this.requests.length = 0;
    this.#cache.clear();
  }

  /** Stops listening, drops open connections (including streams in progress) and pending delays. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const [timer, resolve] of this.#timers) {
      clearTimeout(timer);
      resolve();
    }
    this.#timers.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  // ---- Request handling. ----

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const receivedAt = new Date();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const rawBody = size > MAX_BODY_BYTES ? '' : Buffer.concat(chunks).toString('utf8');
      this.#handle(req, res, rawBody, size, receivedAt).catch((error: unknown) => {
        if (res.headersSent) res.destroy();
        else this.#sendError(res, 500, `LocalClaude failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse, rawBody: string, size: number, receivedAt: Date) {
    const started = Date.now();
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const apiKey = keyOf(req);

    let parsed: unknown;
    let parseError: string | undefined;
    try {
      parsed = rawBody === '' ? undefined : JSON.parse(rawBody);
    } catch (error) {
      parseError = `Request body is not valid JSON: ${(error as Error).message}`;
    }
    const body = (isObject(parsed) ? parsed : {}) as MessagesRequestBody;
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      apiKey,
      body,
      rawBody,
      receivedAt,
    };
    this.#record(request);

    const log = (status: number, note = '') =>
      this.#options.log?.(`${request.method} ${path} ${status}${note} ${Date.now() - started}ms`);

    if (!apiKey) return log(this.#sendError(res, 401, 'x-api-key header is required'));
    if (this.#options.apiKeys && !this.#options.apiKeys.includes(apiKey)) {
      return log(this.#sendError(res, 401, 'invalid x-api-key'));
    }

    const route = req.method === 'POST' ? path : '';
    if (route !== '/v1/messages' && route !== '/v1/messages/count_tokens') {
      return log(this.#sendError(res, 404, `${req.method} ${path}: not found (LocalClaude serves POST /v1/messages)`));
    }
    if (size > MAX_BODY_BYTES) return log(this.#sendError(res, 413));
    if (parseError) return log(this.#sendError(res, 400, parseError));
    if (rawBody === '') return log(this.#sendError(res, 400, 'Request body is empty'));
    const problem = validateBody(parsed, route === '/v1/messages');
    if (problem) return log(this.#sendError(res, 400, problem));

    if (route === '/v1/messages/count_tokens') {
      return log(this.#send(res, 200, { input_tokens: estimateInputTokens(body) }));
    }

    const inputTokens = estimateInputTokens(body);
    if (this.contextWindowTokens !== undefined && inputTokens > this.contextWindowTokens) {
      return log(
        this.#sendError(res, 400, `prompt is too long: ${inputTokens} tokens > ${this.contextWindowTokens} maximum`),
        ' prompt is too long',
      );
    }

    const step = await this.#nextStep(request);
    // A streamed answer spreads the latency over its events (see #stream); anything else waits first.
    const streamed = body.stream === true && (!('error' in step) || step.error.midStream === true);
    if (!streamed && this.latencyMs > 0) await this.#sleep(this.latencyMs);
    if (this.#stopped || res.destroyed) return;

    if ('error' in step) {
      if (streamed) return log(200, await this.#streamError(res, body, step));
      return log(this.#sendStepError(res, step));
    }

    const answer = answerFor(step, body, this.#cache.use(body, `${apiKey}\n${body.model}`));
    const id = randomId('msg_01');
    if (!body.stream) return log(this.#send(res, 200, messageJson(id, body.model, answer)), ` ${answer.stopReason}`);
    const events = streamEvents(id, body.model, answer);
    await this.#stream(res, events, request);
    log(200, ` stream ${answer.stopReason}`);
  }

  #record(request: RecordedRequest): void {
    this.requests.push(request);
    const max = this.#options.maxRecordedRequests ?? 1000;
    if (this.requests.length > max) this.requests.splice(0, this.requests.length - max);
  }

  async #nextStep(request: RecordedRequest): Promise<ScriptStep> {
    const scripted = this.#queue.shift();
    if (scripted) return scripted;
    if (this.#responder) {
      const step = await this.#responder(request);
      if (!isObject(step)) throw new Error(`the responder returned ${String(step)} instead of a script step`);
      return step;
    }
    return echoStep(request.body, this.#options.toolCommands ?? false);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.set(timer, resolve);
    });
  }

  #headers(extra?: Record<string, string>): Record<string, string> {
    return { 'request-id': randomId('req_011C'), ...extra };
  }

  #send(res: ServerResponse, status: number, payload: unknown, extra?: Record<string, string>): number {
    const json = JSON.stringify(payload);
    res.writeHead(status, this.#headers({ 'content-type': 'application/json', ...extra }));
    res.end(json);
    return status;
  }

  #sendError(res: ServerResponse, status: ErrorStatus, message?: string, extra?: Record<string, string>): number {
    return this.#send(res, status, errorBody(status, message), extra);
  }

  #sendStepError(res: ServerResponse, step: ErrorStep): number {
    const { status, message, retryAfterSeconds, headers } = step.error;
    if (!(status in ERROR_TYPES)) throw new Error(`unsupported scripted error status ${status}`);
    const retryAfter = retryAfterSeconds ?? (status === 429 ? 1 : undefined);
    return this.#sendError(res, status, message, {
      ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
      ...headers,
    });
  }

  /** Writes the events: all at once without latency; else half the latency before the first, the rest spread. */
  async #stream(res: ServerResponse, events: string[], request?: RecordedRequest): Promise<void> {
    const latency = this.latencyMs;
    const firstText = events.findIndex((event) => event.includes('"text_delta"'));
    const written = (i: number) => {
      if (i === firstText && request) this.onFirstTextDelta?.(request);
    };
    if (this.writeBytes !== undefined) {
      await this.#sleep(latency);
      if (this.#stopped || res.destroyed) return;
      res.writeHead(200, this.#headers(SSE_HEADERS));
      await this.#writeInPieces(res, Buffer.from(events.join('')), this.writeBytes);
      if (firstText >= 0) written(firstText);
      return;
    }
    if (latency <= 0) {
      res.writeHead(200, this.#headers(SSE_HEADERS));
      res.end(events.join(''));
      if (firstText >= 0) written(firstText);
      return;
    }
    await this.#sleep(Math.ceil(latency / 2));
    if (this.#stopped || res.destroyed) return;
    res.writeHead(200, this.#headers(SSE_HEADERS));
    res.write(events[0]);
    written(0);
    const gap = Math.ceil(latency / 2 / Math.max(1, events.length - 1));
    for (let i = 1; i < events.length; i++) {
      await this.#sleep(gap);
      if (this.#stopped || res.destroyed) return;
      res.write(events[i]);
      written(i);
    }
    res.end();
  }

  async #writeInPieces(res: ServerResponse, bytes: Buffer, size: number): Promise<void> {
    for (let at = 0; at < bytes.length; at += Math.max(1, size)) {
      if (this.#stopped || res.destroyed) return;
      await new Promise<void>((resolve) => res.write(bytes.subarray(at, at + Math.max(1, size)), () => resolve()));
    }
    res.end();
  }

  async #streamError(res: ServerResponse, body: MessagesRequestBody, step: ErrorStep): Promise<string> {
    const { status, message } = step.error;
    const usage = { inputTokens: estimateInputTokens(body), cacheReadTokens: 0, cacheCreationTokens: 0 };
    const start = messageStartEvent(randomId('msg_01'), body.model, usage);
    const events = [start, PING_EVENT, sse('error', errorBody(status, message))];
    await this.#stream(res, events);
    return ` stream error ${status}`;
  }
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};

function keyOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = req.headers.authorization;
  if (authorization?.startsWith('Bearer ') && authorization.length > 7) return authorization.slice(7);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

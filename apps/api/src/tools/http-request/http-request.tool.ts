import { type IncomingMessage, request as httpRequest, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { type AddressGuard, AddressRefusedError } from '../net/address-guard.js';
import { portOf } from '../net/host-list.js';
import type { Tool, ToolContext, ToolResult } from '../tool.js';
import {
  inputObject,
  invalidInput,
  redirectNotFollowed,
  stringField,
  ToolInputError,
  urlDestination,
} from '../tool-input.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const READING_METHODS = new Set(['GET', 'HEAD']);
export const MAX_BODY_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;
/** Headers the gateway sets itself (or that would let a call lie about where it goes). */
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade']);
/** Headers that go to the host the model named, never to another one a redirect points at. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const SHOWN_HEADERS = [
  'content-type',
  'content-length',
  'content-language',
  'last-modified',
  'location',
  'retry-after',
];

interface HttpRequestInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * `http_request`: one HTTP(S) request to a public address, redirects followed (each hop checked by
 * the address guard), the response returned as status line, main headers and at most 1 MB of body,
 * marked as untrusted data.
 */
export class HttpRequestTool implements Tool {
  readonly name = 'http_request';
  readonly description =
    'Make an HTTP or HTTPS request and read the response: status, main headers and up to 1 MB of body. ' +
    'Only public internet addresses can be reached (private, loopback and link-local ones are refused ' +
    `unless the operator allowed the host). Redirects are followed (at most ${MAX_REDIRECTS}), except to another ` +
    'host when the call needed approval or the run has read untrusted content: then the redirect is returned.';
  readonly riskLevel = 'medium' as const;
  readonly timeoutMs = 30_000;
  readonly actsWhen = 'methods other than GET and HEAD';
  readonly inputSchema = {
    type: 'object',
    properties: {
      method: { type: 'string', enum: [...METHODS], description: 'HTTP method; GET when omitted.' },
      url: { type: 'string', description: 'Absolute http:// or https:// URL.' },
      headers: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Request headers, e.g. {"accept": "application/json"}.',
      },
      body: { type: 'string', description: 'Request body, e.g. JSON text; set a content-type header to match.' },
    },
    required: ['url'],
    additionalProperties: false,
  };

  constructor(private readonly guard: AddressGuard) {}

  destinations(input: unknown): URL[] {
    return urlDestination(input);
  }

  acts(input: unknown): boolean {
    const method = (input as { method?: unknown } | null)?.method;
    return !READING_METHODS.has(typeof method === 'string' ? method.toUpperCase() : 'GET');
  }

  async execute(input: unknown, context: ToolContext): Promise<ToolResult> {
    let call: HttpRequestInput;
    try {
      call = parseInput(input);
    } catch (error) {
      if (error instanceof ToolInputError) return invalidInput(error);
      throw error;
    }
    try {
      return await this.fetch(call, context);
    } catch (error) {
      if (context.signal.aborted) throw error; // the executor reports the timeout
      return { content: `HTTP request failed: ${describeError(error)}`, isError: true };
    }
  }

  private async fetch(call: HttpRequestInput, { signal, mayFollow }: ToolContext): Promise<ToolResult> {
    let url = this.guard.checkUrl(call.url);
    let { method, body } = call;
    let headers = call.headers;
    for (let redirects = 0; ; redirects++) {
      const response = await send(url, method, headers, body, this.guard, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status < 300 || status >= 400 || status === 304 || !location) {
        return { content: await present(url, redirects, method, response), untrusted: true };
      }
      if (redirects === MAX_REDIRECTS) {
        response.resume();
        return { content: `HTTP request failed: more than ${MAX_REDIRECTS} redirects`, isError: true };
      }
      const next = this.guard.checkUrl(new URL(location, url));
      if (next.origin !== url.origin && mayFollow && !mayFollow(next)) {
        // The redirect itself goes back to the model; the request (and its body) stays where it was sent.
        const content = `${redirectNotFollowed(next)}\n${await present(url, redirects, method, response)}`;
        return { content, untrusted: true };
      }
      response.resume();
      // As browsers do: 303 becomes GET, and so do 301/302 after a POST; 307/308 repeat the request.
      if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      if (next.origin !== url.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.includes(name)));
      }
      url = next;
    }
  }
}

function parseInput(input: unknown): HttpRequestInput {
  const fields = inputObject(input, ['method', 'url', 'headers', 'body']);
  const method = fields.method === undefined ? 'GET' : stringField(fields, 'method', { maxLength: 10 }).toUpperCase();
  if (!(METHODS as readonly string[]).includes(method)) {
    throw new ToolInputError(`method must be one of ${METHODS.join(', ')}`);
  }
  const url = stringField(fields, 'url', { maxLength: 8000 });
  const headers: Record<string, string> = {};
  if (fields.headers !== undefined) {
    if (typeof fields.headers !== 'object' || fields.headers === null || Array.isArray(fields.headers)) {
      throw new ToolInputError('headers must be an object of header names to string values');
    }
    for (const [name, value] of Object.entries(fields.headers)) {
      const key = name.toLowerCase();
      if (typeof value !== 'string') throw new ToolInputError(`headers.${name} must be a string`);
      if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(key)) throw new ToolInputError(`"${name}" is not a valid header name`);
      if (/[\r\n\0]/.test(value)) throw new ToolInputError(`headers.${name} must not contain line breaks`);
      if (FORBIDDEN_HEADERS.has(key)) throw new ToolInputError(`headers.${name} is set by the gateway`);
      headers[key] = value;
    }
  }
  let body: string | undefined;
  if (fields.body !== undefined) {
    if (typeof fields.body !== 'string') throw new ToolInputError('body must be a string');
    if (Buffer.byteLength(fields.body) > MAX_BODY_BYTES) throw new ToolInputError('body must be at most 1 MB');
    if (method === 'GET' || method === 'HEAD') throw new ToolInputError(`a ${method} request cannot have a body`);
    body = fields.body;
  }
  return { method, url, headers, body };
}

/** One request; the socket connects only to an address the guard checked (its `lookup`). */
export function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  guard: AddressGuard,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      headers: { 'user-agent': 'LoopGateway/1 (http_request tool)', ...headers },
      lookup: guard.lookupFor(portOf(url)),
      agent: false, // no pooled sockets shared between calls
      signal,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(body);
  });
}

async function present(url: URL, redirects: number, method: string, response: IncomingMessage): Promise<string> {
  const status = response.statusCode ?? 0;
  const lines = [`HTTP ${status} ${response.statusMessage || STATUS_CODES[status] || ''}`.trimEnd()];
  lines.push(`URL: ${url.href}${redirects ? ` (after ${redirects} redirect${redirects > 1 ? 's' : ''})` : ''}`);
  for (const name of SHOWN_HEADERS) {
    const value = response.headers[name];
    if (value !== undefined) lines.push(`${name}: ${String(value)}`);
  }
  if (method === 'HEAD') {
    response.resume();
    return lines.join('\n');
  }
  const { bytes, truncated } = await readCapped(decoded(response), MAX_BODY_BYTES).finally(() => response.destroy());
  if (truncated) lines.push(`[body truncated: only the first ${MAX_BODY_BYTES} bytes were read]`);
  const contentType = String(response.headers['content-type'] ?? '');
  lines.push(
    '',
    isText(contentType) ? decode(bytes, contentType) : `[${bytes.length} bytes of ${contentType}, not shown]`,
  );
  return lines.join('\n');
}

export function decoded(response: IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : null;
  if (!decoder) return response;
  response.on('error', (error) => decoder.destroy(error));
  return response.pipe(decoder);
}

/** Reads at most `limit` bytes, then stops the download. */
export async function readCapped(stream: Readable, limit: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      stream.destroy();
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

function isText(contentType: string): boolean {
  return (
    contentType === '' ||
    /^text\/|[/+](json|xml|javascript|ecmascript)\b|^application\/x-www-form-urlencoded/i.test(contentType)
  );
}

function decode(bytes: Buffer, contentType: string): string {
  const charset = /charset="?([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof AddressRefusedError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return `the server refused the connection (${message})`;
    case 'ECONNRESET':
      return 'the server closed the connection';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    default:
      return message;
  }
}

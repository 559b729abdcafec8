import { createHash } from 'node:crypto';
import type { MessagesRequestBody } from './types.js';

// How the local Claude sizes a request the way the real API does: the context window it enforces and
// the prompt cache it simulates. Tokens are estimated at about four characters each over the JSON of
// the tools, the system prompt and the messages (`cache_control` markers do not count), so the
// figures it reports add up: input_tokens + cache_read_input_tokens + cache_creation_input_tokens is
// the request's estimate, whatever is cached.

type Sized = Pick<MessagesRequestBody, 'system' | 'messages' | 'tools'>;

/** The JSON of a value without its `cache_control` markers. */
function plain(value: unknown): string {
  return JSON.stringify(value, (key, inner: unknown) => (key === 'cache_control' ? undefined : inner)) ?? '';
}

function systemChars(system: Sized['system']): number {
  return typeof system === 'string' ? system.length : system ? plain(system).length : 0;
}

/** Characters of a request: system prompt, messages JSON and tools JSON. */
export function requestChars(body: Sized): number {
  return systemChars(body.system) + plain(body.messages).length + (body.tools ? plain(body.tools).length : 0);
}

/** A cache breakpoint: the request up to a block marked with `cache_control`. */
interface Breakpoint {
  key: string;
  chars: number;
}

function hasMarker(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'cache_control' in value;
}

/**
 * The request's prefixes that end at a `cache_control` marker, in request order (tools, then system,
 * then messages), each with a key that identifies the prefix's content and its characters as
 * `requestChars` counts them (the JSON of the lists cut after that block). One pass: a running hash
 * over the blocks, copied at each marker.
 */
export function breakpoints(body: MessagesRequestBody, scope: string): Breakpoint[] {
  const found: Breakpoint[] = [];
  const hash = createHash('sha256').update(scope).update('\n').update(body.model);
  let chars = 0;
  /** Adds a block of a JSON list (`index` within it); `closing`: what ends the list after it. */
  const add = (block: unknown, index: number, closing: number, label: string) => {
    const json = typeof block === 'string' ? block : plain(block);
    hash.update(label).update(json);
    chars += (index > 0 ? 1 : 0) + json.length;
    if (hasMarker(block)) found.push({ key: hash.copy().digest('hex'), chars: chars + closing });
  };
  const tools = body.tools ?? [];
  if (tools.length > 0) chars += 1;
  tools.forEach((tool, i) => add(tool, i, 1, '\ntool:'));
  if (tools.length > 0) chars += 1;
  if (typeof body.system === 'string') add(body.system, 0, 0, '\nsystem:');
  else if (body.system) {
    chars += 1;
    body.system.forEach((block, i) => add(block, i, 1, '\nsystem:'));
    chars += 1;
  }
  chars += 1; // [ of the messages
  body.messages.forEach((message, i) => {
    if (i > 0) chars += 1;
    if (typeof message.content === 'string') {
      add(plain(message), 0, 1, '\nmessage:');
      return;
    }
    chars += JSON.stringify({ role: message.role, content: [] }).length - 2; // up to and with "content":[
    message.content.forEach((block, j) => add(block, j, 3, j === 0 ? `\n${message.role}:` : '\n+'));
    chars += 2; // ]}
  });
  return found;
}

export interface CacheUsage {
  cacheReadTokens: number;
  cacheCreationTokens: number;
}

/**
 * The prompt cache: a prefix ending at a breakpoint is written the first time it is seen and read
 * while it lives (each read renews it, as the real API's 5-minute cache does). The longest cached
 * breakpoint is read; the request up to its last breakpoint is written; the rest is plain input.
 */
export class PromptCache {
  readonly #entries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** Looks the request's breakpoints up, stores the new ones and says what was read and written. */
  use(body: MessagesRequestBody, scope: string, now = Date.now()): CacheUsage {
    const points = breakpoints(body, scope);
    if (points.length === 0) return { cacheReadTokens: 0, cacheCreationTokens: 0 };
    let readChars = 0;
    for (const point of points) {
      const expires = this.#entries.get(point.key);
      if (expires !== undefined && expires > now) readChars = point.chars;
    }
    const last = points.at(-1)!;
    for (const point of points) this.#remember(point.key, now);
    const cacheReadTokens = Math.floor(readChars / 4);
    return { cacheReadTokens, cacheCreationTokens: Math.floor(last.chars / 4) - cacheReadTokens };
  }

  clear(): void {
    this.#entries.clear();
  }

  #remember(key: string, now: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, now + this.ttlMs);
    // Oldest first in insertion order: drop from the front beyond the bound.
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(oldest);
    }
  }
}

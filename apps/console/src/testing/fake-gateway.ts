/**
 * Fakes of the gateway's side effects for unit tests: its HTTP API (behind the real generated
 * client), the browser's WebSocket and localStorage. Nothing here is part of the console bundle.
 */
import { Component, type EnvironmentProviders, type Provider } from '@angular/core';
import { provideRouter } from '@angular/router';
import type { LoginResponseDto } from '@loop-gateway/api-client';
import { type Client, createClient } from '@loop-gateway/api-client/client';
import type { WsServerMessage } from '@loop-gateway/contracts';
import { API_BASE_URL, API_CLIENT } from '../app/core/api/api-client';
import { type SocketLike, WEB_SOCKET_FACTORY } from '../app/core/realtime/gateway-socket';
import { SESSION_STORAGE } from '../app/core/session/session.store';
import { provideConsoleIcons } from '../app/core/ui/icons';

export const GATEWAY_URL = 'http://gateway.test';

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string (`?status=pending&limit=100`). */
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

/** A JSON reply, a network error, or a ready Response (e.g. an image). */
export type FakeReply = { status: number; body?: unknown } | Error | Response;

/** The gateway's REST API as seen by `fetch`: 'METHOD /path' → reply; every request is recorded. */
export class FakeHttp {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, (request: RecordedRequest) => FakeReply>();

  on(route: string, reply: FakeReply | ((request: RecordedRequest) => FakeReply)): this {
    this.routes.set(route, typeof reply === 'function' ? reply : () => reply);
    return this;
  }

  readonly fetch = async (input: RequestInfo | URL): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input);
    const text = await request.text();
    const url = new URL(request.url);
    const recorded: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    this.requests.push(recorded);
    const handler = this.routes.get(`${recorded.method} ${recorded.path}`);
    const reply = handler ? handler(recorded) : { status: 404, body: { statusCode: 404, message: 'Not Found' } };
    if (reply instanceof Error) throw reply;
    if (reply instanceof Response) return reply;
    if (reply.status === 204) return new Response(null, { status: 204 });
    return new Response(JSON.stringify(reply.body ?? {}), {
      status: reply.status,
      headers: { 'Content-Type': 'application/json' },
    });
  };

  /** A generated-client instance that talks to this fake. */
  client(): Client {
    return createClient({ baseUrl: GATEWAY_URL, fetch: this.fetch });
  }

  last(route: string): RecordedRequest | undefined {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route).at(-1);
  }
}

/** localStorage without a browser. */
export class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
}

/** A WebSocket the test drives: `open()`, `receive(message)`, `drop(code)`. */
export class FakeWebSocket implements SocketLike {
  static readonly instances: FakeWebSocket[] = [];
  static latest(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (!socket) throw new Error('No WebSocket was opened');
    return socket;
  }

  readonly sent: unknown[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    if (this.closedWith) throw new Error('send() on a closed socket');
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }

  open(): void {
    this.onopen?.(new Event('open'));
  }

  receive(message: WsServerMessage): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(message) }));
  }

  /** The server (or the network) closes the connection. */
  drop(code = 1006): void {
    this.closedWith ??= { code };
    this.onerror?.(new Event('error'));
    this.onclose?.({ code, reason: '', wasClean: code !== 1006 } as CloseEvent);
  }
}

@Component({ template: '' })
export class BlankPage {}

export interface FakeGateway {
  http: FakeHttp;
  storage: MemoryStorage;
  providers: (Provider | EnvironmentProviders)[];
}

/** Providers that put the console's side effects on fakes; routes /login, /setup and the rest. */
export function fakeGateway(): FakeGateway {
  const http = new FakeHttp();
  const storage = new MemoryStorage();
  FakeWebSocket.instances.length = 0;
  return {
    http,
    storage,
    providers: [
      { provide: API_CLIENT, useValue: http.client() },
      { provide: API_BASE_URL, useValue: GATEWAY_URL },
      { provide: SESSION_STORAGE, useValue: storage },
      { provide: WEB_SOCKET_FACTORY, useValue: (url: string) => new FakeWebSocket(url) },
      provideConsoleIcons(),
      provideRouter([
        { path: 'login', component: BlankPage },
        { path: 'setup', component: BlankPage },
        { path: '**', component: BlankPage },
      ]),
    ],
  };
}

export function loginResponse(overrides: Partial<LoginResponseDto> = {}): LoginResponseDto {
  return {
    token: 'token-1',
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    user: { id: 'u1', username: 'admin', role: 'admin' },
    ...overrides,
  };
}

import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerState } from '@loop-gateway/contracts';
import type { AddressGuard } from '../tools/net/address-guard.js';
import { guardedFetch } from './guarded-fetch.js';
import type { StdioProcessTransport } from './stdio-process-transport.js';

/**
 * The MCP SDK (and the stdio transport built on it) loads with the first server that connects: a
 * gateway without MCP servers never loads it.
 */
async function loadSdk() {
  const [{ Client }, { StreamableHTTPClientTransport }, { StdioProcessTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('./stdio-process-transport.js'),
  ]);
  return { Client, StreamableHTTPClientTransport, StdioProcessTransport };
}

/** What a connection needs of its server: decrypted, ready to use. */
export interface McpServerSpec {
  id: string;
  name: string;
  transport: 'stdio' | 'http';
  command: string | null;
  args: string[];
  env: Record<string, string>;
  url: string | null;
  headers: Record<string, string>;
}

export interface McpConnectionEvents {
  /** The server's complete tool list (every page), after a connect or a list change. */
  tools(definitions: McpToolDefinition[], serverVersion: string | undefined): Promise<void>;
  /** The state changed; when not ready, the server's tools must be unavailable. */
  state(state: McpServerState, error: string | null): void;
}

const CONNECT_TIMEOUT_MS = 30_000;
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/** Pages of tools/list read at most (a server that pages forever is a broken one). */
const MAX_PAGES = 100;

/**
 * One MCP server's connection, through the official SDK client: connects, lists its tools (all
 * pages), follows `notifications/tools/list_changed`, and when the server fails to start or drops,
 * reports the error and reconnects with exponential backoff until stopped.
 */
export class McpConnection {
  private client: Client | null = null;
  private transport: Transport | null = null;
  /** The transport when it is a stdio process, whose stderr explains a failure. */
  private stdio: StdioProcessTransport | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  /** While ready: the next ping, so a server that went away is noticed without waiting for a call. */
  private pingTimer: NodeJS.Timeout | null = null;
  private backoffMs = FIRST_BACKOFF_MS;
  /** Bumped on every (re)connect, so callbacks of an old client do nothing. */
  private generation = 0;
  state: McpServerState = 'connecting';
  error: string | null = null;

  constructor(
    readonly spec: McpServerSpec,
    private readonly guard: AddressGuard,
    private readonly events: McpConnectionEvents,
    private readonly clientVersion: string,
    private readonly pingMs: number,
  ) {}

  /** The connected client, or null when not ready. */
  get ready(): Client | null {
    return this.state === 'ready' ? this.client : null;
  }

  start(): Promise<void> {
    return this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.stopPing();
    await this.closeClient();
    this.setState('stopped', null);
  }

  /** Lists the tools again (the API's refresh); reconnects first when not connected. */
  async refresh(): Promise<void> {
    if (this.stopped) return;
    if (this.state !== 'ready') {
      if (this.timer) clearTimeout(this.timer);
      this.backoffMs = FIRST_BACKOFF_MS;
      return this.connect();
    }
    await this.listTools(this.generation).catch((error: unknown) => this.failed(this.generation, error));
  }

  private async connect(): Promise<void> {
    const sdk = await loadSdk();
    // Stopped while the SDK loaded: nothing to connect.
    if (this.stopped) return;
    const generation = ++this.generation;
    await this.closeClient();
    this.setState('connecting', this.error);
    const transport = this.createTransport(sdk);
    const client = new sdk.Client(
      { name: 'loop-gateway', version: this.clientVersion },
      {
        listChanged: {
          tools: {
            autoRefresh: false,
            debounceMs: 100,
            onChanged: () => {
              if (generation === this.generation) {
                void this.listTools(generation).catch((error: unknown) => this.failed(generation, error));
              }
            },
          },
        },
      },
    );
    this.client = client;
    this.transport = transport;
    try {
      await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
      // Only now: a connect that fails closes the transport too, and its own error says more.
      client.onclose = () => {
        if (generation === this.generation && !this.stopped) this.failed(generation, new Error(this.closedReason()));
      };
      await this.listTools(generation);
      if (generation !== this.generation) return;
      this.backoffMs = FIRST_BACKOFF_MS;
      this.setState('ready', null);
      this.schedulePing(generation);
    } catch (error) {
      this.failed(generation, error);
    }
  }

  private async listTools(generation: number): Promise<void> {
    const client = this.client!;
    const definitions: McpToolDefinition[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await client.listTools(cursor ? { cursor } : {}, { timeout: CONNECT_TIMEOUT_MS });
      definitions.push(...result.tools);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    if (generation !== this.generation) return;
    // Registered only once every page arrived: never half a list.
    await this.events.tools(definitions, client.getServerVersion()?.version);
  }

  /**
   * Pings the server every `pingMs` while this connection is current: an HTTP server that went away
   * (or a stdio one that hangs) is marked `error` and reconnected with backoff, without a call failing first.
   */
  private schedulePing(generation: number): void {
    this.stopPing();
    this.pingTimer = setTimeout(() => {
      this.pingTimer = null;
      const client = this.client;
      if (generation !== this.generation || this.stopped || !client) return;
      client.ping({ timeout: Math.min(this.pingMs, CONNECT_TIMEOUT_MS) }).then(
        () => this.schedulePing(generation),
        (error: unknown) =>
          this.failed(
            generation,
            new Error(`No answer to a ping: ${error instanceof Error ? error.message : String(error)}`),
          ),
      );
    }, this.pingMs);
    this.pingTimer.unref();
  }

  private stopPing(): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = null;
  }

  private failed(generation: number, error: unknown): void {
    if (generation !== this.generation || this.stopped) return;
    this.generation++;
    this.stopPing();
    const message = error instanceof Error ? error.message : String(error);
    const stderr = this.stdio && this.stdio === this.transport ? this.stdio.stderr : '';
    this.setState('error', stderr && !message.includes(stderr) ? `${message} (stderr: ${stderr})` : message);
    void this.closeClient();
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) void this.connect();
    }, delay);
  }

  private closedReason(): string {
    return this.spec.transport === 'stdio' ? 'The server process exited' : 'The server closed the connection';
  }

  private createTransport(sdk: Awaited<ReturnType<typeof loadSdk>>): Transport {
    const { spec } = this;
    this.stdio = null;
    if (spec.transport === 'stdio') {
      this.stdio = new sdk.StdioProcessTransport(spec.command!, spec.args, spec.env);
      return this.stdio;
    }
    return new sdk.StreamableHTTPClientTransport(new URL(spec.url!), {
      fetch: guardedFetch(this.guard),
      requestInit: { headers: spec.headers },
    });
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.transport = null;
    if (client) {
      client.onclose = undefined;
      await client.close().catch(() => undefined);
    }
  }

  private setState(state: McpServerState, error: string | null): void {
    if (this.state === state && this.error === error) return;
    this.state = state;
    this.error = error;
    this.events.state(state, error);
  }
}

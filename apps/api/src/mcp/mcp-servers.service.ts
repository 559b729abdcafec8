import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { SecretBox } from '../crypto/secret-box.js';
import { EventBus } from '../events/event-bus.js';
import { AddressGuard } from '../tools/net/address-guard.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import { ToolsService } from '../tools/tools.service.js';
import { ScreenshotStore } from '../tools/web-browse/screenshot-store.js';
import type { McpServerCreateDto, McpServerResponseDto, McpServerUpdateDto } from './dto/mcp-server.dto.js';
import type { McpServer } from './entities/mcp-server.entity.js';
import { McpConnection, type McpServerSpec } from './mcp-connection.js';
import { McpServersRepository } from './mcp-servers.repository.js';
import { McpTool, mcpToolName } from './mcp-tool.js';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** A running server: its connection, the tools it has registered, those it could not. */
interface Running {
  connection: McpConnection;
  tools: McpTool[];
  skipped: string[];
}

/**
 * MCP servers as tool providers: stored (env and headers sealed), connected while enabled, and each of
 * their tools registered as `<server>__<tool>` while the server is ready, so calls pass the executor
 * and the approval gate like every tool. A server that fails or drops has its tools unregistered
 * (never half a list) and reconnects with backoff.
 */
@Injectable()
export class McpServersService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(McpServersService.name);
  private readonly running = new Map<string, Running>();
  /** Every configured server's name, by id (enabled or not, ready or not): groups may name their tools. */
  private readonly configured = new Map<string, string>();

  constructor(
    private readonly repository: McpServersRepository,
    private readonly secrets: SecretBox,
    private readonly registry: ToolRegistry,
    private readonly tools: ToolsService,
    private readonly guard: AddressGuard,
    private readonly screenshots: ScreenshotStore,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Starts the enabled servers without waiting for them: a slow server does not hold up the boot. */
  async onModuleInit(): Promise<void> {
    this.registry.addNameSource((name) => {
      for (const server of this.configured.values()) {
        const prefix = mcpToolName(server, '');
        if (name.startsWith(prefix) && name.length > prefix.length) return `a tool of the MCP server "${server}"`;
      }
      return null;
    });
    for (const server of await this.repository.list()) {
      this.configured.set(server.id, server.name);
      if (server.enabled) this.start(server);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  async list(): Promise<McpServerResponseDto[]> {
    return (await this.repository.list()).map((server) => this.toResponse(server));
  }

  async get(id: string): Promise<McpServerResponseDto> {
    return this.toResponse(await this.require(id));
  }

  async create(body: McpServerCreateDto): Promise<McpServerResponseDto> {
    this.checkTransport(body);
    if (await this.repository.findByName(body.name)) {
      throw new ConflictException(`An MCP server named "${body.name}" already exists`);
    }
    const now = this.clock.now();
    const server: McpServer = {
      id: randomUUID(),
      name: body.name,
      transport: body.transport,
      command: body.transport === 'stdio' ? body.command! : null,
      args: body.transport === 'stdio' ? (body.args ?? []) : [],
      envSealed: body.transport === 'stdio' ? this.seal(body.env ?? {}) : null,
      url: body.transport === 'http' ? body.url! : null,
      headersSealed: body.transport === 'http' ? this.seal(body.headers ?? {}) : null,
      enabled: body.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    };
    await this.repository.save(server);
    this.configured.set(server.id, server.name);
    this.logger.log({ mcpServer: server.name, transport: server.transport }, 'MCP server added');
    if (server.enabled) this.start(server);
    return this.toResponse(server);
  }

  async update(id: string, body: McpServerUpdateDto): Promise<McpServerResponseDto> {
    const current = await this.require(id);
    if (body.name !== undefined && body.name !== current.name) {
      const other = await this.repository.findByName(body.name);
      if (other) throw new ConflictException(`An MCP server named "${body.name}" already exists`);
    }
    const transport = body.transport ?? current.transport;
    const switched = transport !== current.transport;
    const merged = {
      transport,
      command: body.command ?? (switched ? undefined : (current.command ?? undefined)),
      url: body.url ?? (switched ? undefined : (current.url ?? undefined)),
    };
    this.checkTransport(merged);
    const server: McpServer = {
      ...current,
      name: body.name ?? current.name,
      transport,
      command: transport === 'stdio' ? merged.command! : null,
      args: transport === 'stdio' ? (body.args ?? (switched ? [] : current.args)) : [],
      envSealed:
        transport === 'stdio' ? (body.env ? this.seal(body.env) : switched ? this.seal({}) : current.envSealed) : null,
      url: transport === 'http' ? merged.url! : null,
      headersSealed:
        transport === 'http'
          ? body.headers
            ? this.seal(body.headers)
            : switched
              ? this.seal({})
              : current.headersSealed
          : null,
      enabled: body.enabled ?? current.enabled,
      updatedAt: this.clock.now(),
    };
    await this.repository.save(server);
    this.configured.set(server.id, server.name);
    this.logger.log({ mcpServer: server.name }, 'MCP server updated');
    // Any change restarts it: a new command, address, secret or name is a new connection.
    await this.stop(id);
    if (server.enabled) this.start(server);
    return this.toResponse(server);
  }

  async remove(id: string): Promise<void> {
    const server = await this.require(id);
    await this.stop(id);
    await this.repository.remove(id);
    this.configured.delete(id);
    this.logger.log({ mcpServer: server.name }, 'MCP server removed');
  }

  /** Reconnects (when not ready) or lists the tools again, and answers once that is done. */
  async refresh(id: string): Promise<McpServerResponseDto> {
    const server = await this.require(id);
    const running = this.running.get(id);
    if (!running) throw new ConflictException(`The MCP server "${server.name}" is disabled; enable it first`);
    await running.connection.refresh();
    return this.toResponse(server);
  }

  private start(server: McpServer): void {
    const spec: McpServerSpec = {
      id: server.id,
      name: server.name,
      transport: server.transport,
      command: server.command,
      args: server.args,
      env: this.open(server.envSealed),
      url: server.url,
      headers: this.open(server.headersSealed),
    };
    const running: Running = { connection: null!, tools: [], skipped: [] };
    running.connection = new McpConnection(
      spec,
      this.guard,
      {
        tools: (definitions, version) => this.registerTools(running, definitions, version),
        state: (state, error) => {
          if (state !== 'ready') this.unregisterTools(running);
          if (error) this.logger.warn({ mcpServer: server.name, state, error }, 'MCP server not ready');
          else this.logger.log({ mcpServer: server.name, state }, 'MCP server state');
          this.events.emit('mcp:server:state', {
            id: server.id,
            name: server.name,
            state,
            error,
            tools: state === 'ready' ? running.tools.length : 0,
          });
        },
      },
      this.config.version,
      this.config.mcpPingMs,
    );
    this.running.set(server.id, running);
    void running.connection.start();
  }

  private async stop(id: string): Promise<void> {
    const running = this.running.get(id);
    if (!running) return;
    this.running.delete(id);
    await running.connection.stop();
    this.unregisterTools(running);
  }

  /** Replaces the server's tools with this complete list, in one step. */
  private async registerTools(running: Running, definitions: McpToolDefinition[], version: string | undefined) {
    const server = running.connection.spec.name;
    const mine = new Set(running.tools.map((tool) => tool.name));
    const next: McpTool[] = [];
    const skipped: string[] = [];
    for (const definition of definitions) {
      const name = mcpToolName(server, definition.name);
      const existing = this.registry.get(name);
      if (!TOOL_NAME.test(name))
        skipped.push(
          `${definition.name}: "${name}" is not a valid tool name (64 characters at most, letters, digits, _ and -)`,
        );
      else if (existing && !mine.has(name)) skipped.push(`${definition.name}: "${name}" is taken by another tool`);
      else if (next.some((tool) => tool.name === name)) skipped.push(`${definition.name}: listed twice`);
      else next.push(new McpTool(server, definition, () => running.connection.ready, this.screenshots, version));
    }
    const fresh = next.filter((tool) => !mine.has(tool.name)).map((tool) => tool.name);
    await this.tools.restoreEnabled(fresh);
    const kept = new Set(next.map((tool) => tool.name));
    for (const tool of running.tools) if (!kept.has(tool.name)) this.registry.unregister(tool.name);
    for (const tool of next) {
      if (mine.has(tool.name)) this.registry.replace(tool);
      else this.registry.register(tool);
    }
    running.tools = next;
    running.skipped = skipped;
    if (running.connection.state === 'ready') {
      this.events.emit('mcp:server:state', {
        id: running.connection.spec.id,
        name: server,
        state: 'ready',
        error: null,
        tools: next.length,
      });
    }
    this.logger.log({ mcpServer: server, tools: next.length, skipped: skipped.length }, 'MCP server tools listed');
  }

  private unregisterTools(running: Running): void {
    for (const tool of running.tools) {
      // Kept disabled across reconnects: registry.unregister forgets the choice, the stored one is restored.
      this.registry.unregister(tool.name);
    }
    running.tools = [];
  }

  private checkTransport(body: { transport: string; command?: string | undefined; url?: string | undefined }): void {
    if (body.transport === 'stdio' && !body.command) {
      throw new BadRequestException('command is required for a stdio server');
    }
    if (body.transport === 'http' && !body.url) throw new BadRequestException('url is required for an http server');
  }

  private async require(id: string): Promise<McpServer> {
    const server = await this.repository.findById(id);
    if (!server) throw new NotFoundException(`MCP server "${id}" not found`);
    return server;
  }

  private seal(values: Record<string, string>): string {
    return this.secrets.encrypt(JSON.stringify(values));
  }

  private open(sealed: string | null): Record<string, string> {
    return sealed ? (JSON.parse(this.secrets.decrypt(sealed)) as Record<string, string>) : {};
  }

  private toResponse(server: McpServer): McpServerResponseDto {
    const running = this.running.get(server.id);
    const connection = running?.connection;
    return {
      id: server.id,
      name: server.name,
      transport: server.transport,
      command: server.command,
      args: server.args,
      envKeys: Object.keys(this.open(server.envSealed)),
      url: server.url,
      headerNames: Object.keys(this.open(server.headersSealed)),
      enabled: server.enabled,
      state: connection?.state ?? 'stopped',
      error: connection?.error ?? null,
      tools: (running?.tools ?? []).map((tool) => ({
        name: tool.name,
        serverToolName: tool.definition.name,
        description: tool.description,
        inputSchema: tool.inputSchema,
        readOnly: tool.readOnly,
        enabled: this.registry.isEnabled(tool.name),
      })),
      skippedTools: running?.skipped ?? [],
      createdAt: server.createdAt.toISOString(),
      updatedAt: server.updatedAt.toISOString(),
    };
  }
}

import { Injectable, inject, signal } from '@angular/core';
import {
  type McpServerCreateDto,
  type McpServerResponseDto,
  type McpServerUpdateDto,
  createMcpServer,
  deleteMcpServer,
  listMcpServers,
  refreshMcpServer,
  updateMcpServer,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../../core/api/api-client';
import { apiErrorMessage } from '../../core/api/api-error';
import { LocalEdits } from '../../core/state/local-edits';

/** The MCP servers panel's state: the servers, their state and tools, and the operator's changes. */
@Injectable()
export class McpServersStore {
  private readonly api = inject(API_CLIENT);

  private readonly list = signal<readonly McpServerResponseDto[]>([]);
  private readonly problem = signal<string | null>(null);
  private readonly edits = new LocalEdits();

  readonly servers = this.list.asReadonly();
  readonly error = this.problem.asReadonly();

  async load(): Promise<void> {
    const { data, error } = await this.edits.latest(() => listMcpServers({ client: this.api }));
    if (!data) {
      this.problem.set(apiErrorMessage(error, 'The MCP servers could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.list.set(data);
  }

  /** null when added, else the gateway's reason. */
  async create(body: McpServerCreateDto): Promise<string | null> {
    const { data, error } = await createMcpServer({ client: this.api, body });
    if (!data) return apiErrorMessage(error, 'The MCP server could not be added.');
    this.edits.note();
    this.list.update((servers) => [...servers, data].sort((a, b) => a.name.localeCompare(b.name)));
    return null;
  }

  async update(id: string, body: McpServerUpdateDto): Promise<string | null> {
    const { data, error } = await updateMcpServer({ client: this.api, path: { id }, body });
    if (!data) return apiErrorMessage(error, 'The MCP server could not be saved.');
    this.replace(data);
    return null;
  }

  async refresh(id: string): Promise<string | null> {
    const { data, error } = await refreshMcpServer({ client: this.api, path: { id } });
    if (!data) return apiErrorMessage(error, 'The MCP server could not be refreshed.');
    this.replace(data);
    return null;
  }

  async remove(id: string): Promise<string | null> {
    const { error, response } = await deleteMcpServer({ client: this.api, path: { id } });
    if (!response?.ok) return apiErrorMessage(error, 'The MCP server could not be removed.');
    this.edits.note();
    this.list.update((servers) => servers.filter((server) => server.id !== id));
    return null;
  }

  private replace(server: McpServerResponseDto): void {
    this.edits.note();
    this.list.update((servers) => servers.map((entry) => (entry.id === server.id ? server : entry)));
  }
}

import { Injectable, inject, signal } from '@angular/core';
import { type ToolResponseDto, listTools, updateTool } from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';

/** The tools page's state: every tool the gateway has, and the operator's on/off changes. Provided by the page. */
@Injectable()
export class ToolsStore {
  private readonly api = inject(API_CLIENT);

  private readonly list = signal<readonly ToolResponseDto[]>([]);
  private readonly problem = signal<string | null>(null);
  private readonly busy = signal(false);
  /** Names of the tools whose change is being saved. */
  private readonly savingNames = signal<ReadonlySet<string>>(new Set());

  readonly tools = this.list.asReadonly();
  readonly error = this.problem.asReadonly();
  readonly loading = this.busy.asReadonly();
  readonly saving = this.savingNames.asReadonly();

  async load(): Promise<void> {
    this.busy.set(true);
    const { data, error } = await listTools({ client: this.api });
    this.busy.set(false);
    if (!data) {
      this.problem.set(apiErrorMessage(error, 'The tools could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.list.set([...data].sort((a, b) => a.name.localeCompare(b.name)));
  }

  /** null when saved, else the gateway's reason. */
  async setEnabled(tool: ToolResponseDto, enabled: boolean): Promise<string | null> {
    this.savingNames.update((names) => new Set(names).add(tool.name));
    const { data, error } = await updateTool({ client: this.api, path: { name: tool.name }, body: { enabled } });
    this.savingNames.update((names) => {
      const next = new Set(names);
      next.delete(tool.name);
      return next;
    });
    if (!data) return apiErrorMessage(error, `${tool.name} could not be ${enabled ? 'enabled' : 'disabled'}.`);
    this.list.update((tools) => tools.map((t) => (t.name === data.name ? data : t)));
    return null;
  }
}

import { ChangeDetectionStrategy, Component, type OnDestroy, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatSlideToggle, type MatSlideToggleChange } from '@angular/material/slide-toggle';
import type { McpServerCreateDto, McpServerResponseDto } from '@loop-gateway/api-client';
import { Alert } from '../../core/ui/alert';
import { ConfirmDialog, type ConfirmDialogData } from '../../core/ui/confirm-dialog';
import { McpServersStore } from './mcp-servers.store';

/** The add/edit form as text the operator types; env and headers are `NAME=value` / `Name: value` lines. */
export interface McpServerDraft {
  name: string;
  transport: 'stdio' | 'http';
  command: string;
  args: string;
  env: string;
  url: string;
  headers: string;
}

const EMPTY: McpServerDraft = { name: '', transport: 'stdio', command: '', args: '', env: '', url: '', headers: '' };
/** While a server connects, the panel looks again this often. */
const POLL_MS = 2000;

/** `KEY=value` (or `Name: value`) lines as an object, or the first line that is not one. */
export function parsePairs(text: string, separator: '=' | ':'): Record<string, string> | string {
  const pairs: Record<string, string> = {};
  for (const line of text.split('\n').map((entry) => entry.trim())) {
    if (!line) continue;
    const at = line.indexOf(separator);
    if (at <= 0) return `"${line}" is not ${separator === '=' ? 'NAME=value' : 'Name: value'}`;
    pairs[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return pairs;
}

/**
 * The body a draft stands for. Secrets left blank on an edit are kept (they are write-only, so the form
 * never shows them); `editing` leaves out what must not change by accident.
 */
export function mcpDraftBody(draft: McpServerDraft, editing: boolean): McpServerCreateDto | string {
  const base = { name: draft.name.trim(), transport: draft.transport };
  if (draft.transport === 'stdio') {
    const env = parsePairs(draft.env, '=');
    if (typeof env === 'string') return `Environment: ${env}`;
    const args = draft.args
      .split('\n')
      .map((arg) => arg.trim())
      .filter(Boolean);
    return { ...base, command: draft.command.trim(), args, ...(editing && !draft.env.trim() ? {} : { env }) };
  }
  const headers = parsePairs(draft.headers, ':');
  if (typeof headers === 'string') return `Headers: ${headers}`;
  return { ...base, url: draft.url.trim(), ...(editing && !draft.headers.trim() ? {} : { headers }) };
}

/** MCP servers on the Skills page: add, edit, state, the tools each offers, refresh, remove. */
@Component({
  selector: 'lg-mcp-servers-panel',
  imports: [Alert, MatButton, MatCard, MatCardContent, MatSlideToggle],
  providers: [McpServersStore],
  templateUrl: './mcp-servers-panel.html',
  styleUrls: ['../skills-panel.scss', './mcp-servers-panel.scss'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class McpServersPanel implements OnDestroy {
  private readonly store = inject(McpServersStore);
  private readonly dialog = inject(MatDialog);
  private timer: ReturnType<typeof setTimeout> | undefined;

  protected readonly servers = this.store.servers;
  protected readonly error = this.store.error;
  protected readonly actionError = signal<string | null>(null);
  /** The open form: null when closed; id null for a new server. */
  protected readonly editing = signal<{ id: string | null } | null>(null);
  protected readonly draft = signal<McpServerDraft>(EMPTY);
  protected readonly formError = signal<string | null>(null);
  protected readonly saving = signal(false);

  constructor() {
    void this.poll();
  }

  ngOnDestroy(): void {
    clearTimeout(this.timer);
  }

  /** Loads, and loads again while a server is still connecting. */
  private async poll(): Promise<void> {
    await this.store.load();
    clearTimeout(this.timer);
    if (this.servers().some((server) => server.state === 'connecting')) {
      this.timer = setTimeout(() => void this.poll(), POLL_MS);
    }
  }

  protected add(): void {
    this.draft.set(EMPTY);
    this.formError.set(null);
    this.editing.set({ id: null });
  }

  protected edit(server: McpServerResponseDto): void {
    this.draft.set({
      name: server.name,
      transport: server.transport,
      command: server.command ?? '',
      args: server.args.join('\n'),
      env: '',
      url: server.url ?? '',
      headers: '',
    });
    this.formError.set(null);
    this.editing.set({ id: server.id });
  }

  protected set(field: keyof McpServerDraft, value: string): void {
    this.draft.update((draft) => ({ ...draft, [field]: value }));
  }

  protected cancel(): void {
    this.editing.set(null);
  }

  protected async save(): Promise<void> {
    const editing = this.editing();
    if (!editing) return;
    const body = mcpDraftBody(this.draft(), editing.id !== null);
    if (typeof body === 'string') {
      this.formError.set(body);
      return;
    }
    this.saving.set(true);
    const problem = editing.id ? await this.store.update(editing.id, body) : await this.store.create(body);
    this.saving.set(false);
    this.formError.set(problem);
    if (problem) return;
    this.editing.set(null);
    void this.poll();
  }

  protected async setEnabled(server: McpServerResponseDto, change: MatSlideToggleChange): Promise<void> {
    this.actionError.set(await this.store.update(server.id, { enabled: change.checked }));
    void this.poll();
  }

  protected async refresh(server: McpServerResponseDto): Promise<void> {
    this.actionError.set(await this.store.refresh(server.id));
  }

  protected remove(server: McpServerResponseDto): void {
    this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: `Remove ${server.name}?`,
        message: `The server is stopped and agents can no longer call its tools.`,
        confirmLabel: 'Remove',
        action: () => this.store.remove(server.id),
      },
    });
  }
}

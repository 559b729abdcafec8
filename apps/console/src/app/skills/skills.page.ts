import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatSlideToggle, type MatSlideToggleChange } from '@angular/material/slide-toggle';
import type { SkillCreateDto, SkillResponseDto, SkillTryResponseDto } from '@loop-gateway/api-client';
import { Alert } from '../core/ui/alert';
import { ConfirmDialog, type ConfirmDialogData } from '../core/ui/confirm-dialog';
import { PageHeader } from '../core/ui/page-header';
import { RefreshButton } from '../core/ui/refresh-button';
import { RiskChip } from '../tools/risk-chip';
import { AgentSkillsPanel } from './agent-skills/agent-skills-panel';
import { McpServersPanel } from './mcp-servers/mcp-servers-panel';
import { SkillsStore } from './skills.store';
import { IfAdmin, injectCanChange } from '../core/session/if-admin';

/** The install/edit form's fields, as text the operator types. */
export interface SkillDraft {
  name: string;
  description: string;
  version: string;
  riskLevel: 'low' | 'medium' | 'high';
  timeoutMs: string;
  fetchHosts: string;
  inputSchema: string;
  handler: string;
}

const EXAMPLE: SkillDraft = {
  name: 'my-tool',
  description: 'Does something useful',
  version: '1.0.0',
  riskLevel: 'medium',
  timeoutMs: '5000',
  fetchHosts: '',
  inputSchema: JSON.stringify({ type: 'object', properties: { query: { type: 'string' } } }, null, 2),
  handler: 'module.exports = async ({ query }) => ({ result: query.toUpperCase() });',
};

/** The install body a draft stands for, or the reason it cannot be one (the gateway checks the rest). */
export function draftBody(draft: SkillDraft): SkillCreateDto | string {
  let inputSchema: unknown;
  try {
    inputSchema = JSON.parse(draft.inputSchema);
  } catch {
    return 'The input schema is not valid JSON.';
  }
  const hosts = draft.fetchHosts
    .split(/[\s,]+/)
    .map((host) => host.trim())
    .filter(Boolean);
  return {
    manifest: {
      name: draft.name.trim(),
      description: draft.description,
      version: draft.version.trim(),
      inputSchema: inputSchema as Record<string, unknown>,
      riskLevel: draft.riskLevel,
      ...(draft.timeoutMs.trim() ? { timeoutMs: Number(draft.timeoutMs) } : {}),
      ...(hosts.length ? { permissions: { fetch: hosts } } : {}),
    },
    handler: draft.handler,
  };
}

function draftOf(skill: SkillResponseDto): SkillDraft {
  return {
    name: skill.name,
    description: skill.description,
    version: skill.version,
    riskLevel: skill.riskLevel,
    timeoutMs: skill.timeoutMs === null ? '' : String(skill.timeoutMs),
    fetchHosts: skill.permissions.fetch.join(', '),
    inputSchema: JSON.stringify(skill.inputSchema, null, 2),
    handler: skill.handler ?? '',
  };
}

/**
 * Skills: every tool agents can use, built-in tools and custom skills, in one list (the old Tools page
 * redirects here). Built-ins are toggled; custom skills are also installed, edited, tried and deleted.
 */
@Component({
  selector: 'lg-skills-page',
  imports: [
    IfAdmin,
    Alert,
    DatePipe,
    MatButton,
    MatCard,
    MatCardContent,
    MatProgressBar,
    McpServersPanel,
    AgentSkillsPanel,
    MatSlideToggle,
    PageHeader,
    RefreshButton,
    RiskChip,
  ],
  providers: [SkillsStore],
  templateUrl: './skills.page.html',
  styleUrl: './skills.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SkillsPage {
  /** Viewers see the switches, off. */
  protected readonly canChange = injectCanChange();
  private readonly store = inject(SkillsStore);
  private readonly dialog = inject(MatDialog);

  protected readonly skills = this.store.skills;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly savingSwitches = this.store.saving;
  protected readonly actionError = signal<string | null>(null);

  /** The open form: a new skill, or the name of the skill being edited; null when closed. */
  protected readonly editing = signal<{ name: string | null } | null>(null);
  protected readonly draft = signal<SkillDraft>(EXAMPLE);
  /** Pasting `{manifest, handler}` JSON instead of filling the fields. */
  protected readonly jsonMode = signal(false);
  protected readonly json = signal('');
  protected readonly formError = signal<string | null>(null);
  protected readonly saving = signal(false);

  protected readonly trying = signal<string | null>(null);
  protected readonly tryInput = signal('{}');
  protected readonly tryResult = signal<SkillTryResponseDto | null>(null);
  protected readonly tryError = signal<string | null>(null);
  /** The open skill's stored tries, newest first (the one just run included). */
  protected readonly tries = signal<readonly SkillTryResponseDto[]>([]);

  constructor() {
    void this.store.load();
  }

  protected refresh(): void {
    this.actionError.set(null);
    void this.store.load();
  }

  protected newSkill(): void {
    this.draft.set(EXAMPLE);
    this.json.set(JSON.stringify(draftBody(EXAMPLE), null, 2));
    this.formError.set(null);
    this.editing.set({ name: null });
  }

  protected edit(skill: SkillResponseDto): void {
    this.draft.set(draftOf(skill));
    this.jsonMode.set(false);
    this.formError.set(null);
    this.editing.set({ name: skill.name });
  }

  protected cancel(): void {
    this.editing.set(null);
  }

  protected set(field: keyof SkillDraft, event: Event): void {
    const value = (event.target as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement).value;
    this.draft.update((draft) => ({ ...draft, [field]: value }));
  }

  protected setJson(event: Event): void {
    this.json.set((event.target as HTMLTextAreaElement).value);
  }

  /** Tab in the code editor indents instead of leaving the field. */
  protected indent(event: KeyboardEvent, field: 'handler' | 'inputSchema'): void {
    if (event.key !== 'Tab' || event.shiftKey) return;
    event.preventDefault();
    const area = event.target as HTMLTextAreaElement;
    area.setRangeText('  ', area.selectionStart, area.selectionEnd, 'end');
    this.draft.update((draft) => ({ ...draft, [field]: area.value }));
  }

  protected async save(): Promise<void> {
    const editing = this.editing();
    if (!editing) return;
    let body: SkillCreateDto | string;
    if (this.jsonMode() && editing.name === null) {
      try {
        body = JSON.parse(this.json()) as SkillCreateDto;
      } catch {
        body = 'The pasted text is not valid JSON.';
      }
    } else {
      body = draftBody(this.draft());
    }
    if (typeof body === 'string') {
      this.formError.set(body);
      return;
    }
    this.saving.set(true);
    let problem: string | null;
    if (editing.name === null) {
      problem = await this.store.install(body);
    } else {
      const { name: _name, ...manifest } = body.manifest;
      problem = await this.store.update(editing.name, { manifest, handler: body.handler });
    }
    this.saving.set(false);
    this.formError.set(problem);
    if (!problem) this.editing.set(null);
  }

  protected async toggle(skill: SkillResponseDto, change: MatSlideToggleChange): Promise<void> {
    this.actionError.set(null);
    const problem = await this.store.setEnabled(skill.name, change.checked);
    if (problem) {
      change.source.checked = skill.enabled;
      this.actionError.set(problem);
    }
  }

  protected remove(skill: SkillResponseDto): void {
    this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: `Delete ${skill.name}?`,
        message: `The skill's files are removed and agents can no longer call it. This cannot be undone.`,
        confirmLabel: 'Delete',
        action: () => this.store.remove(skill.name),
      },
    });
  }

  protected async openTry(skill: SkillResponseDto): Promise<void> {
    const open = this.trying() !== skill.name;
    this.trying.set(open ? skill.name : null);
    this.tryInput.set(sampleInput(skill));
    this.tryResult.set(null);
    this.tryError.set(null);
    this.tries.set([]);
    if (!open) return;
    const tries = await this.store.tries(skill.name);
    if (this.trying() !== skill.name) return; // closed or switched meanwhile
    if (typeof tries === 'string') this.tryError.set(tries);
    else this.tries.update((shown) => [...shown, ...tries.filter((t) => !shown.some((s) => s.id === t.id))]);
  }

  protected setTryInput(event: Event): void {
    this.tryInput.set((event.target as HTMLTextAreaElement).value);
  }

  protected async runTry(skill: SkillResponseDto): Promise<void> {
    this.tryResult.set(null);
    this.tryError.set(null);
    let input: unknown;
    try {
      input = JSON.parse(this.tryInput());
    } catch {
      this.tryError.set('The sample input is not valid JSON.');
      return;
    }
    const result = await this.store.try(skill.name, input as Record<string, unknown>);
    if (typeof result === 'string') this.tryError.set(result);
    else {
      this.tryResult.set(result);
      this.tries.update((shown) => [result, ...shown]);
    }
  }

  protected schema(skill: SkillResponseDto): string {
    return JSON.stringify(skill.inputSchema, null, 2);
  }

  protected inputText(value: unknown): string {
    return JSON.stringify(value);
  }

  protected approvalLabel(skill: SkillResponseDto): string {
    if (!skill.requiresApproval) return 'Not needed';
    return skill.approvalDefault.charAt(0).toUpperCase() + skill.approvalDefault.slice(1);
  }
}

/** A sample input with an empty value of each property's type. */
function sampleInput(skill: SkillResponseDto): string {
  const properties = (skill.inputSchema['properties'] ?? {}) as Record<string, { type?: string }>;
  const sample: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(properties)) {
    sample[name] =
      schema.type === 'number' || schema.type === 'integer'
        ? 0
        : schema.type === 'boolean'
          ? false
          : schema.type === 'array'
            ? []
            : schema.type === 'object'
              ? {}
              : '';
  }
  return JSON.stringify(sample);
}

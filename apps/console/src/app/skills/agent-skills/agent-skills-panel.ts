import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatSlideToggle, type MatSlideToggleChange } from '@angular/material/slide-toggle';
import type { AgentSkillDetailDto, AgentSkillResponseDto, AgentSkillUploadDto } from '@loop-gateway/api-client';
import { Alert } from '../../core/ui/alert';
import { ConfirmDialog, type ConfirmDialogData } from '../../core/ui/confirm-dialog';
import { AgentSkillsStore } from './agent-skills.store';

/** A file the operator picked, as the browser gives it (a zip, or one file of a picked folder). */
export interface PickedFile {
  name: string;
  /** The path inside the picked folder, starting with the folder's name (`webkitRelativePath`); empty for a single file. */
  relativePath: string;
  bytes: Uint8Array;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

/**
 * The upload body for what was picked: one zip → `archive`; a folder (or several files) → `files`, with
 * paths relative to the picked folder. A string: why it cannot be uploaded.
 */
export function uploadBody(picked: PickedFile[]): AgentSkillUploadDto | string {
  if (picked.length === 0) return 'Pick a zip file or a skill folder.';
  if (picked.length === 1 && picked[0]!.name.toLowerCase().endsWith('.zip')) {
    return { archive: base64(picked[0]!.bytes) };
  }
  const files = picked.map((file) => {
    const path = file.relativePath ? file.relativePath.split('/').slice(1).join('/') : file.name;
    return { path, content: base64(file.bytes), encoding: 'base64' as const };
  });
  if (!files.some((file) => file.path === 'SKILL.md')) return 'The folder has no SKILL.md at its top.';
  return { files };
}

/** Agent Skills on the Skills page: upload (a zip or a folder), the list with errors, toggle, view, delete. */
@Component({
  selector: 'lg-agent-skills-panel',
  imports: [Alert, MatButton, MatCard, MatCardContent, MatSlideToggle],
  providers: [AgentSkillsStore],
  templateUrl: './agent-skills-panel.html',
  styleUrls: ['../skills-panel.scss', './agent-skills-panel.scss'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgentSkillsPanel {
  private readonly store = inject(AgentSkillsStore);
  private readonly dialog = inject(MatDialog);

  protected readonly skills = this.store.skills;
  protected readonly error = this.store.error;
  protected readonly actionError = signal<string | null>(null);
  protected readonly uploading = signal(false);
  protected readonly uploaded = signal<string | null>(null);
  /** The skill shown with its instructions, or null. */
  protected readonly viewing = signal<AgentSkillDetailDto | null>(null);

  constructor() {
    void this.store.load();
  }

  protected reload(): void {
    void this.store.load();
  }

  protected async upload(input: HTMLInputElement): Promise<void> {
    const picked = await Promise.all(
      [...(input.files ?? [])].map(async (file) => ({
        name: file.name,
        relativePath: file.webkitRelativePath,
        bytes: new Uint8Array(await file.arrayBuffer()),
      })),
    );
    input.value = '';
    const body = uploadBody(picked);
    this.uploaded.set(null);
    if (typeof body === 'string') {
      this.actionError.set(body);
      return;
    }
    this.uploading.set(true);
    const problem = await this.store.install(body);
    this.uploading.set(false);
    this.actionError.set(problem);
    if (!problem) this.uploaded.set('Installed.');
  }

  protected async setEnabled(skill: AgentSkillResponseDto, change: MatSlideToggleChange): Promise<void> {
    const problem = await this.store.toggle(skill.name, change.checked);
    this.actionError.set(problem);
    if (problem) change.source.checked = skill.enabled;
  }

  protected async view(skill: AgentSkillResponseDto): Promise<void> {
    if (this.viewing()?.name === skill.name) {
      this.viewing.set(null);
      return;
    }
    const detail = await this.store.detail(skill.name);
    if (typeof detail === 'string') this.actionError.set(detail);
    else this.viewing.set(detail);
  }

  protected remove(skill: AgentSkillResponseDto): void {
    this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: `Delete ${skill.name}?`,
        message: `Its folder is deleted from the gateway and agents no longer see it.`,
        confirmLabel: 'Delete',
        action: async () => {
          const problem = await this.store.remove(skill.name);
          if (!problem && this.viewing()?.name === skill.name) this.viewing.set(null);
          return problem;
        },
      },
    });
  }

  protected size(bytes: number): string {
    return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
  }
}

import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatCard, MatCardContent } from '@angular/material/card';
import { MatProgressBar } from '@angular/material/progress-bar';
import { MatSlideToggle, type MatSlideToggleChange } from '@angular/material/slide-toggle';
import type { ToolResponseDto } from '@loop-gateway/api-client';
import { Alert } from '../core/ui/alert';
import { PageHeader } from '../core/ui/page-header';
import { RefreshButton } from '../core/ui/refresh-button';
import { RiskChip } from './risk-chip';
import { ToolsStore } from './tools.store';

/** Which calls of a tool wait for a person's approval by default, as the table says it. */
export function approvalLabel(tool: ToolResponseDto): string {
  if (!tool.acts) return 'Not needed';
  return tool.approvalDefault.charAt(0).toUpperCase() + tool.approvalDefault.slice(1);
}

/** Tools: what agents can do, how risky each tool is, and which ones are offered to the model. */
@Component({
  selector: 'lg-tools-page',
  imports: [Alert, MatCard, MatCardContent, MatProgressBar, MatSlideToggle, PageHeader, RefreshButton, RiskChip],
  providers: [ToolsStore],
  templateUrl: './tools.page.html',
  styleUrl: './tools.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ToolsPage {
  private readonly store = inject(ToolsStore);

  protected readonly tools = this.store.tools;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly saving = this.store.saving;
  /** Why the last change failed. */
  protected readonly actionError = signal<string | null>(null);
  protected readonly approvalLabel = approvalLabel;

  constructor() {
    void this.store.load();
  }

  protected refresh(): void {
    this.actionError.set(null);
    void this.store.load();
  }

  protected async toggle(tool: ToolResponseDto, change: MatSlideToggleChange): Promise<void> {
    this.actionError.set(null);
    const problem = await this.store.setEnabled(tool, change.checked);
    if (problem) {
      change.source.checked = tool.enabled; // the switch goes back to what the gateway has
      this.actionError.set(problem);
    }
  }

  protected schema(tool: ToolResponseDto): string {
    return JSON.stringify(tool.inputSchema, null, 2);
  }
}

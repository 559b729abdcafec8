import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { type AgentGroupResponseDto, listAgentGroups } from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { PageHeader } from '../core/ui/page-header';
import { RecentRuns } from './recent-runs';
import { RecentRunsStore } from './recent-runs.store';
import { TestChat } from './test-chat';

/** Runs: a test chat to try the agent, and the recent runs from every entry point, live. */
@Component({
  selector: 'lg-runs-page',
  imports: [MatButton, PageHeader, RecentRuns, RouterLink, TestChat],
  providers: [RecentRunsStore],
  template: `
    <lg-page-header heading="Runs" lead="Try an agent group, and follow every run as it happens.">
      <a mat-stroked-button routerLink="/runs/conversations" data-testid="runs-conversations">Conversations</a>
    </lg-page-header>
    <div class="stack">
      <lg-test-chat [groups]="groups()" />
      <lg-recent-runs [groups]="groups()" />
    </div>
  `,
  styles: `
    .stack {
      display: flex;
      flex-direction: column;
      gap: 24px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RunsPage {
  private readonly api = inject(API_CLIENT);
  protected readonly groups = signal<readonly AgentGroupResponseDto[]>([]);

  constructor() {
    void this.loadGroups();
  }

  /** For the group picker and the group names in the list; the page works without them. */
  private async loadGroups(): Promise<void> {
    const { data } = await listAgentGroups({ client: this.api });
    if (data) this.groups.set(data);
  }
}

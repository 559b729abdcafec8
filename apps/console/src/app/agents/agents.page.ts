import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatCard, MatCardContent, MatCardHeader, MatCardTitle } from '@angular/material/card';
import { MatProgressBar } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { AgentResponseDto } from '@loop-gateway/api-client';
import { duration, shortId } from '../activity/event-summary';
import { Alert } from '../core/ui/alert';
import { PageHeader } from '../core/ui/page-header';
import { RefreshButton } from '../core/ui/refresh-button';
import { RunStatusChip } from '../runs/run-status';
import { agentLabel, agentTrees, flatten } from './agent-tree';
import { AgentsStore } from './agents.store';

/**
 * Agents: the trees of agents of recent runs (who delegated to whom) with role, status and tokens,
 * live; the messages of one A2A conversation in order; and the roles sub-agents work as.
 */
@Component({
  selector: 'lg-agents-page',
  imports: [
    Alert,
    DatePipe,
    DecimalPipe,
    MatButton,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardTitle,
    MatProgressBar,
    PageHeader,
    RefreshButton,
    RouterLink,
    RunStatusChip,
  ],
  providers: [AgentsStore],
  templateUrl: './agents.page.html',
  styleUrl: './agents.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgentsPage {
  private readonly store = inject(AgentsStore);

  protected readonly stats = this.store.stats;
  protected readonly roles = this.store.roles;
  protected readonly error = this.store.error;
  protected readonly loading = this.store.loading;
  protected readonly conversationId = this.store.conversationId;
  protected readonly messages = this.store.messages;
  protected readonly trees = computed(() => agentTrees(this.store.agents()).map((tree) => flatten(tree)));
  private readonly byId = computed(() => new Map(this.store.agents().map((agent) => [agent.id, agent])));

  protected readonly shortId = shortId;
  protected readonly duration = duration;
  protected readonly agentLabel = agentLabel;

  protected refresh(): void {
    void this.store.load();
  }

  protected open(agent: AgentResponseDto): void {
    void this.store.open(this.conversationId() === agent.a2aConversationId ? null : agent.a2aConversationId);
  }

  /** An agent of the open conversation by id, as "Researcher 1a2b3c4d". */
  protected who(id: string): string {
    return `${agentLabel(this.byId().get(id))} ${shortId(id)}`;
  }
}

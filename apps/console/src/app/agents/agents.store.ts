import { Injectable, inject, signal } from '@angular/core';
import {
  type A2aMessageResponseDto,
  type AgentRoleDto,
  type AgentStatsDto,
  type AgentResponseDto,
  getA2aConversation,
  listAgents,
} from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { followGateway } from '../core/realtime/follow-gateway';

const AGENT_EVENTS = new Set<string>([
  'agent:spawned',
  'agent:finished',
  'a2a:message',
  'agent:run:start',
  'agent:run:complete',
  'agent:run:error',
  'agent:run:cancelled',
  'approval:required',
  'approval:resolved',
]);

/**
 * The agents page's state: recent agents, stats, roles, and the messages of the A2A conversation the
 * operator opened; fetched again when agents spawn, message each other or their runs change.
 * Provided by the page.
 */
@Injectable()
export class AgentsStore {
  private readonly api = inject(API_CLIENT);

  private readonly list = signal<readonly AgentResponseDto[]>([]);
  private readonly statsValue = signal<AgentStatsDto | null>(null);
  private readonly roleList = signal<readonly AgentRoleDto[]>([]);
  private readonly selected = signal<string | null>(null);
  private readonly thread = signal<readonly A2aMessageResponseDto[]>([]);
  private readonly problem = signal<string | null>(null);
  private readonly busy = signal(false);
  private reloading: Promise<void> | null = null;
  private again = false;

  readonly agents = this.list.asReadonly();
  readonly stats = this.statsValue.asReadonly();
  readonly roles = this.roleList.asReadonly();
  /** The open A2A conversation (its top-level agent's id) and its messages, in order. */
  readonly conversationId = this.selected.asReadonly();
  readonly messages = this.thread.asReadonly();
  readonly error = this.problem.asReadonly();
  readonly loading = this.busy.asReadonly();

  constructor() {
    followGateway(
      () => this.load(),
      (event) => this.receive(event),
    );
  }

  async load(): Promise<void> {
    this.busy.set(true);
    const { data, error } = await listAgents({ client: this.api, query: { limit: 200 } });
    const conversationId = this.selected();
    if (conversationId) await this.loadConversation(conversationId);
    this.busy.set(false);
    if (!data) {
      this.problem.set(apiErrorMessage(error, 'The agents could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.list.set(data.agents);
    this.statsValue.set(data.stats);
    this.roleList.set(data.roles);
  }

  async open(conversationId: string | null): Promise<void> {
    this.selected.set(conversationId);
    this.thread.set([]);
    if (conversationId) await this.loadConversation(conversationId);
  }

  private async loadConversation(id: string): Promise<void> {
    const { data, error } = await getA2aConversation({ client: this.api, path: { id } });
    if (this.selected() !== id) return;
    if (data) this.thread.set(data);
    else this.problem.set(apiErrorMessage(error, 'The conversation could not be loaded.'));
  }

  /** A burst of events (a delegation sends several) costs one reload at a time, plus one after it. */
  private receive(event: GatewayEvent): void {
    if (!AGENT_EVENTS.has(event.event)) return;
    if (this.reloading) {
      this.again = true;
      return;
    }
    this.reloading = this.load().finally(() => {
      this.reloading = null;
      if (this.again) {
        this.again = false;
        this.receive(event);
      }
    });
  }
}

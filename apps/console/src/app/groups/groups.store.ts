import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import {
  type AgentGroupResponseDto,
  type GroupStatsResponseDto,
  deleteAgentGroup,
  getAgentGroupStats,
  listAgentGroups,
  listChannels,
  updateAgentGroup,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { LocalEdits } from '../core/state/local-edits';

/** Default group first, then by name. */
function sorted(groups: readonly AgentGroupResponseDto[]): AgentGroupResponseDto[] {
  return [...groups].sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
}

/**
 * The agent groups page's state: the groups, their usage stats (budget bars), and the changes an
 * operator makes. Stats are fetched again when a run finishes. Provided by the page.
 */
@Injectable()
export class GroupsStore {
  private readonly api = inject(API_CLIENT);

  private readonly list = signal<readonly AgentGroupResponseDto[]>([]);
  private readonly statsById = signal<ReadonlyMap<string, GroupStatsResponseDto>>(new Map());
  private readonly channelNames = signal<ReadonlyMap<string, string>>(new Map());
  private readonly problem = signal<string | null>(null);
  private readonly busy = signal(false);
  private statsTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly edits = new LocalEdits();

  readonly groups = this.list.asReadonly();
  readonly stats = this.statsById.asReadonly();
  /** Channel id → name, so a group card names its channels. */
  readonly channels = this.channelNames.asReadonly();
  readonly error = this.problem.asReadonly();
  readonly loading = this.busy.asReadonly();

  constructor() {
    const subscription = inject(GatewaySocket).events.subscribe((event) => {
      if (event.event === 'agent:run:complete' || event.event === 'agent:run:error') this.refreshStatsSoon();
    });
    inject(DestroyRef).onDestroy(() => {
      subscription.unsubscribe();
      if (this.statsTimer) clearTimeout(this.statsTimer);
    });
  }

  async load(): Promise<void> {
    this.busy.set(true);
    // A group created while this list was on its way would be dropped by it: fetched again then.
    const [{ data, error }, channels] = await this.edits.latest(() =>
      Promise.all([listAgentGroups({ client: this.api }), listChannels({ client: this.api })]),
    );
    this.busy.set(false);
    if (channels.data) this.channelNames.set(new Map(channels.data.map((channel) => [channel.id, channel.name])));
    if (!data) {
      this.problem.set(apiErrorMessage(error, 'The agent groups could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.list.set(sorted(data));
    await this.refreshStats();
  }

  /** A created or edited group (making one the default un-defaults the others). */
  async saved(group: AgentGroupResponseDto): Promise<void> {
    if (group.isDefault) {
      await this.load();
      return;
    }
    this.edits.note();
    this.list.update((groups) => sorted([...groups.filter((g) => g.id !== group.id), group]));
    await this.refreshStats([group]);
  }

  /** null when done, else the gateway's reason. */
  async makeDefault(group: AgentGroupResponseDto): Promise<string | null> {
    const { data, error } = await updateAgentGroup({
      client: this.api,
      path: { id: group.id },
      body: { isDefault: true },
    });
    if (!data) return apiErrorMessage(error, 'The group could not be made the default.');
    await this.load();
    return null;
  }

  /** null when deleted, else the gateway's reason (the default group cannot be deleted). */
  async remove(group: AgentGroupResponseDto): Promise<string | null> {
    const { error, response } = await deleteAgentGroup({ client: this.api, path: { id: group.id } });
    if (!response?.ok) return apiErrorMessage(error, 'The group could not be deleted.');
    this.edits.note();
    this.list.update((groups) => groups.filter((g) => g.id !== group.id));
    this.statsById.update((stats) => {
      const next = new Map(stats);
      next.delete(group.id);
      return next;
    });
    return null;
  }

  private refreshStatsSoon(): void {
    if (this.statsTimer) return;
    this.statsTimer = setTimeout(() => {
      this.statsTimer = null;
      void this.refreshStats();
    }, 1000);
  }

  private async refreshStats(groups: readonly AgentGroupResponseDto[] = this.list()): Promise<void> {
    const answers = await Promise.all(
      groups.map((group) => getAgentGroupStats({ client: this.api, path: { id: group.id } })),
    );
    this.statsById.update((stats) => {
      const next = new Map(stats);
      for (const { data } of answers) if (data) next.set(data.groupId, data);
      return next;
    });
  }
}

import { Injectable, inject, signal } from '@angular/core';
import {
  type AgentGroupResponseDto,
  type ChannelMessageResponseDto,
  type ChannelResponseDto,
  deleteChannel,
  listAgentGroups,
  listChannelMessages,
  listChannels,
  pairChannel,
  testChannel,
  updateChannel,
} from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { LocalEdits } from '../core/state/local-edits';
import { followGateway } from '../core/realtime/follow-gateway';

export interface ChannelTestOutcome {
  ok: boolean;
  message: string;
}

const byName = (a: ChannelResponseDto, b: ChannelResponseDto) => a.name.localeCompare(b.name);

/**
 * The channels page's state: channels with their live state (patched from `channel:status` events),
 * the agent groups to pick from, and the recent messages of the channels whose history is open
 * (refreshed on `message:incoming` / `message:reply`).
 */
@Injectable()
export class ChannelsStore {
  private readonly api = inject(API_CLIENT);

  private readonly list = signal<readonly ChannelResponseDto[]>([]);
  private readonly groupList = signal<readonly AgentGroupResponseDto[]>([]);
  private readonly messagesByChannel = signal<ReadonlyMap<string, readonly ChannelMessageResponseDto[]>>(new Map());
  private readonly problem = signal<string | null>(null);
  private readonly busy = signal(false);
  private readonly edits = new LocalEdits();

  readonly channels = this.list.asReadonly();
  readonly groups = this.groupList.asReadonly();
  readonly messages = this.messagesByChannel.asReadonly();
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
    const [channels, groups] = await Promise.all([
      this.edits.latest(() => listChannels({ client: this.api })),
      listAgentGroups({ client: this.api }),
    ]);
    this.busy.set(false);
    if (!channels.data) {
      this.problem.set(apiErrorMessage(channels.error, 'The channels could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.list.set([...channels.data].sort(byName));
    this.groupList.set(groups.data ?? []);
    await Promise.all([...this.messagesByChannel().keys()].map((id) => this.loadMessages(id)));
  }

  receive(event: GatewayEvent): void {
    if (event.event === 'channel:status') {
      const { channelId, state, error, qr, retryAt } = event.payload;
      const known = this.list().find((c) => c.id === channelId);
      this.list.update((all) =>
        all.map((c) => (c.id === channelId ? { ...c, state, error, qr: qr ?? null, retryAt: retryAt ?? null } : c)),
      );
      // A channel the list does not know yet (created elsewhere), or one that just connected an
      // account the list cannot name yet: fetch the list again.
      if (!known || (state === 'connected' && !known.account)) void this.load();
    } else if (event.event === 'message:incoming' || event.event === 'message:reply') {
      const { channelId } = event.payload;
      if (this.messagesByChannel().has(channelId)) void this.loadMessages(channelId);
    }
  }

  /** A channel the dialog created or changed. */
  saved(channel: ChannelResponseDto): void {
    this.edits.note();
    this.list.update((all) => [...all.filter((c) => c.id !== channel.id), channel].sort(byName));
  }

  groupName(id: string | null): string {
    if (!id) return `${this.groupList().find((g) => g.isDefault)?.name ?? 'Default'} (default)`;
    return this.groupList().find((g) => g.id === id)?.name ?? 'Unknown group';
  }

  async setEnabled(channel: ChannelResponseDto, enabled: boolean): Promise<string | null> {
    const { data, error } = await updateChannel({ client: this.api, path: { id: channel.id }, body: { enabled } });
    if (!data) return apiErrorMessage(error, 'The channel could not be changed.');
    this.saved(data);
    return null;
  }

  /** Checks the channel's connection (the gateway asks the platform); the outcome as a sentence. */
  async test(channel: ChannelResponseDto): Promise<ChannelTestOutcome> {
    const { data, error } = await testChannel({ client: this.api, path: { id: channel.id } });
    if (!data) return { ok: false, message: apiErrorMessage(error, 'The connection could not be tested.') };
    return { ok: data.ok, message: data.message };
  }

  /** Forgets a WhatsApp channel's session and restarts it, so it shows a new QR code to scan. */
  async pair(channel: ChannelResponseDto): Promise<string | null> {
    const { data, error } = await pairChannel({ client: this.api, path: { id: channel.id } });
    if (!data) return apiErrorMessage(error, 'The channel could not be paired again.');
    this.saved(data);
    return null;
  }

  async remove(channel: ChannelResponseDto): Promise<string | null> {
    const { error, response } = await deleteChannel({ client: this.api, path: { id: channel.id } });
    if (!response?.ok) return apiErrorMessage(error, 'The channel could not be deleted.');
    this.edits.note();
    this.list.update((all) => all.filter((c) => c.id !== channel.id));
    this.messagesByChannel.update((map) => {
      const next = new Map(map);
      next.delete(channel.id);
      return next;
    });
    return null;
  }

  /** Opens a channel's recent messages (fetching them), or closes them. */
  async toggleMessages(channelId: string): Promise<void> {
    if (this.messagesByChannel().has(channelId)) {
      this.messagesByChannel.update((map) => {
        const next = new Map(map);
        next.delete(channelId);
        return next;
      });
      return;
    }
    this.messagesByChannel.update((map) => new Map(map).set(channelId, []));
    await this.loadMessages(channelId);
  }

  private async loadMessages(channelId: string): Promise<void> {
    const { data } = await listChannelMessages({ client: this.api, path: { id: channelId }, query: { limit: 20 } });
    if (!data || !this.messagesByChannel().has(channelId)) return;
    this.messagesByChannel.update((map) => new Map(map).set(channelId, data));
  }
}

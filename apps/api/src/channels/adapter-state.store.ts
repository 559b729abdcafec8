import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { SecretBox } from '../crypto/secret-box.js';
import { Transactions } from '../database/transactions.js';
import type { AdapterStore } from './adapters/channel-adapter.js';
import { ChannelAdapterStateEntry } from './entities/channel-adapter-state.entity.js';

/**
 * The durable, encrypted key-value store each adapter gets for its channel (AdapterContext.store).
 * Values are sealed with SecretBox: a WhatsApp session is as good as a password.
 */
@Injectable()
export class AdapterStateStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly secrets: SecretBox,
  ) {}

  forChannel(channelId: string): AdapterStore {
    return {
      get: async (key) => (await this.getMany(channelId, [key]))[key] ?? null,
      getMany: (keys) => this.getMany(channelId, keys),
      set: (key, value) => this.setMany(channelId, { [key]: value }),
      setMany: (entries) => this.setMany(channelId, entries),
      clear: () => this.clear(channelId),
    };
  }

  /** Forgets everything the channel's adapter kept (e.g. to pair WhatsApp again). */
  async clear(channelId: string): Promise<void> {
    await this.dataSource.getRepository(ChannelAdapterStateEntry).delete({ channelId });
  }

  private async getMany(channelId: string, keys: string[]): Promise<Record<string, string | null>> {
    const found: Record<string, string | null> = Object.fromEntries(keys.map((key) => [key, null]));
    if (keys.length === 0) return found;
    const rows = await this.dataSource.getRepository(ChannelAdapterStateEntry).findBy({ channelId, key: In(keys) });
    for (const row of rows) found[row.key] = this.secrets.decrypt(row.valueSealed);
    return found;
  }

  /** Writes all entries in one transaction; a null value deletes its key. */
  private async setMany(channelId: string, entries: Record<string, string | null>): Promise<void> {
    const keys = Object.keys(entries);
    if (keys.length === 0) return;
    const updatedAt = new Date();
    await this.transactions.run(async (manager) => {
      const repository = manager.getRepository(ChannelAdapterStateEntry);
      const removed = keys.filter((key) => entries[key] === null);
      if (removed.length > 0) await repository.delete({ channelId, key: In(removed) });
      const rows = keys
        .filter((key) => entries[key] !== null)
        .map((key) => ({ channelId, key, valueSealed: this.secrets.encrypt(entries[key] as string), updatedAt }));
      if (rows.length > 0) await repository.upsert(rows, ['channelId', 'key']);
    });
  }
}

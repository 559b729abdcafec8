import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MoreThanOrEqual } from 'typeorm';
import type { RunOrigin } from '@loop-gateway/contracts';
import { Setting } from '../auth/entities/setting.entity.js';
import { ModelCall } from './entities/model-call.entity.js';

export interface TokenTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  calls: number;
}

const PRICES_KEY = 'usage.prices';

/** One model call with what usage is broken down by. */
export interface BreakdownCall extends TokenTotals {
  model: string;
  groupId: string | null;
  groupName: string | null;
  origin: RunOrigin;
  channelName: string | null;
}

/** All SQL for model calls (usage) and the operator's price table. */
@Injectable()
export class UsageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get calls() {
    return this.dataSource.getRepository(ModelCall);
  }

  async record(call: ModelCall): Promise<void> {
    await this.calls.insert(call);
  }

  /** Input (cached or not) + output tokens a group used since an instant (one indexed query). */
  async groupTokensSince(groupId: string, since: Date): Promise<number> {
    const row = await this.calls
      .createQueryBuilder('c')
      .select(
        'COALESCE(SUM(c.input_tokens + c.cache_creation_tokens + c.cache_read_tokens + c.output_tokens), 0)',
        'tokens',
      )
      .where('c.group_id = :groupId AND c.created_at >= :since', { groupId, since })
      .getRawOne<{ tokens: string | number }>();
    return Number(row?.tokens ?? 0);
  }

  /** Totals per model since an instant (all time when null). */
  async totalsByModel(since: Date | null, groupId?: string): Promise<(TokenTotals & { model: string })[]> {
    const query = this.calls
      .createQueryBuilder('c')
      .select('c.model', 'model')
      .addSelect('COALESCE(SUM(c.input_tokens), 0)', 'inputTokens')
      .addSelect('COALESCE(SUM(c.output_tokens), 0)', 'outputTokens')
      .addSelect('COALESCE(SUM(c.cache_creation_tokens), 0)', 'cacheCreationTokens')
      .addSelect('COALESCE(SUM(c.cache_read_tokens), 0)', 'cacheReadTokens')
      .addSelect('COUNT(*)', 'calls')
      .groupBy('c.model')
      .orderBy('c.model');
    if (since) query.andWhere('c.created_at >= :since', { since });
    if (groupId) query.andWhere('c.group_id = :groupId', { groupId });
    const rows = await query.getRawMany<Record<string, string | number>>();
    return rows.map((row) => ({
      model: String(row.model),
      inputTokens: Number(row.inputTokens),
      outputTokens: Number(row.outputTokens),
      cacheCreationTokens: Number(row.cacheCreationTokens),
      cacheReadTokens: Number(row.cacheReadTokens),
      calls: Number(row.calls),
    }));
  }

  /**
   * Calls in [since, until) with what they are broken down by: the run's origin (JSON), the group's
   * name and the channel's name (null when deleted since). One query; SQLite and PostgreSQL alike.
   */
  async callsForBreakdown(since: Date, until: Date): Promise<BreakdownCall[]> {
    const rows = await this.calls
      .createQueryBuilder('c')
      .leftJoin('runs', 'r', 'r.id = c.run_id')
      .leftJoin('agent_groups', 'g', 'g.id = c.group_id')
      .select('c.model', 'model')
      .addSelect('c.group_id', 'groupId')
      .addSelect('g.name', 'groupName')
      .addSelect('r.origin', 'origin')
      .addSelect('c.input_tokens', 'inputTokens')
      .addSelect('c.output_tokens', 'outputTokens')
      .addSelect('c.cache_creation_tokens', 'cacheCreationTokens')
      .addSelect('c.cache_read_tokens', 'cacheReadTokens')
      .where('c.created_at >= :since AND c.created_at < :until', { since, until })
      .getRawMany<Record<string, string | number | null>>();
    const channelNames = new Map(
      (await this.dataSource.query<{ id: string; name: string }[]>('SELECT id, name FROM channels')).map((c) => [
        c.id,
        c.name,
      ]),
    );
    return rows.map((row) => {
      const origin = (row.origin ? JSON.parse(String(row.origin)) : { kind: 'api' }) as RunOrigin;
      return {
        model: String(row.model),
        groupId: row.groupId === null ? null : String(row.groupId),
        groupName: row.groupName === null ? null : String(row.groupName),
        origin,
        channelName: origin.channelId ? (channelNames.get(origin.channelId) ?? null) : null,
        inputTokens: Number(row.inputTokens),
        outputTokens: Number(row.outputTokens),
        cacheCreationTokens: Number(row.cacheCreationTokens),
        cacheReadTokens: Number(row.cacheReadTokens),
        calls: 1,
      };
    });
  }

  /** Calls since an instant, oldest first, for grouping into local days. */
  callsSince(since: Date): Promise<ModelCall[]> {
    return this.calls.find({ where: { createdAt: MoreThanOrEqual(since) }, order: { createdAt: 'ASC' } });
  }

  recentCalls(limit: number): Promise<ModelCall[]> {
    return this.calls.find({ order: { createdAt: 'DESC' }, take: limit });
  }

  async readPrices(): Promise<string | null> {
    return (await this.dataSource.getRepository(Setting).findOneBy({ key: PRICES_KEY }))?.value ?? null;
  }

  async writePrices(json: string, at: Date): Promise<void> {
    await this.dataSource.getRepository(Setting).save({ key: PRICES_KEY, value: json, updatedAt: at });
  }
}

import { BadRequestException, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { originKey } from '../common/origin-key.js';
import { AppConfig } from '../config/app-config.js';
import type {
  BreakdownDimension,
  DailyUsageDto,
  UsageBreakdownQueryDto,
  UsageBreakdownResponseDto,
  UsageBreakdownRowDto,
  ModelCallResponseDto,
  ModelUsageDto,
  UsageSummaryResponseDto,
  UsageTotalsDto,
} from './dto/usage.dto.js';
import type { ModelCall } from './entities/model-call.entity.js';
import { DEFAULT_PRICES, type ModelPrice, cacheSavingsOf, costOf, priceFor } from './prices.js';
import { localDate, startOfLocalDay, windowStarts, zonedParts } from './time-windows.js';
import { type BreakdownCall, type TokenTotals, UsageRepository } from './usage.repository.js';

const PRICE_FIELDS = ['input', 'output', 'cacheWrite', 'cacheRead'] as const;

@Injectable()
export class UsageService {
  private prices: Record<string, ModelPrice> | null = null;

  constructor(
    private readonly usage: UsageRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async summary(): Promise<UsageSummaryResponseDto> {
    const { dayStart, monthStart } = windowStarts(this.clock.now(), this.config.timezone);
    const prices = await this.priceTable();
    const [today, month, total] = await Promise.all(
      [dayStart, monthStart, null].map((since) => this.usage.totalsByModel(since)),
    );
    return {
      timezone: this.config.timezone,
      today: sum(today, prices),
      month: sum(month, prices),
      total: sum(total, prices),
      unpricedModels: total.filter((row) => !priceFor(row.model, prices)).map((row) => row.model),
    };
  }

  async daily(days: number): Promise<DailyUsageDto[]> {
    const now = this.clock.now();
    const p = zonedParts(now, this.config.timezone);
    const first = new Date(Date.UTC(p.year, p.month - 1, p.day - (days - 1)));
    const since = startOfLocalDay(
      first.getUTCFullYear(),
      first.getUTCMonth() + 1,
      first.getUTCDate(),
      this.config.timezone,
    );
    const prices = await this.priceTable();
    const byDay = new Map<string, DailyUsageDto>();
    for (let i = 0; i < days; i++) {
      const date = localDate(
        new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate() + i, 12)),
        'UTC',
      );
      byDay.set(date, { date, ...sum([], prices) });
    }
    for (const call of await this.usage.callsSince(since)) {
      const day = byDay.get(localDate(call.createdAt, this.config.timezone));
      if (day) add(day, call, prices);
    }
    return [...byDay.values()];
  }

  async byModel(days: number | undefined): Promise<ModelUsageDto[]> {
    const since = days ? new Date(this.clock.now().getTime() - days * 86_400_000) : null;
    const prices = await this.priceTable();
    return (await this.usage.totalsByModel(since)).map((row) => ({
      ...row,
      costUsd: costOf(row.model, row, prices) ?? 0,
      cacheSavedUsd: cacheSavingsOf(row.model, row, prices) ?? 0,
      priced: priceFor(row.model, prices) !== null,
    }));
  }

  async recentCalls(limit: number): Promise<ModelCallResponseDto[]> {
    const prices = await this.priceTable();
    return (await this.usage.recentCalls(limit)).map((call) => ({
      ...call,
      costUsd: costOf(call.model, call, prices),
      cacheSavedUsd: cacheSavingsOf(call.model, call, prices),
      createdAt: call.createdAt.toISOString(),
    }));
  }

  /** Usage per origin, group, channel or role over local days [from, to] (default: the last 30 days). */
  async breakdown(query: UsageBreakdownQueryDto): Promise<UsageBreakdownResponseDto> {
    const tz = this.config.timezone;
    const by = query.by ?? 'origin';
    const to = query.to ?? localDate(this.clock.now(), tz);
    const from = query.from ?? shiftDays(to, -29);
    if (from > to) throw new BadRequestException(`from (${from}) must not be after to (${to})`);
    if (shiftDays(from, 366) <= to) throw new BadRequestException('from and to may be at most 366 days apart');
    const since = startOfDay(from, tz);
    const until = startOfDay(shiftDays(to, 1), tz);
    const prices = await this.priceTable();
    const rows = new Map<string, UsageBreakdownRowDto>();
    for (const call of await this.usage.callsForBreakdown(since, until)) {
      const row = breakdownRow(by, call);
      if (!row) continue;
      const totals = rows.get(row.key) ?? { ...row, ...sum([], prices) };
      add(totals, call, prices);
      rows.set(row.key, totals);
    }
    const sorted = [...rows.values()].sort((a, b) => b.costUsd - a.costUsd || b.calls - a.calls);
    return { by, from, to, timezone: tz, rows: sorted };
  }

  async priceTable(): Promise<Record<string, ModelPrice>> {
    if (!this.prices) {
      const stored = await this.usage.readPrices();
      this.prices = stored ? (JSON.parse(stored) as Record<string, ModelPrice>) : DEFAULT_PRICES;
    }
    return this.prices;
  }

  async setPriceTable(prices: Record<string, unknown>): Promise<Record<string, ModelPrice>> {
    const checked = validatePrices(prices);
    await this.usage.writePrices(JSON.stringify(checked), this.clock.now());
    this.prices = checked;
    return checked;
  }

  /** Estimated cost of a group's calls since an instant. */
  async groupCostSince(groupId: string, since: Date): Promise<number> {
    return sum(await this.usage.totalsByModel(since, groupId), await this.priceTable()).costUsd;
  }

  /** Tokens a group used today and this month (for its stats page and budget display). */
  async groupUsage(groupId: string): Promise<{ today: number; month: number }> {
    const { dayStart, monthStart } = windowStarts(this.clock.now(), this.config.timezone);
    const [today, month] = await Promise.all([
      this.usage.groupTokensSince(groupId, dayStart),
      this.usage.groupTokensSince(groupId, monthStart),
    ]);
    return { today, month };
  }
}

function validatePrices(prices: Record<string, unknown>): Record<string, ModelPrice> {
  const checked: Record<string, ModelPrice> = {};
  for (const [prefix, value] of Object.entries(prices)) {
    if (!/^[\w.:-]{1,100}$/.test(prefix)) throw new BadRequestException(`prices: "${prefix}" is not a model id prefix`);
    const entry = value as Record<string, unknown> | null;
    for (const field of PRICE_FIELDS) {
      const price = entry?.[field];
      if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
        throw new BadRequestException(
          `prices.${prefix}.${field} must be a number of US dollars per million tokens (>= 0)`,
        );
      }
    }
    const extra = Object.keys(entry ?? {}).filter((key) => !(PRICE_FIELDS as readonly string[]).includes(key));
    if (extra.length) throw new BadRequestException(`prices.${prefix}.${extra[0]} is not a price field`);
    checked[prefix] = {
      input: entry!.input as number,
      output: entry!.output as number,
      cacheWrite: entry!.cacheWrite as number,
      cacheRead: entry!.cacheRead as number,
    };
  }
  return checked;
}

function sum(rows: (TokenTotals & { model: string })[], prices: Record<string, ModelPrice>): UsageTotalsDto {
  const totals: UsageTotalsDto = {
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    costUsd: 0,
    cacheSavedUsd: 0,
  };
  for (const row of rows) {
    totals.calls += row.calls;
    totals.inputTokens += row.inputTokens;
    totals.outputTokens += row.outputTokens;
    totals.cacheCreationTokens += row.cacheCreationTokens;
    totals.cacheReadTokens += row.cacheReadTokens;
    totals.costUsd += costOf(row.model, row, prices) ?? 0;
    totals.cacheSavedUsd += cacheSavingsOf(row.model, row, prices) ?? 0;
  }
  totals.costUsd = dollars(totals.costUsd);
  totals.cacheSavedUsd = dollars(totals.cacheSavedUsd);
  return totals;
}

function add(
  totals: UsageTotalsDto,
  call: Omit<ModelCall, 'id' | 'runId' | 'groupId' | 'channelType' | 'status' | 'error' | 'durationMs' | 'createdAt'>,
  prices: Record<string, ModelPrice>,
): void {
  totals.calls += 1;
  totals.inputTokens += call.inputTokens;
  totals.outputTokens += call.outputTokens;
  totals.cacheCreationTokens += call.cacheCreationTokens;
  totals.cacheReadTokens += call.cacheReadTokens;
  totals.costUsd = dollars(totals.costUsd + (costOf(call.model, call, prices) ?? 0));
  totals.cacheSavedUsd = dollars(totals.cacheSavedUsd + (cacheSavingsOf(call.model, call, prices) ?? 0));
}

const ORIGIN_LABELS: Record<string, string> = {
  console: 'Console',
  api: 'API',
  webhook: 'Webhook',
  scheduler: 'Scheduler',
  task: 'Loop task',
  a2a: 'Agent to agent',
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  email: 'Email',
  mattermost: 'Mattermost',
};

/** The row of calls by agents without a role (not sub-agents): a key no role name can be. */
export const TOP_LEVEL_ROLE_KEY = '(top-level)';

/** The row a call belongs to, or null when it has none under this dimension (not from a channel). */
function breakdownRow(by: BreakdownDimension, call: BreakdownCall): { key: string; label: string } | null {
  if (by === 'role') {
    const role = call.origin.kind === 'a2a' ? call.origin.role : undefined;
    return role ? { key: role, label: role } : { key: TOP_LEVEL_ROLE_KEY, label: 'Top-level agent' };
  }
  if (by === 'origin') {
    const key = originKey(call.origin);
    return { key, label: ORIGIN_LABELS[key] ?? key };
  }
  if (by === 'group') {
    if (!call.groupId) return { key: 'none', label: 'No group' };
    return { key: call.groupId, label: call.groupName ?? 'Deleted group' };
  }
  const channelId = call.origin.channelId;
  if (!channelId) return null;
  const type = ORIGIN_LABELS[call.origin.channelType ?? ''] ?? 'Channel';
  return { key: channelId, label: call.channelName ? `${call.channelName} (${type})` : `Deleted ${type} channel` };
}

/** A local date (YYYY-MM-DD) moved by whole days. */
function shiftDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

function startOfDay(date: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return startOfLocalDay(year, month, day, timeZone);
}

/** Rounded to a millionth of a dollar. */
function dollars(value: number): number {
  return Math.round(value * 1_000_000) / 1_000_000;
}

import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { EventBus } from '../events/event-bus.js';
import type { AgentGroup } from '../groups/entities/agent-group.entity.js';
import { readableDate, windowStarts } from './time-windows.js';
import { UsageRepository } from './usage.repository.js';

export type BudgetGroup = Pick<AgentGroup, 'id' | 'name' | 'budgetMaxTokensDay' | 'budgetMaxTokensMonth'>;

export interface Reservation {
  groupId: string;
  tokens: number;
}

interface InFlight {
  calls: number;
  reserved: number;
}

/**
 * Token budgets per group, enforced before every model call. A call reserves its worst case
 * (estimated input + max_tokens) while it runs; it may start only if used + reservations fit the cap,
 * or — so work can finish — when it is the only call in flight and the cap is not yet reached. That
 * bounds overspending to one call's worth however many runs are concurrent. Windows follow TIMEZONE.
 */
@Injectable()
export class BudgetService {
  private readonly inFlight = new Map<string, InFlight>();

  constructor(
    private readonly usage: UsageRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly bus: EventBus,
  ) {}

  /**
   * After a model call spent `tokens`: emits `budget:threshold` for each budget this call took past
   * 80 % or 100 % (the higher line only, when one call crosses both). Crossing is judged from the
   * stored totals before and after the call, so a restart neither repeats nor loses a warning.
   */
  async noticeSpend(group: BudgetGroup, tokens: number): Promise<void> {
    if (tokens <= 0 || (!group.budgetMaxTokensDay && !group.budgetMaxTokensMonth)) return;
    const { dayStart, monthStart } = windowStarts(this.clock.now(), this.config.timezone);
    const budgets = [
      ['day', group.budgetMaxTokensDay, dayStart],
      ['month', group.budgetMaxTokensMonth, monthStart],
    ] as const;
    for (const [period, cap, since] of budgets) {
      if (!cap) continue;
      const used = await this.usage.groupTokensSince(group.id, since);
      const before = used - tokens;
      const percent = ([100, 80] as const).find((line) => before < (cap * line) / 100 && used >= (cap * line) / 100);
      if (percent) {
        this.bus.emit('budget:threshold', {
          groupId: group.id,
          groupName: group.name,
          period,
          percent,
          usedTokens: used,
          budgetTokens: cap,
        });
      }
    }
  }

  /** Why the group may not spend more right now, or null. */
  async refusal(group: BudgetGroup, extraTokens = 0): Promise<string | null> {
    if (!group.budgetMaxTokensDay && !group.budgetMaxTokensMonth) return null;
    const zone = this.config.timezone;
    const { dayStart, monthStart, nextDayStart, nextMonthStart } = windowStarts(this.clock.now(), zone);
    const resets = (at: Date) => `it resets at 00:00 on ${readableDate(at, zone)} (${zone})`;
    const checks: [number | null, Date, string][] = [
      [
        group.budgetMaxTokensDay,
        dayStart,
        `daily token budget (${group.budgetMaxTokensDay}) is used up; ${resets(nextDayStart)}`,
      ],
      [
        group.budgetMaxTokensMonth,
        monthStart,
        `monthly token budget (${group.budgetMaxTokensMonth}) is used up; ${resets(nextMonthStart)}`,
      ],
    ];
    for (const [cap, since, reason] of checks) {
      if (!cap) continue;
      const used = await this.usage.groupTokensSince(group.id, since);
      if (used + extraTokens >= cap) return `Agent group "${group.name}": ${reason}`;
    }
    return null;
  }

  /** Reserves room for one model call, or returns the reason it may not start. */
  async reserve(group: BudgetGroup, worstCaseTokens: number): Promise<Reservation | { refused: string }> {
    const state = this.inFlight.get(group.id) ?? { calls: 0, reserved: 0 };
    // The check and the reservation happen without an await in between for concurrent callers of
    // this group: reserve first, then check including what others have reserved.
    state.calls++;
    state.reserved += worstCaseTokens;
    this.inFlight.set(group.id, state);
    const reservation = { groupId: group.id, tokens: worstCaseTokens };
    const othersReserved = state.reserved - worstCaseTokens;
    const alone = state.calls === 1;
    const fits = (await this.refusal(group, othersReserved + worstCaseTokens)) === null;
    if (fits) return reservation;
    const stillSpendable = alone ? await this.refusal(group, othersReserved) : 'other calls are using the rest';
    if (alone && stillSpendable === null) return reservation;
    this.release(reservation);
    return { refused: (await this.refusal(group)) ?? `Agent group "${group.name}": token budget is used up` };
  }

  release(reservation: Reservation): void {
    const state = this.inFlight.get(reservation.groupId);
    if (!state) return;
    state.calls--;
    state.reserved -= reservation.tokens;
    if (state.calls <= 0) this.inFlight.delete(reservation.groupId);
  }
}

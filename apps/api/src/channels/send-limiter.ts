import { sleep } from '../common/sleep.js';

/** At most `limit` sends per `windowMs` for one key (a chat, a group, the whole bot). */
export interface LimitRule {
  key: string;
  limit: number;
  windowMs: number;
}

export interface LimiterTimer {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realTimer: LimiterTimer = { now: () => Date.now(), sleep };

/**
 * A small per-key rate limiter queue for outgoing messages. Each send reserves the earliest moment
 * at which every rule it is under still has room (sliding windows), then waits for it; reservations
 * are made synchronously, so concurrent senders never overshoot. One chat waiting for its slot does
 * not hold up another chat. At most `maxPending` sends wait at once; beyond that `schedule` throws.
 */
export class SendLimiter {
  private readonly slots = new Map<string, number[]>();
  private pending = 0;

  constructor(
    private readonly maxPending = 1000,
    private readonly timer: LimiterTimer = realTimer,
  ) {}

  async schedule<T>(rules: LimitRule[], task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.pending >= this.maxPending) throw new Error('Too many messages are waiting to be sent');
    const at = this.reserve(rules);
    this.pending++;
    try {
      await this.timer.sleep(at - this.timer.now(), signal);
      return await task();
    } finally {
      this.pending--;
    }
  }

  /** The moment reserved (ms); exposed for tests. */
  reserve(rules: LimitRule[]): number {
    const now = this.timer.now();
    for (const rule of rules) this.prune(rule, now);
    let at = now;
    // Each round either accepts `at` or moves it to a later moment where a slot frees up; it ends
    // because beyond the last reservation + window every rule has room.
    for (let round = 0; round < 10_000; round++) {
      const later = this.firstConflict(rules, at);
      if (later === null) break;
      at = later;
    }
    for (const rule of rules) insertSorted(this.slotsOf(rule.key), at);
    return at;
  }

  /**
   * null when a send at `at` keeps every rule within its limit, else a later moment to try. With a
   * limit of L, `at` conflicts when it and L neighbouring reservations fit in less than one window;
   * nothing before that group's first send + window can work, so that is the next moment to try.
   */
  private firstConflict(rules: LimitRule[], at: number): number | null {
    let next: number | null = null;
    for (const rule of rules) {
      const times = this.slotsOf(rule.key);
      const before = times.filter((t) => t <= at && t > at - rule.windowMs);
      const after = times.filter((t) => t > at && t < at + rule.windowMs);
      for (let j = 0; j <= rule.limit; j++) {
        const k = rule.limit - j;
        if (j > before.length || k > after.length) continue;
        const group = [...before.slice(before.length - j), ...after.slice(0, k)];
        const first = Math.min(at, group[0] ?? at);
        const last = Math.max(at, group[group.length - 1] ?? at);
        if (last - first < rule.windowMs) {
          const candidate = first + rule.windowMs;
          next = next === null ? candidate : Math.min(next, candidate);
        }
      }
    }
    return next;
  }

  private prune(rule: LimitRule, now: number): void {
    const times = this.slotsOf(rule.key);
    while (times.length > 0 && times[0]! <= now - rule.windowMs) times.shift();
    if (times.length === 0) this.slots.delete(rule.key);
  }

  private slotsOf(key: string): number[] {
    let times = this.slots.get(key);
    if (!times) this.slots.set(key, (times = []));
    return times;
  }
}

function insertSorted(times: number[], value: number): void {
  let i = times.length;
  while (i > 0 && times[i - 1]! > value) i--;
  times.splice(i, 0, value);
}

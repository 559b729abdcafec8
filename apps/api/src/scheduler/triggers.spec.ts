import { nextFiring, triggerProblem } from './triggers.js';

describe('job triggers', () => {
  const at = (iso: string) => new Date(iso);

  it('fires cron jobs at local time across daylight-saving changes', () => {
    const trigger = { type: 'cron' as const, cron: '0 9 * * *', timezone: 'Europe/Berlin' };
    // Berlin moves from UTC+1 to UTC+2 on 2026-03-29 and back on 2026-10-25.
    expect(nextFiring(trigger, at('2026-03-28T09:00:00Z'))).toEqual(at('2026-03-29T07:00:00Z'));
    expect(nextFiring(trigger, at('2026-03-27T12:00:00Z'))).toEqual(at('2026-03-28T08:00:00Z'));
    expect(nextFiring(trigger, at('2026-10-24T12:00:00Z'))).toEqual(at('2026-10-25T08:00:00Z'));
  });

  it('fires a job once at 02:30 on the night the clocks skip it, and once on the night they repeat it', () => {
    const trigger = { type: 'cron' as const, cron: '30 2 * * *', timezone: 'Europe/Berlin' };
    const spring = nextFiring(trigger, at('2026-03-28T12:00:00Z'))!;
    expect(nextFiring(trigger, spring)!.getTime() - spring.getTime()).toBeGreaterThan(20 * 3600_000);
    const autumn = nextFiring(trigger, at('2026-10-24T12:00:00Z'))!;
    expect(nextFiring(trigger, autumn)!.getTime() - autumn.getTime()).toBeGreaterThan(20 * 3600_000);
  });

  it('fires one-off jobs once and interval jobs every so often', () => {
    const once = { type: 'once' as const, at: '2026-05-01T10:00:00.000Z' };
    expect(nextFiring(once, at('2026-04-30T00:00:00Z'))).toEqual(at('2026-05-01T10:00:00Z'));
    expect(nextFiring(once, at('2026-05-01T10:00:00Z'))).toBeNull();
    expect(nextFiring({ type: 'interval', everySeconds: 90 }, at('2026-05-01T10:00:00Z'))).toEqual(
      at('2026-05-01T10:01:30Z'),
    );
  });

  it('names what is wrong with a trigger', () => {
    const now = at('2026-05-01T10:00:00Z');
    expect(triggerProblem({ type: 'cron', cron: '0 9 * * *', timezone: 'Nowhere/Town' }, now)).toMatch(
      /^trigger\.timezone: "Nowhere\/Town" is not an IANA time zone$/,
    );
    expect(triggerProblem({ type: 'cron', cron: '0 25 * * *', timezone: 'UTC' }, now)).toMatch(/^trigger\.cron: /);
    expect(triggerProblem({ type: 'once', at: '2026-05-01T09:59:59.000Z' }, now)).toBe(
      'trigger.at must be in the future',
    );
    expect(triggerProblem({ type: 'interval', everySeconds: 5 }, now)).toMatch(/at least 10/);
    expect(triggerProblem({ type: 'cron', cron: '0 9 * * 1-5', timezone: 'America/New_York' }, now)).toBeNull();
  });
});

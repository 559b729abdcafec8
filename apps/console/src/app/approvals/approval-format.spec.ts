import { describe, expect, it } from 'vitest';
import { decisionLabel, exfiltrationNote, spellSeconds, timeLeft } from './approval-format';

describe('approval formatting', () => {
  it('spells spans of time to the precision a person needs', () => {
    expect(spellSeconds(0)).toBe('0 s');
    expect(spellSeconds(45.4)).toBe('45 s');
    expect(spellSeconds(900)).toBe('15 min');
    expect(spellSeconds(845)).toBe('14 min 5 s');
    expect(spellSeconds(9000)).toBe('2 h 30 min');
    expect(spellSeconds(604_800)).toBe('7 d');
    expect(spellSeconds(273_600)).toBe('3 d 4 h');
  });

  it('says how long a held call has left and what happens then', () => {
    const now = Date.parse('2026-01-01T12:00:00.000Z');
    expect(timeLeft({ expiresAt: '2026-01-01T12:14:05.000Z', timeoutAction: 'reject' }, now)).toBe(
      'Rejected automatically in 14 min 5 s',
    );
    expect(timeLeft({ expiresAt: '2026-01-01T12:00:00.400Z', timeoutAction: 'approve' }, now)).toBe(
      'Approved automatically in 1 s',
    );
    expect(timeLeft({ expiresAt: '2026-01-01T11:59:59.000Z', timeoutAction: 'reject' }, now)).toBe(
      'Time is up: being rejected automatically',
    );
  });

  it('names who decided, or what the timeout did', () => {
    expect(decisionLabel({ status: 'approved', decidedBy: 'admin', timeoutAction: 'reject' })).toBe(
      'Approved by admin',
    );
    expect(decisionLabel({ status: 'rejected', decidedBy: 'ops', timeoutAction: 'reject' })).toBe('Rejected by ops');
    expect(decisionLabel({ status: 'timed_out', decidedBy: null, timeoutAction: 'approve' })).toBe(
      'Timed out: approved automatically',
    );
    expect(decisionLabel({ status: 'pending', decidedBy: null, timeoutAction: 'reject' })).toBe('Waiting for approval');
  });

  it('says what the exfiltration guard holds in each mode', () => {
    expect(exfiltrationNote('strict', [])).toBe(
      'Always, http_request and web_browse calls to hosts that are not trusted destinations are held, whatever the rules below say (trusted destinations: none besides the groups’ own).',
    );
    expect(exfiltrationNote('off', ['a.example'])).toMatch(/^The exfiltration guard is off/);
  });
});

import { describe, expect, it } from 'vitest';
import { canCancel, canRetry, filtersFromParams, filtersToParams, filtersToQuery, isFiltered } from './run-filters';

describe('run filters', () => {
  it('reads the filters from the URL, leaving blank ones out', () => {
    expect(
      filtersFromParams({
        status: 'failed',
        origin: '',
        q: '  zebra  ',
        groupId: null,
        from: '2026-12-01T08:00',
        x: 'y',
      }),
    ).toEqual({ status: 'failed', q: 'zebra', from: '2026-12-01T08:00' });
    expect(filtersFromParams({})).toEqual({});
  });

  it('writes every filter key to the URL, null for the unset ones so navigating removes them', () => {
    expect(filtersToParams({ origin: 'telegram', q: ' ' })).toEqual({
      status: null,
      origin: 'telegram',
      groupId: null,
      channelId: null,
      from: null,
      to: null,
      q: null,
    });
  });

  it('says whether any filter is set', () => {
    expect(isFiltered({})).toBe(false);
    expect(isFiltered({ q: '' })).toBe(false);
    expect(isFiltered({ channelId: 'c' })).toBe(true);
  });

  it('sends times as ISO instants, and an unreadable one as it is for the gateway to name', () => {
    const local = '2026-12-01T08:30';
    expect(filtersToQuery({ from: local, to: 'soon', status: 'completed', q: 'x' })).toEqual({
      from: new Date(local).toISOString(),
      to: 'soon',
      status: 'completed',
      q: 'x',
    });
    expect(filtersToQuery({})).toEqual({});
  });

  it('offers Retry for ended runs except a sub-agent’s, and Cancel for unfinished ones', () => {
    for (const status of ['completed', 'failed', 'refused', 'cancelled']) {
      expect(canRetry({ status, origin: { kind: 'api' } })).toBe(true);
      expect(canCancel({ status })).toBe(false);
    }
    expect(canRetry({ status: 'failed', origin: { kind: 'a2a' } })).toBe(false);
    for (const status of ['queued', 'running', 'waiting']) {
      expect(canRetry({ status, origin: { kind: 'api' } })).toBe(false);
      expect(canCancel({ status })).toBe(true);
    }
  });
});

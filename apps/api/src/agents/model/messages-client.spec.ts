import { describe, expect, it } from '@jest/globals';
import { retryDelayMs } from './messages-client.js';
import { SseParser } from './sse-parser.js';

// The parts of the model client that need no peer; the client itself is tested against the local
// Claude in apps/api/test/anthropic-provider.int-spec.ts.

function parse(chunks: Buffer[]): [string, string][] {
  const events: [string, string][] = [];
  const parser = new SseParser((event, data) => events.push([event, data]));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('SseParser', () => {
  const stream =
    'event: message_start\ndata: {"type":"message_start"}\n\n' +
    ': a comment\n' +
    'event: content_block_delta\r\ndata: {"text":"Grüße, 東京 🐍"}\r\n\r\n' +
    'data: first line\ndata:second line\nid: 7\n\n' +
    'event: ping\ndata: {"type": "ping"}\n\n' +
    'event: half\ndata: never finished';
  const expected: [string, string][] = [
    ['message_start', '{"type":"message_start"}'],
    ['content_block_delta', '{"text":"Grüße, 東京 🐍"}'],
    ['message', 'first line\nsecond line'],
    ['ping', '{"type": "ping"}'],
  ];

  it('reads events, CRLF lines, multi-line data and comments; drops an unfinished event', () => {
    expect(parse([Buffer.from(stream)])).toEqual(expected);
  });

  it('gives the same events however the bytes are cut, inside UTF-8 characters too', () => {
    const bytes = Buffer.from(stream);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected);
    }
    expect(parse([...bytes].map((byte) => Buffer.from([byte])))).toEqual(expected);
  });
});

describe('retryDelayMs', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');

  it('waits what the server asks: retry-after-ms first, then retry-after in seconds or as a date', () => {
    expect(retryDelayMs({ 'retry-after-ms': '1500', 'retry-after': '9' }, 0, now)).toBe(1500);
    expect(retryDelayMs({ 'retry-after': '2' }, 0, now)).toBe(2000);
    expect(retryDelayMs({ 'retry-after': '0.25' }, 3, now)).toBe(250);
    expect(retryDelayMs({ 'retry-after': 'Fri, 04 Dec 2026 12:00:05 GMT' }, 0, now)).toBe(5000);
    expect(retryDelayMs({ 'retry-after-ms': 'soon', 'retry-after': '3' }, 0, now)).toBe(3000);
  });

  it('backs off exponentially from 0.5 s to at most 8 s, with up to a quarter of jitter, otherwise', () => {
    const within = (ms: number, full: number) => ms > full * 0.75 - 1e-9 && ms <= full;
    for (const headers of [
      undefined,
      {},
      { 'retry-after': 'later' },
      { 'retry-after': '0' },
      { 'retry-after': '-3' },
    ]) {
      expect(within(retryDelayMs(headers, 0, now), 500)).toBe(true);
    }
    // Unreasonable waits (past a minute, a date gone by) are not honoured either.
    expect(within(retryDelayMs({ 'retry-after': '3600' }, 1, now), 1000)).toBe(true);
    expect(within(retryDelayMs({ 'retry-after': 'Fri, 04 Dec 2026 11:00:00 GMT' }, 2, now), 2000)).toBe(true);
    expect(within(retryDelayMs({}, 4, now), 8000)).toBe(true);
    expect(within(retryDelayMs({}, 9, now), 8000)).toBe(true);
  });
});

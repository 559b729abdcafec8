import { type LimitRule, SendLimiter } from './send-limiter.js';

describe('SendLimiter', () => {
  let now = 0;
  const timer = { now: () => now, sleep: async () => {} };
  const telegram = (chat: string, group = false): LimitRule[] => [
    { key: 'bot', limit: 30, windowMs: 1000 },
    { key: `chat:${chat}`, limit: 1, windowMs: 1000 },
    ...(group ? [{ key: `group:${chat}`, limit: 20, windowMs: 60_000 }] : []),
  ];

  beforeEach(() => {
    now = 0;
  });

  it('spaces messages to one chat a second apart without holding up other chats', () => {
    const limiter = new SendLimiter(100, timer);
    expect([1, 2, 3].map(() => limiter.reserve(telegram('a')))).toEqual([0, 1000, 2000]);
    expect(limiter.reserve(telegram('b'))).toBe(0);
  });

  it('keeps the whole bot within 30 messages per second', () => {
    const limiter = new SendLimiter(100, timer);
    const times = Array.from({ length: 31 }, (_, i) => limiter.reserve(telegram(`chat${i}`)));
    expect(times.slice(0, 30).every((t) => t === 0)).toBe(true);
    expect(times[30]).toBe(1000);
  });

  it('keeps a group chat within 20 messages per minute', () => {
    const limiter = new SendLimiter(100, timer);
    const times = Array.from({ length: 21 }, () => limiter.reserve(telegram('-100', true)));
    expect(times[19]).toBe(19_000);
    expect(times[20]).toBe(60_000);
  });

  it('fills a free slot between later reservations, and forgets old ones', () => {
    const limiter = new SendLimiter(100, timer);
    limiter.reserve(telegram('a'));
    now = 5000;
    expect(limiter.reserve(telegram('a'))).toBe(5000);
  });

  it('refuses sends beyond its bound', async () => {
    let release = () => {};
    const limiter = new SendLimiter(1, timer);
    const first = limiter.schedule(telegram('a'), () => new Promise<void>((resolve) => (release = resolve)));
    await expect(limiter.schedule(telegram('b'), async () => {})).rejects.toThrow(/Too many messages/);
    release();
    await first;
  });
});

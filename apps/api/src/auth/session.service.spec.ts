import type { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { EventBus } from '../events/event-bus.js';
import type { Session } from './entities/session.entity.js';
import type { User } from './entities/user.entity.js';
import { hashToken } from './session-token.js';
import { SessionService } from './session.service.js';
import type { SessionsRepository } from './sessions.repository.js';

class FakeClock extends Clock {
  constructor(public at = new Date('2026-03-01T10:00:00Z')) {
    super();
  }
  override now() {
    return new Date(this.at);
  }
  advance(ms: number) {
    this.at = new Date(this.at.getTime() + ms);
  }
}

/** An in-memory stand-in for the sessions table. */
class FakeSessions {
  rows: Session[] = [];
  touches = 0;
  async insert(session: Session) {
    this.rows.push({ ...session });
  }
  async findActiveByTokenHash(tokenHash: string) {
    const row = this.rows.find((s) => s.tokenHash === tokenHash && !s.revokedAt);
    return row ? { ...row, user } : null;
  }
  async touch(id: string, at: Date) {
    this.touches++;
    this.rows.find((s) => s.id === id)!.lastSeenAt = at;
  }
  async revoke(id: string, at: Date) {
    this.rows.find((s) => s.id === id)!.revokedAt = at;
  }
}

const user: User = { id: 'u1', username: 'admin', passwordHash: 'x', role: 'admin', createdAt: new Date() };
const config = { sessionIdleMs: 30 * 60_000, sessionMaxAgeMs: 24 * 3_600_000 } as AppConfig;

function setup(options: Partial<AppConfig> = {}) {
  const clock = new FakeClock();
  const repo = new FakeSessions();
  const bus = new EventBus(clock);
  const service = new SessionService(repo as unknown as SessionsRepository, { ...config, ...options }, clock, bus);
  return { clock, repo, bus, service };
}

describe('SessionService', () => {
  it('stores only the hash of a fresh high-entropy token', async () => {
    const { repo, service } = setup();
    const { token, expiresAt } = await service.create(user, { ip: '127.0.0.1', userAgent: 'jest' });
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    expect(repo.rows[0].tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(repo.rows)).not.toContain(token);
    expect(expiresAt.toISOString()).toBe('2026-03-02T10:00:00.000Z');
  });

  it('refreshes last-seen at most once a minute, so reads do not become writes', async () => {
    const { clock, repo, service } = setup({ sessionIdleMs: 720 * 60_000 });
    const { token } = await service.create(user, { ip: '127.0.0.1', userAgent: 'jest' });
    for (let i = 0; i < 10; i++) {
      expect(await service.authenticate(token)).toMatchObject({ userId: 'u1', username: 'admin' });
      clock.advance(5_000);
    }
    expect(repo.touches).toBe(0);
    clock.advance(60_000);
    await service.authenticate(token);
    expect(repo.touches).toBe(1);
  });

  it.each([1, 30, 720])(
    'keeps a session used within %i idle minutes alive, and ends it once really idle',
    async (idleMinutes) => {
      const idleMs = idleMinutes * 60_000;
      const { clock, repo, service } = setup({ sessionIdleMs: idleMs, sessionMaxAgeMs: 100 * idleMs });
      const { token } = await service.create(user, { ip: '127.0.0.1', userAgent: 'jest' });
      // Used again and again just inside the idle limit, for far longer than the limit itself.
      const step = idleMs - 1_000;
      for (let used = 0; used < 10; used++) {
        clock.advance(step);
        expect(await service.authenticate(token)).not.toBeNull();
      }
      // Used shortly after the last use (below the touch interval), then left alone for just under
      // the limit: the use in between counts, whether or not it was written.
      clock.advance(500);
      expect(await service.authenticate(token)).not.toBeNull();
      clock.advance(idleMs - 1);
      expect(await service.authenticate(token)).not.toBeNull();
      // A few writes, not one per request.
      expect(repo.touches).toBeLessThanOrEqual(12);
      // Really idle: ended, at most a sixtieth of the limit (a minute at most) after it.
      clock.advance(idleMs + Math.min(60_000, idleMs / 60));
      expect(await service.authenticate(token)).toBeNull();
    },
  );

  it('rejects idle, expired, revoked and malformed tokens', async () => {
    const { clock, service } = setup();
    const { token } = await service.create(user, { ip: '127.0.0.1', userAgent: 'jest' });
    clock.advance(30 * 60_000 + 30_000); // the idle limit and its touch interval (1/60 of it)
    expect(await service.authenticate(token)).toBeNull();

    const second = await service.create(user, { ip: '127.0.0.1', userAgent: 'jest' });
    const auth = await service.authenticate(second.token);
    await service.revoke(auth!.sessionId);
    expect(await service.authenticate(second.token)).toBeNull();

    expect(await service.authenticate('')).toBeNull();
    expect(await service.authenticate('lgs_' + 'a'.repeat(200))).toBeNull();
  });

  it('does not keep a session read while it was being revoked', async () => {
    const { repo, service } = setup();
    const { token } = await service.create(user, { ip: '127.0.0.1', userAgent: 'jest' });
    const overlapping = service.authenticate(token);
    await service.revoke(repo.rows[0]!.id);
    expect(await overlapping).not.toBeNull(); // read before the revocation was written
    expect(await service.authenticate(token)).toBeNull();
  });

  it('announces a revoked session so its live connections can be closed', async () => {
    const { bus, service } = setup();
    const revoked: string[] = [];
    bus.sessionRevoked$.subscribe((id) => revoked.push(id));
    const { token } = await service.create(user, { ip: '127.0.0.1', userAgent: 'jest' });
    const auth = await service.authenticate(token);
    await service.revoke(auth!.sessionId);
    expect(revoked).toEqual([auth!.sessionId]);
  });
});

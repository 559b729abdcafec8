import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { EventBus } from '../events/event-bus.js';
import type { ApiKeyScope } from './entities/api-key.entity.js';
import type { Session } from './entities/session.entity.js';
import type { User } from './entities/user.entity.js';
import { SessionsRepository } from './sessions.repository.js';
import { hashToken, newSessionToken, SESSION_TOKEN_PREFIX } from './session-token.js';

/** Who is calling: attached to every authenticated request and WebSocket. */
export interface AuthContext {
  /** The console/API session, or null for an API key. */
  sessionId: string | null;
  /** The API key, or null for a session. */
  apiKey: { id: string; scope: ApiKeyScope; rateLimitPerMinute: number | null } | null;
  userId: string;
  username: string;
  role: User['role'];
}

/**
 * Writing last_seen_at on every request would cost a write per call, so it is written only once it
 * is this old: 1/60 of the idle limit, at most a minute.
 */
const TOUCH_FRACTION = 60;
const MAX_TOUCH_INTERVAL_MS = 60_000;
/** Ended sessions are kept a day (for the record), then deleted by an hourly sweep. */
const SWEEP_INTERVAL_MS = 3_600_000;
const KEEP_ENDED_MS = 86_400_000;
/**
 * A verified session is reused for this long without reading the database again: every API call
 * authenticates, and the lookup is most of a small call's cost. Every revocation (logout, password
 * change, operator deleted, session ended) goes through `revoke`, which drops it at once; the limit
 * only bounds how long a change made outside this process could go unseen.
 */
const VERIFIED_TTL_MS = 2_000;
/** Past this many cached sessions the cache starts over, so it cannot grow without bound. */
const VERIFIED_MAX = 10_000;

/** A live session with its user, as read from the database, and when it was read (performance.now()). */
interface Verified {
  session: Session & { user: User };
  readAt: number;
}

@Injectable()
export class SessionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SessionService.name);
  private sweepTimer?: NodeJS.Timeout;
  private readonly touchIntervalMs: number;
  /** Recently verified sessions by token hash (see VERIFIED_TTL_MS). */
  private readonly verified = new Map<string, Verified>();
  /** Revocations begun or ended so far, and those under way: a read that overlaps one is not cached. */
  private revocations = 0;
  private revoking = 0;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly bus: EventBus,
  ) {
    this.touchIntervalMs = Math.min(MAX_TOUCH_INTERVAL_MS, Math.floor(config.sessionIdleMs / TOUCH_FRACTION));
  }

  onApplicationBootstrap(): void {
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  /** Deletes sessions whose absolute expiry passed more than a day ago. */
  async sweep(): Promise<number> {
    try {
      return await this.sessions.deleteExpiredBefore(new Date(this.clock.now().getTime() - KEEP_ENDED_MS));
    } catch (error) {
      this.logger.warn({ err: error }, 'Session sweep failed');
      return 0;
    }
  }

  async create(user: User, client: { ip: string; userAgent: string }): Promise<{ token: string; expiresAt: Date }> {
    const now = this.clock.now();
    const token = newSessionToken();
    const expiresAt = new Date(now.getTime() + this.config.sessionMaxAgeMs);
    await this.sessions.insert({
      id: randomUUID(),
      tokenHash: hashToken(token),
      userId: user.id,
      ip: client.ip.slice(0, 64),
      userAgent: client.userAgent.slice(0, 255),
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      revokedAt: null,
    });
    return { token, expiresAt };
  }

  /**
   * The caller behind a token, or null when it is unknown, revoked, idle too long or past its expiry.
   * The stored last use lags the real one by less than the touch interval, so the idle check allows
   * that much on top: a session used within SESSION_IDLE_MINUTES never ends, and an unused one ends
   * at most one touch interval after the limit.
   */
  async authenticate(token: string): Promise<(AuthContext & { sessionId: string }) | null> {
    if (!token.startsWith(SESSION_TOKEN_PREFIX) || token.length > 100) return null;
    const session = await this.findActive(hashToken(token));
    if (!session) return null;
    const now = this.clock.now().getTime();
    const idleFor = now - session.lastSeenAt.getTime();
    if (session.expiresAt.getTime() <= now || idleFor >= this.config.sessionIdleMs + this.touchIntervalMs) return null;
    if (idleFor >= this.touchIntervalMs) {
      await this.sessions.touch(session.id, new Date(now));
      session.lastSeenAt = new Date(now);
    }
    return {
      sessionId: session.id,
      apiKey: null,
      userId: session.user.id,
      username: session.user.username,
      role: session.user.role,
    };
  }

  async revoke(sessionId: string): Promise<void> {
    this.revoking += 1;
    this.revocations += 1;
    this.forget(sessionId);
    try {
      await this.sessions.revoke(sessionId, this.clock.now());
    } finally {
      this.revoking -= 1;
      this.revocations += 1;
    }
    this.bus.sessionRevoked(sessionId);
  }

  /** The live session and its user for a token hash: from the cache while fresh, else from the database. */
  private async findActive(tokenHash: string): Promise<(Session & { user: User }) | null> {
    const cached = this.verified.get(tokenHash);
    if (cached && performance.now() - cached.readAt < VERIFIED_TTL_MS) return cached.session;
    this.verified.delete(tokenHash);
    const readAt = performance.now();
    const revocations = this.revocations;
    const cacheable = this.revoking === 0;
    const session = await this.sessions.findActiveByTokenHash(tokenHash);
    if (!session?.user) return null;
    const live = session as Session & { user: User };
    if (cacheable && revocations === this.revocations) {
      if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
      this.verified.set(tokenHash, { session: live, readAt });
    }
    return live;
  }

  private forget(sessionId: string): void {
    for (const [tokenHash, { session }] of this.verified) {
      if (session.id === sessionId) this.verified.delete(tokenHash);
    }
  }
}

import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { EventBus } from '../events/event-bus.js';
import type { User } from './entities/user.entity.js';
import { SessionsRepository } from './sessions.repository.js';
import { hashToken, newSessionToken } from './session-token.js';

/** Who is calling: attached to every authenticated request and WebSocket. */
export interface AuthContext {
  sessionId: string;
  userId: string;
  username: string;
  role: User['role'];
}

/** Writing last_seen_at on every request would cost a write per call; a minute's precision is enough. */
const TOUCH_INTERVAL_MS = 60_000;

@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly bus: EventBus,
  ) {}

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

  /** The caller behind a token, or null when it is unknown, revoked, idle too long or past its expiry. */
  async authenticate(token: string): Promise<AuthContext | null> {
    if (!token.startsWith('lgs_') || token.length > 100) return null;
    const session = await this.sessions.findActiveByTokenHash(hashToken(token));
    if (!session?.user) return null;
    const now = this.clock.now().getTime();
    const idleFor = now - session.lastSeenAt.getTime();
    if (session.expiresAt.getTime() <= now || idleFor >= this.config.sessionIdleMs) return null;
    if (idleFor >= TOUCH_INTERVAL_MS) await this.sessions.touch(session.id, new Date(now));
    return { sessionId: session.id, userId: session.user.id, username: session.user.username, role: session.user.role };
  }

  async revoke(sessionId: string): Promise<void> {
    await this.sessions.revoke(sessionId, this.clock.now());
    this.bus.sessionRevoked(sessionId);
  }
}

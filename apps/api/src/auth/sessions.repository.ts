import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThan } from 'typeorm';
import { SqliteTable } from '../database/sqlite-table.js';
import { Session } from './entities/session.entity.js';
import { User } from './entities/user.entity.js';

/** All SQL for sessions. */
@Injectable()
export class SessionsRepository {
  /** Every request's session lookup goes through prepared statements on SQLite. */
  private tables?: { sessions: SqliteTable<Session>; users: SqliteTable<User> } | null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get sqlite() {
    if (this.tables === undefined) {
      const sessions = SqliteTable.of(this.dataSource, Session);
      this.tables = sessions && { sessions, users: SqliteTable.of(this.dataSource, User)! };
    }
    return this.tables;
  }

  private get sessions() {
    return this.dataSource.getRepository(Session);
  }

  async insert(session: Session): Promise<void> {
    await this.sessions.insert(session);
  }

  /**
   * One query: the live (not revoked) session for a token hash, with its user. (findOne with a
   * relation would add a second, DISTINCT ... LIMIT 1 query; the unique token hash makes it needless.)
   */
  async findActiveByTokenHash(tokenHash: string): Promise<Session | null> {
    const sqlite = this.sqlite;
    if (sqlite) {
      const session = sqlite.sessions.one('"token_hash" = ? AND "revoked_at" IS NULL', [tokenHash]);
      const user = session && sqlite.users.one('"id" = ?', [session.userId]);
      return user ? { ...session, user } : null;
    }
    return this.sessions
      .createQueryBuilder('session')
      .innerJoinAndSelect('session.user', 'user')
      .where('session.token_hash = :tokenHash AND session.revoked_at IS NULL', { tokenHash })
      .getOne();
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.sessions.update({ id }, { lastSeenAt: at });
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.sessions.update({ id, revokedAt: IsNull() }, { revokedAt: at });
  }

  /** A user's live sessions (not revoked, not past their expiry), most recently used first. */
  async activeForUser(userId: string, now: Date): Promise<Session[]> {
    return this.sessions
      .createQueryBuilder('session')
      .where('session.user_id = :userId AND session.revoked_at IS NULL AND session.expires_at > :now', { userId, now })
      .orderBy('session.last_seen_at', 'DESC')
      .getMany();
  }

  /** Drops sessions that ended long ago, so the table does not grow forever. */
  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    const result = await this.sessions.delete({ expiresAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }
}

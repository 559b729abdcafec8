import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import type { OperatorCreateDto, OperatorResponseDto, SessionResponseDto } from './dto/operator.dto.js';
import type { User } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { type AuthContext, SessionService } from './session.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { UsersRepository } from './users.repository.js';

/** Operator accounts beyond the first admin, their roles, passwords and sessions. */
@Injectable()
export class OperatorsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessionRows: SessionsRepository,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<OperatorResponseDto[]> {
    return (await this.users.list()).map(toResponse);
  }

  async create(body: OperatorCreateDto): Promise<OperatorResponseDto> {
    const user: User = {
      id: randomUUID(),
      username: body.username,
      passwordHash: await this.hasher.hash(body.password),
      role: body.role,
      createdAt: this.clock.now(),
    };
    if (!(await this.users.insert(user))) {
      throw new ConflictException(`An operator named "${body.username}" already exists`);
    }
    return toResponse(user);
  }

  /** Deletes an operator and ends their sessions; never oneself, never the last admin. */
  async remove(id: string, auth: AuthContext): Promise<void> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException(`No operator with id ${id}`);
    if (user.id === auth.userId) throw new ConflictException('You cannot delete your own account');
    if (user.role === 'admin' && (await this.users.countAdmins()) <= 1) {
      throw new ConflictException('The last admin cannot be deleted');
    }
    for (const session of await this.sessionRows.activeForUser(id, this.clock.now())) {
      await this.sessions.revoke(session.id);
    }
    await this.users.delete(id);
  }

  /** Sets a new password after checking the current one; ends every other session of the operator. */
  async changePassword(auth: AuthContext, current: string, next: string): Promise<number> {
    if (!auth.sessionId) throw new ForbiddenException('Log in to the console to change your password');
    const user = await this.users.findById(auth.userId);
    if (!user || !(await this.hasher.verify(user.passwordHash, current))) {
      throw new BadRequestException('currentPassword is not your current password');
    }
    if (current === next) throw new BadRequestException('newPassword must differ from the current one');
    await this.users.setPasswordHash(user.id, await this.hasher.hash(next));
    const others = (await this.sessionRows.activeForUser(user.id, this.clock.now())).filter(
      (session) => session.id !== auth.sessionId,
    );
    for (const session of others) await this.sessions.revoke(session.id);
    return others.length;
  }

  async sessionsOf(auth: AuthContext): Promise<SessionResponseDto[]> {
    return (await this.sessionRows.activeForUser(auth.userId, this.clock.now())).map((session) => ({
      id: session.id,
      ip: session.ip,
      userAgent: session.userAgent,
      createdAt: session.createdAt.toISOString(),
      lastSeenAt: session.lastSeenAt.toISOString(),
      expiresAt: session.expiresAt.toISOString(),
      current: session.id === auth.sessionId,
    }));
  }

  /** Ends one of the caller's own sessions (another operator's session id is "not found"). */
  async revokeSession(auth: AuthContext, id: string): Promise<void> {
    const mine = await this.sessionRows.activeForUser(auth.userId, this.clock.now());
    if (!mine.some((session) => session.id === id)) throw new NotFoundException(`No session of yours with id ${id}`);
    await this.sessions.revoke(id);
  }
}

function toResponse(user: User): OperatorResponseDto {
  return { id: user.id, username: user.username, role: user.role, createdAt: user.createdAt.toISOString() };
}

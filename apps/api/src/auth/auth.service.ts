import { ConflictException, Injectable, UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { TooManyRequestsException } from '../common/too-many-requests.exception.js';
import { EventBus } from '../events/event-bus.js';
import type { User } from './entities/user.entity.js';
import { LoginLimiter } from './login-limiter.js';
import { PasswordHasher } from './password-hasher.js';
import { type AuthContext, SessionService } from './session.service.js';
import { SetupCode } from './setup-code.js';
import { UsersRepository } from './users.repository.js';

export interface ClientInfo {
  ip: string;
  userAgent: string;
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: User;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginLimiter,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly setupCode: SetupCode,
  ) {}

  async needsSetup(): Promise<boolean> {
    return !(await this.users.isSetupComplete());
  }

  /** Whether set-up is pending, and whether it needs the set-up code. */
  async setupStatus(): Promise<{ needsSetup: boolean; setupCodeRequired: boolean }> {
    const needsSetup = await this.needsSetup();
    return { needsSetup, setupCodeRequired: needsSetup && this.setupCode.required };
  }

  /** Creates the first admin and logs them in; refused once set-up has been done or without the right code. */
  async setup(
    credentials: { username: string; password: string; setupCode?: string },
    client: ClientInfo,
  ): Promise<LoginResult> {
    const { username, password } = credentials;
    if (!(await this.needsSetup())) throw new ConflictException('Set-up is already complete; log in instead');
    await this.setupCode.verify(credentials.setupCode, client.ip);
    const user: User = {
      id: randomUUID(),
      username,
      passwordHash: await this.hasher.hash(password),
      role: 'admin',
      createdAt: this.clock.now(),
    };
    if (!(await this.users.createFirstAdmin(user))) {
      throw new ConflictException('Set-up is already complete; log in instead');
    }
    return this.startSession(user, client);
  }

  async login(username: string, password: string, client: ClientInfo): Promise<LoginResult> {
    const retryAfter = this.limiter.retryAfter(client.ip, username);
    if (retryAfter > 0) throw tooManyAttempts(retryAfter);
    const user = await this.users.findByUsername(username);
    const valid = await this.hasher.verify(user?.passwordHash ?? null, password);
    if (!user || !valid) {
      this.limiter.recordFailure(client.ip, username);
      throw new UnauthorizedException('Invalid username or password');
    }
    this.limiter.recordSuccess(client.ip, username);
    return this.startSession(user, client);
  }

  async logout(auth: AuthContext): Promise<void> {
    if (auth.sessionId) await this.sessions.revoke(auth.sessionId);
    this.bus.emit('auth:logout', { userId: auth.userId, username: auth.username });
  }

  private async startSession(user: User, client: ClientInfo): Promise<LoginResult> {
    const session = await this.sessions.create(user, client);
    this.bus.emit('auth:login', { userId: user.id, username: user.username, ip: client.ip });
    return { ...session, user };
  }
}

function tooManyAttempts(retryAfterSeconds: number): TooManyRequestsException {
  return new TooManyRequestsException(`Too many failed logins; try again in ${retryAfterSeconds} s`, retryAfterSeconds);
}

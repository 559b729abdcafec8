import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config.js';
import type { AuthenticatedRequest } from './current-auth.decorator.js';
import { IS_PUBLIC, type PublicRule } from './public.decorator.js';
import { SessionService } from './session.service.js';

/** Global guard: every HTTP route needs `Authorization: Bearer <session token>` unless marked @Public(). */
@Injectable()
export class SessionAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<PublicRule | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rule === true || (typeof rule === 'function' && rule(this.config))) return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new UnauthorizedException('Missing bearer token: send Authorization: Bearer <token>');
    }
    const auth = await this.sessions.authenticate(token);
    if (!auth) throw new UnauthorizedException('Invalid or expired session token');
    req.auth = auth;
    return true;
  }
}

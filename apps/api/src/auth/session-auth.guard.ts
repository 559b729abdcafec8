import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { hasBearer, ipCaller } from '../common/api-rate-limit.middleware.js';
import { ApiRateLimits } from '../common/api-rate-limits.js';
import { AppConfig } from '../config/app-config.js';
import { ApiKeysService } from './api-keys.service.js';
import type { AuthenticatedRequest } from './current-auth.decorator.js';
import { IS_PUBLIC, type PublicRule } from './public.decorator.js';
import { REQUIRED_SCOPE, type RequiredScope, scopeAllows } from './scope.decorator.js';
import { SessionService } from './session.service.js';
import { VIEWER_ALLOWED } from './viewer.decorator.js';
import { API_KEY_PREFIX } from './session-token.js';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Global guard: every HTTP route needs `Authorization: Bearer <session token or API key>` unless marked
 * @Public(); an API key must also have the scope the route needs (see RequiresScope), and a viewer
 * operator may only read (and change what is their own: see ViewerAllowed). A request with a bearer token counts against the caller's rate limit here (its key or session; its IP when the
 * token is bad or the route public), anonymous ones in ApiRateLimitMiddleware.
 */
@Injectable()
export class SessionAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    private readonly apiKeys: ApiKeysService,
    private readonly limits: ApiRateLimits,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const count = (caller: string, perMinute?: number) => {
      if (hasBearer(req)) res.setHeader('RateLimit-Remaining', String(this.limits.hit(caller, perMinute)));
    };
    const rule = this.reflector.getAllAndOverride<PublicRule | undefined>(IS_PUBLIC, targets);
    if (rule === true || (typeof rule === 'function' && rule(this.config))) {
      count(ipCaller(req));
      return true;
    }
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new UnauthorizedException('Missing bearer token: send Authorization: Bearer <token>');
    }
    const isKey = token.startsWith(API_KEY_PREFIX);
    const auth = isKey
      ? await this.apiKeys.authenticate(token, req.ip ?? 'unknown')
      : await this.sessions.authenticate(token);
    if (!auth) {
      count(ipCaller(req));
      throw new UnauthorizedException(
        isKey ? 'Invalid, revoked or expired API key' : 'Invalid or expired session token',
      );
    }
    if (auth.apiKey) {
      count(`key:${auth.apiKey.id}`, auth.apiKey.rateLimitPerMinute ?? undefined);
      const needed =
        this.reflector.getAllAndOverride<RequiredScope | undefined>(REQUIRED_SCOPE, targets) ??
        (SAFE_METHODS.has(req.method) ? 'read' : 'full');
      if (!scopeAllows(auth.apiKey.scope, needed, SAFE_METHODS.has(req.method))) {
        throw new ForbiddenException(
          needed === 'session'
            ? 'API keys cannot be used here; log in to the console'
            : `This API key's scope "${auth.apiKey.scope}" does not allow ${req.method} ${req.path}`,
        );
      }
    } else {
      count(`session:${auth.sessionId}`);
    }
    // Viewers read everything and change nothing but what is their own (see ViewerAllowed).
    if (
      auth.role === 'viewer' &&
      !SAFE_METHODS.has(req.method) &&
      !this.reflector.getAllAndOverride<boolean | undefined>(VIEWER_ALLOWED, targets)
    ) {
      throw new ForbiddenException(`Your account is a viewer (read-only): ${req.method} ${req.path} needs an admin`);
    }
    req.auth = auth;
    return true;
  }
}

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthContext } from './session.service.js';

export type AuthenticatedRequest = { auth?: AuthContext };

/** The session behind the current request (set by SessionAuthGuard). */
export const CurrentAuth = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthContext => ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth!,
);

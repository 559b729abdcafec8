import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The caller's IP and user agent. The IP is Express's req.ip under the `trust proxy` setting from
 * TRUST_PROXY (see configureApp): the socket's address, or the entry the trusted proxies appended.
 */
export const ClientInfo = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return { ip: req.ip ?? 'unknown', userAgent: req.headers['user-agent'] ?? '' };
});

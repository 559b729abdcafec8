import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Webhook } from './entities/webhook.entity.js';
import { WebhookAuth } from './webhook-auth.js';

export type WebhookRequest = Request & { webhook?: Webhook };

/**
 * Authenticates inbound webhook routes before their body is validated: the token comes from the
 * path, the X-Webhook-Token header or `Authorization: Bearer`.
 */
@Injectable()
export class WebhookTokenGuard implements CanActivate {
  constructor(private readonly auth: WebhookAuth) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<WebhookRequest>();
    req.webhook = this.auth.authenticate(tokenOf(req), req.ip ?? 'unknown');
    return true;
  }
}

export function tokenOf(req: Request): string | undefined {
  const fromPath = (req.params as Record<string, string | undefined>)?.token;
  if (fromPath) return fromPath;
  const header = req.headers['x-webhook-token'];
  if (typeof header === 'string' && header !== '') return header.trim();
  const [scheme, value] = (req.headers.authorization ?? '').split(' ');
  return scheme?.toLowerCase() === 'bearer' && value ? value.trim() : undefined;
}

import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage } from 'node:http';

/**
 * The ws adapter with an Origin check during the upgrade: a browser page from another origin gets
 * 403 before any WebSocket exists. Clients that send no Origin (scripts, servers) pass on to the
 * token check like any API client.
 */
export class GatewayWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly allowedOrigins: string[],
  ) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> = {}) {
    return super.create(port, {
      ...options,
      verifyClient: (
        info: { origin: string; req: IncomingMessage },
        done: (allowed: boolean, code?: number, message?: string) => void,
      ) => (this.isAllowedOrigin(info.origin, info.req) ? done(true) : done(false, 403, 'Origin not allowed')),
    });
  }

  isAllowedOrigin(origin: string | undefined, req: IncomingMessage): boolean {
    if (!origin) return true;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false;
    }
    return parsed.host === req.headers.host || this.allowedOrigins.includes(parsed.origin);
  }
}

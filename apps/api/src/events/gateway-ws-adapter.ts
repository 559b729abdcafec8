import { type INestApplicationContext, Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * The ws adapter with an Origin check during the upgrade: a browser page from another origin gets
 * 403 before any WebSocket exists. Clients that send no Origin (scripts, servers) pass on to the
 * token check like any API client.
 */
export class GatewayWsAdapter extends WsAdapter {
  private readonly log = new Logger('WebSocket');

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

  /**
   * A client's socket error (an oversized frame, a bad handshake byte) is the client's doing: one
   * warning line without a stack, and `ws` closes that socket. Server errors stay errors.
   */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (socket: WebSocket) =>
      socket.on('error', (error: Error) => this.log.warn(`Client socket closed: ${error.message}`)),
    );
    server.on('error', (error: Error) => this.log.error({ err: error }, 'WebSocket server error'));
    return server;
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

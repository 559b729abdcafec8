import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type AddressGuard, AddressRefusedError } from './address-guard.js';
import { portOf } from './host-list.js';

/** A response from the proxy (not from a site) carries this header, so the browser tool can tell. */
export const REFUSED_HEADER = 'x-loop-gateway-refused';
const IDLE_TIMEOUT_MS = 60_000;

/**
 * A forward proxy on 127.0.0.1 that Chromium sends all its traffic through (web_browse), so every
 * connection the browser makes — the page, its subresources, redirects, fetches, WebSockets — goes
 * to an address the guard checked, resolved by the proxy itself. Checking URLs in the browser
 * instead would let DNS rebinding through: Chromium would resolve the name again afterwards.
 *
 * It serves plain-HTTP requests (absolute URLs) and CONNECT tunnels (HTTPS, WebSockets).
 */
export class GuardedProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Duplex>();

  constructor(private readonly guard: AddressGuard) {}

  /** Starts on a free loopback port (once) and returns its URL. */
  async start(): Promise<string> {
    if (!this.server) {
      const server = createServer((req, res) => void this.forward(req, res));
      server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.tunnel(req, socket, head));
      server.on('connection', (socket: Socket) => this.track(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      this.server = server;
    }
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Plain HTTP: `GET http://host/path` → the checked address, same request. */
  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let target: URL;
    let address: string;
    try {
      target = this.guard.checkUrl(req.url ?? '');
      address = await this.guard.addressFor(target.hostname, portOf(target));
    } catch (error) {
      return refuse(res, error);
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = request({
      host: address,
      port: target.port || 80,
      path: target.pathname + target.search,
      method: req.method,
      headers,
      agent: false,
      timeout: IDLE_TIMEOUT_MS,
    });
    upstream.on('response', (response) => {
      res.writeHead(response.statusCode ?? 502, response.rawHeaders);
      response.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  }

  /** CONNECT host:port → a TCP tunnel to the checked address. */
  private async tunnel(req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    this.track(client);
    let port: number;
    let address: string;
    try {
      const target = new URL(`http://${req.url ?? ''}`);
      port = Number(target.port || 443);
      address = await this.guard.addressFor(target.hostname, port);
    } catch (error) {
      const reason = error instanceof AddressRefusedError ? error.message : 'Bad CONNECT target';
      client.end(`HTTP/1.1 403 Forbidden\r\n${REFUSED_HEADER}: 1\r\ncontent-type: text/plain\r\n\r\n${reason}`);
      return;
    }
    const upstream = connect({ host: address, port });
    this.track(upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => (connected ? client.destroy() : client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')));
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  private track(socket: Duplex): void {
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    if ('setTimeout' in socket) (socket as Socket).setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.once('close', () => this.sockets.delete(socket));
  }
}

function refuse(res: ServerResponse, error: unknown): void {
  const reason = error instanceof AddressRefusedError ? error.message : 'Bad proxy request';
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', [REFUSED_HEADER]: '1' }).end(reason);
}

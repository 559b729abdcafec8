import WebSocket from 'ws';
import type { WsServerMessage } from '@loop-gateway/contracts';

/** A WebSocket client that records what the gateway sends and how the connection ends. */
export class RecordingSocket {
  readonly messages: WsServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly socket: WebSocket;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.socket = new WebSocket(url, { headers });
    // A socket the gateway drops mid-send reports ECONNRESET/EPIPE; `closed` tells the test how it ended.
    this.socket.on('error', () => undefined);
    this.socket.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as WsServerMessage));
    this.closed = new Promise((resolve) =>
      this.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      this.socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Resolves with the first recorded message matching `predicate`, waiting up to `timeoutMs`. */
  async waitFor(predicate: (m: WsServerMessage) => boolean, timeoutMs = 5000): Promise<WsServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.messages.find(predicate);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`);
  }

  close(): void {
    this.socket.terminate();
  }
}

import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { startGatewayProcess, type GatewayProcess } from '@loop-gateway/testing';
import { setupAdmin } from './test-app.js';
import { waitUntil } from './wait.js';
import { RecordingSocket } from './ws-client.js';

/**
 * Hostile frames against the built gateway process (what `npm start` runs), so a message that turns
 * into an unhandled rejection would end the process and fail every later check here.
 */
describe('the WebSocket under hostile clients', () => {
  let gw: GatewayProcess;
  let wsUrl: string;
  let token: string;
  const sockets: RecordingSocket[] = [];
  const rawSockets: Socket[] = [];
  const open = async () => {
    const socket = new RecordingSocket(wsUrl);
    sockets.push(socket);
    await socket.opened();
    return socket;
  };
  const sendRaw = (socket: RecordingSocket, data: string | Buffer, binary = false) =>
    socket.socket.send(data, { binary });

  /** The process is up, answers HTTP, and a signed-in WebSocket client still gets through. */
  async function expectGatewayServing(): Promise<void> {
    expect(gw.child.exitCode).toBeNull();
    expect((await fetch(`${gw.url}/api/health`)).status).toBe(200);
    const client = await open();
    client.send({ type: 'auth', token });
    await client.waitFor((m) => m.type === 'ready');
    client.close();
  }

  beforeAll(async () => {
    gw = await startGatewayProcess();
    wsUrl = gw.url.replace('http', 'ws') + '/ws';
    token = await setupAdmin(gw.url);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    rawSockets.forEach((socket) => socket.destroy());
    await gw.stop();
  });

  it('answers JSON that is not a message object with an error, and keeps serving', async () => {
    const frames = ['null', '1', '-0', '"auth"', 'true', '[]', '[{"type":"auth"}]', '{}', '{"type":null}'];
    for (const frame of frames) {
      const client = await open();
      sendRaw(client, frame);
      const reply = await client.waitFor((m) => m.type === 'error');
      expect(reply).toEqual({ type: 'error', message: expect.stringMatching(/JSON objects|Unknown message type/) });
      client.close();
    }
    await expectGatewayServing();
  });

  it('answers auth messages without a usable token with an error', async () => {
    for (const frame of ['{"type":"auth"}', '{"type":"auth","token":5}', '{"type":"auth","token":{}}']) {
      const client = await open();
      sendRaw(client, frame);
      expect(await client.waitFor((m) => m.type === 'error')).toEqual({
        type: 'error',
        message: 'An auth message needs a "token" string',
      });
      client.close();
    }
    const notJson = await open();
    sendRaw(notJson, '{"type":');
    expect(await notJson.waitFor((m) => m.type === 'error')).toEqual({
      type: 'error',
      message: 'Messages must be JSON',
    });
    await expectGatewayServing();
  });

  it('closes the socket on binary frames, oversized frames and floods before authentication', async () => {
    const binary = await open();
    sendRaw(binary, Buffer.from([0x00, 0xff, 0x10]), true);
    expect((await binary.closed).code).toBe(1003);

    // Over the pre-authentication limit but under the frame limit: refused by the gateway itself.
    const large = await open();
    sendRaw(large, JSON.stringify({ type: 'auth', token: 'x'.repeat(4000) }));
    expect((await large.closed).code).toBe(1009);

    // Far over the frame limit: `ws` refuses it from the frame header, before buffering the body.
    const huge = await open();
    sendRaw(huge, 'x'.repeat(8 * 1024 * 1024));
    expect((await huge.closed).code).toBe(1009);

    const flood = await open();
    for (let i = 0; i < 10; i += 1) flood.send({ type: 'ping' });
    expect(await flood.closed).toEqual({ code: 1008, reason: 'Too many messages before authentication' });
    expect(flood.messages.filter((m) => m.type === 'pong')).toHaveLength(5);

    await expectGatewayServing();
  });

  it('keeps serving while half-open connections stall mid-handshake and mid-frame', async () => {
    const port = Number(new URL(gw.url).port);
    const raw = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => resolve(socket));
        socket.on('error', reject);
        rawSockets.push(socket);
      });
    const upgrade = (key: string) =>
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;

    // Half of an upgrade request, then nothing.
    const midHandshake = await raw();
    midHandshake.write(upgrade(randomBytes(16).toString('base64')).slice(0, 40));

    // A full upgrade, then a frame header announcing 1000 masked bytes followed by ten of them.
    const midFrame = await raw();
    let answer = '';
    midFrame.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    midFrame.write(upgrade(randomBytes(16).toString('base64')));
    await waitUntil('the 101 answer', () => answer.startsWith('HTTP/1.1 101'));
    midFrame.write(Buffer.concat([Buffer.from([0x81, 0xfe, 0x03, 0xe8]), randomBytes(4), randomBytes(10)]));

    await expectGatewayServing();
  });
});

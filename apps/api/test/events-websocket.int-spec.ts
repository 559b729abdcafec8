import request from 'supertest';
import { WS_CLOSE_UNAUTHORIZED } from '@loop-gateway/contracts';
import { EventBus } from '../src/events/event-bus.js';
import { ADMIN, setupAdmin, startTestApp, type TestApp } from './test-app.js';
import { RecordingSocket } from './ws-client.js';

describe('live events over the WebSocket', () => {
  let gw: TestApp;
  let token: string;
  let wsUrl: string;
  const sockets: RecordingSocket[] = [];
  const open = (headers?: Record<string, string>) => {
    const socket = new RecordingSocket(wsUrl, headers);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    gw = await startTestApp({ ALLOWED_ORIGINS: 'https://console.example.com' });
    wsUrl = gw.url.replace('http', 'ws') + '/ws';
    token = await setupAdmin(gw.url);
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await gw.close();
  });

  it('delivers catalog events to a client that authenticated after connecting', async () => {
    const client = open({ Origin: gw.url });
    await client.opened();
    client.send({ type: 'auth', token });
    await client.waitFor((m) => m.type === 'ready');

    await request(gw.url).post('/api/auth/login').send(ADMIN).expect(200);
    const event = await client.waitFor((m) => m.type === 'event' && m.event === 'auth:login');
    expect(event).toMatchObject({ type: 'event', event: 'auth:login', payload: { username: 'admin' } });
    expect(Date.parse((event as { timestamp: string }).timestamp)).not.toBeNaN();
  });

  it('sends nothing to a connection that has not authenticated, even with a token in the URL', async () => {
    const silent = new RecordingSocket(`${wsUrl}?token=${token}`);
    sockets.push(silent);
    await silent.opened();
    const listener = open();
    await listener.opened();
    listener.send({ type: 'auth', token });
    await listener.waitFor((m) => m.type === 'ready');

    gw.app.get(EventBus).emit('task:start', { taskId: 't-1', name: 'probe' });
    await listener.waitFor((m) => m.type === 'event' && m.event === 'task:start');
    expect(silent.messages).toEqual([]);
  });

  it('sends a subscribed socket only the events and run text it asked for', async () => {
    const ready = async (subscription?: object) => {
      const socket = open();
      await socket.opened();
      socket.send({ type: 'auth', token });
      await socket.waitFor((m) => m.type === 'ready');
      if (subscription) socket.send({ type: 'subscribe', ...subscription });
      // Messages are handled in order: the pong means the subscription is in place.
      socket.send({ type: 'ping' });
      await socket.waitFor((m) => m.type === 'pong');
      return socket;
    };
    const watcher = await ready({ runs: ['run-1'] });
    const tasks = await ready({ events: ['task:*'] });
    const everything = await ready();

    const bus = gw.app.get(EventBus);
    bus.emit('agent:run:text', { runId: 'run-2', delta: 'not watched' });
    bus.emit('agent:run:text', { runId: 'run-1', delta: 'watched' });
    bus.emit('agent:run:complete', {
      runId: 'run-2',
      conversationId: 'c',
      inputTokens: 1,
      outputTokens: 1,
      durationMs: 1,
    });
    bus.emit('task:start', { taskId: 't-2', name: 'last' });
    const texts = async (socket: RecordingSocket) => {
      await socket.waitFor((m) => m.type === 'event' && m.event === 'task:start' && m.payload.taskId === 't-2');
      return socket.messages.flatMap((m) => (m.type === 'event' ? [m.event] : []));
    };
    expect(await texts(watcher)).toEqual(['agent:run:text', 'agent:run:complete', 'task:start']);
    expect(watcher.messages).toContainEqual(expect.objectContaining({ payload: { runId: 'run-1', delta: 'watched' } }));
    expect(await texts(tasks)).toEqual(['task:start']);
    expect(await texts(everything)).toEqual(['agent:run:text', 'agent:run:text', 'agent:run:complete', 'task:start']);

    everything.send({ type: 'subscribe', events: ['agent:run:nope'] });
    expect(await everything.waitFor((m) => m.type === 'error')).toEqual({
      type: 'error',
      message: '"events" has an unknown entry: "agent:run:nope"',
    });
  });

  it('closes the connection with 4401 on a bad token', async () => {
    const client = open();
    await client.opened();
    client.send({ type: 'auth', token: 'lgs_not-a-real-token' });
    expect(await client.closed).toEqual({ code: WS_CLOSE_UNAUTHORIZED, reason: 'Invalid or expired token' });
  });

  it('closes a connection that never authenticates', async () => {
    const client = open();
    await client.opened();
    expect((await client.closed).code).toBe(WS_CLOSE_UNAUTHORIZED);
  }, 15_000);

  it('refuses the upgrade from a foreign browser Origin, allows configured ones', async () => {
    await expect(open({ Origin: 'https://evil.example.net' }).opened()).rejects.toThrow('upgrade refused: 403');
    await expect(open({ Origin: 'https://console.example.com' }).opened()).resolves.toBeUndefined();
  });

  it('closes live connections of a session when it logs out', async () => {
    const login = await request(gw.url).post('/api/auth/login').send(ADMIN).expect(200);
    const client = open();
    await client.opened();
    client.send({ type: 'auth', token: login.body.token });
    await client.waitFor((m) => m.type === 'ready');
    await request(gw.url).post('/api/auth/logout').set('Authorization', `Bearer ${login.body.token}`).expect(204);
    expect(await client.closed).toEqual({ code: WS_CLOSE_UNAUTHORIZED, reason: 'Session ended' });
  });
});

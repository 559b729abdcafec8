import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer as createNetServer, connect, type Server, type Socket } from 'node:net';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import request from 'supertest';
import { LocalClaude, type RecordedRequest, type ScriptStep } from '@loop-gateway/testing';
import { ContainerPool } from '../src/containers/container-pool.js';
import { buildAgentImage } from './agent-image.js';
import { startGateway } from './pipeline-harness.js';
import { waitUntil } from './wait.js';

const exec = promisify(execFile);
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
/** The gateway's model key in these tests: it must never reach a container. */
const KEY = 'sk-ant-container-secret-7f3a91';
/** Scripts name the key only in pieces, so the protocol stream never carries it whole. */
const KEY_IN_PIECES = `['sk-ant-', 'container-', 'secret-', '7f3a91'].join('')`;
const RUN_SCRIPT_FREELY = {
  toolName: 'run_script',
  riskLevel: 'high',
  requireApproval: false,
  timeoutSeconds: 60,
  timeoutAction: 'reject',
};

interface IsolatedRun {
  id: string;
  status: string;
  reply: string | null;
  error: string | null;
  isolated: boolean;
  containerExit: string | null;
  toolCalls: { name: string; output: string; isError: boolean }[];
}

const node = (script: string): ScriptStep => ({ toolUse: { name: 'run_script', input: { language: 'node', script } } });
/** Waits (inside the container) until the test touches /work/release through `docker exec`. */
const HOLD = `while (!require('fs').existsSync('/work/release')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);`;

async function startIsolatedGateway(claude: LocalClaude, env: Record<string, string>) {
  const gateway = await startGateway(claude, { AGENT_CONTAINER_MODE: 'true', ANTHROPIC_API_KEY: KEY, ...env });
  await request(gateway.gw.url).post('/api/approval-rules').set(gateway.auth).send(RUN_SCRIPT_FREELY).expect(200);
  const pool = gateway.gw.app.get(ContainerPool);
  const run = async (runId: string) =>
    (await request(gateway.gw.url).get(`/api/runs/${runId}`).set(gateway.auth).expect(200)).body as IsolatedRun;
  const finished = async (runId: string) => {
    await gateway.waitForRun(runId, 25_000);
    return run(runId);
  };
  /** This gateway's containers on the engine, running or not. */
  const containers = () =>
    docker.listContainers({ all: true, filters: { label: [`loop-gateway.instance=${pool.instance}`] } });
  /** The container serving the run, once it serves it. */
  const containerOf = (runId: string) => waitUntil(`a container for ${runId}`, () => pool.forRun(runId)?.id);
  return { ...gateway, pool, run, finished, containers, containerOf };
}

describe('container mode against the real Docker engine', () => {
  let claude: LocalClaude;
  let agentImage: Awaited<ReturnType<typeof buildAgentImage>>;

  beforeAll(async () => {
    [claude, agentImage] = await Promise.all([LocalClaude.start(), buildAgentImage()]);
  }, 180_000);
  afterAll(async () => {
    await claude.stop();
    // Backstop: nothing of this suite stays on the engine.
    const left = await docker.listContainers({ all: true, filters: { ancestor: [agentImage.image] } });
    await Promise.all(
      left.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    await agentImage.remove();
  }, 60_000);
  beforeEach(() => claude.reset());

  describe('a gateway with isolated runs', () => {
    let gateway: Awaited<ReturnType<typeof startIsolatedGateway>>;
    const lines: string[] = [];

    beforeAll(async () => {
      gateway = await startIsolatedGateway(claude, {
        AGENT_CONTAINER_IMAGE: agentImage.image,
        MAX_CONCURRENT_CONTAINERS: '2',
        CONTAINER_WARM_POOL: '1',
        CONTAINER_MEMORY_MB: '128',
        CONTAINER_PIDS_LIMIT: '64',
        RUN_CONCURRENCY: '12',
      });
      gateway.pool.observe((_direction, line) => lines.push(line));
    }, 60_000);
    afterAll(async () => {
      const { gw, containers } = gateway;
      await gw.close();
      // Shutting down ends every container, warm ones included, and the engine removes them.
      await waitUntil('no container left', async () => (await containers()).length === 0);
    }, 30_000);

    it('runs a tool call in a locked-down container that holds no key (env, disk, inspect, protocol)', async () => {
      const probe = `
        const fs = require('fs'), path = require('path');
        const key = ${KEY_IN_PIECES};
        const found = [];
        if (JSON.stringify(process.env).includes(key)) found.push('env');
        for (const pid of fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p))) {
          for (const file of ['environ', 'cmdline']) {
            try { if (fs.readFileSync('/proc/' + pid + '/' + file, 'latin1').includes(key)) found.push(file + ' of ' + pid); } catch {}
          }
        }
        let files = 0;
        const walk = (dir) => {
          for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const file = path.join(dir, entry.name);
            if (['/proc', '/sys', '/dev'].includes(file)) continue;
            if (entry.isDirectory()) walk(file);
            else if (entry.isFile()) {
              files++;
              try { if (fs.statSync(file).size < 16e6 && fs.readFileSync(file, 'latin1').includes(key)) found.push(file); } catch {}
            }
          }
        };
        walk('/');
        let writable = 'no';
        try { fs.writeFileSync('/app/x', '1'); writable = 'yes'; } catch (e) { writable = e.code; }
        ${HOLD}
        console.log(JSON.stringify({ found, files, uid: process.getuid(), rootWrite: writable }));`;
      claude.script(node(probe), { text: 'Checked.' });
      const { runId } = await gateway.submit({ message: 'Look around' });
      const id = await gateway.containerOf(runId);

      const info = await docker.getContainer(id).inspect();
      expect(info.HostConfig).toMatchObject({
        NetworkMode: 'none',
        ReadonlyRootfs: true,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        PidsLimit: 64,
        Memory: 128 * 1024 * 1024,
        MemorySwap: 128 * 1024 * 1024,
        NanoCpus: 1e9,
        Init: true,
        AutoRemove: true,
        Privileged: false,
        Tmpfs: { '/work': expect.stringContaining('size=64m') },
      });
      expect(info.HostConfig.Binds ?? []).toEqual([]);
      expect(info.Mounts).toEqual([]);
      expect(info.Config.User).toBe('1000:1000');
      expect((info.Config as { NetworkDisabled?: boolean }).NetworkDisabled).toBe(true);
      expect(JSON.stringify(info)).not.toContain(KEY);
      await exec('docker', ['exec', id, 'touch', '/work/release']);

      const run = await gateway.finished(runId);
      expect(run).toMatchObject({
        status: 'completed',
        reply: 'Checked.',
        isolated: true,
        containerExit: 'exit code 0',
      });
      const report = JSON.parse(run.toolCalls[0]!.output.match(/\{"found".*\}/)![0]) as Record<string, unknown>;
      expect(report).toMatchObject({ found: [], uid: 1000, rootWrite: 'EROFS' });
      expect(report['files']).toBeGreaterThan(100);
      // The model calls carried the key (from the gateway); the container's stream never did.
      expect(claude.requests.at(-1)!.apiKey).toBe(KEY);
      expect(lines.some((line) => line.includes('"type":"script"'))).toBe(true);
      expect(lines.filter((line) => line.includes(KEY))).toEqual([]);
      await waitUntil('the container removed', async () => !(await gateway.containers()).some((c) => c.Id === id));
    });

    it('isolates a sub-agent’s run like any run: its script runs in a container of its own', async () => {
      const isCoder = (req: RecordedRequest) => JSON.stringify(req.body.system ?? '').includes('role=\\"coder\\"');
      claude.respondWith((req) => {
        const last = req.body.messages.at(-1)?.content;
        const resumed = Array.isArray(last) && last.some((block) => block.type === 'tool_result');
        if (isCoder(req)) {
          return resumed
            ? { text: 'The coder ran it.' }
            : node(`console.log(JSON.stringify({ uid: process.getuid(), host: require('os').hostname() }))`);
        }
        return resumed
          ? { text: 'The parent heard back.' }
          : { toolUse: { name: 'delegate', input: { role: 'coder', task: 'Run a script.' } } };
      });
      const { runId } = await gateway.submit({ message: 'Delegate a script' });
      const parent = await gateway.finished(runId);
      expect(parent).toMatchObject({ status: 'completed', reply: 'The parent heard back.', isolated: true });
      const [coder] = (await request(gateway.gw.url).get(`/api/agents?runId=${runId}`).set(gateway.auth).expect(200))
        .body.agents as { role: string; currentRunId: string }[];
      const child = await gateway.run(coder!.currentRunId);
      expect(child).toMatchObject({
        status: 'completed',
        reply: 'The coder ran it.',
        isolated: true,
        containerExit: 'exit code 0',
      });
      const report = JSON.parse(child.toolCalls[0]!.output.match(/\{"uid".*\}/)![0]) as { uid: number; host: string };
      // Run in a container (its user and its own host name), not in the gateway's process.
      expect(report.uid).toBe(1000);
      expect(report.host).not.toBe(hostname());
      expect(claude.requests.filter(isCoder)).toHaveLength(2);
    });

    it('gives scripts no network: not the internet, not the host, not its loopback services', async () => {
      const connections: Socket[] = [];
      const server: Server = createNetServer((socket) => connections.push(socket.end()));
      await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
      const port = (server.address() as { port: number }).port;
      const hostIp =
        Object.values(networkInterfaces())
          .flat()
          .find((address) => address && address.family === 'IPv4' && !address.internal)?.address ?? '172.17.0.1';
      try {
        const script = `
          const net = require('net');
          const attempt = (host, port) => new Promise((resolve) => {
            const socket = net.connect({ host, port, timeout: 3000 });
            socket.on('connect', () => { socket.destroy(); resolve(host + ' connected'); });
            socket.on('error', (e) => resolve(host + ' ' + e.code));
            socket.on('timeout', () => { socket.destroy(); resolve(host + ' timeout'); });
          });
          (async () => {
            for (const [host, port] of [['127.0.0.1', ${port}], ['${hostIp}', ${port}], ['172.17.0.1', ${port}], ['1.1.1.1', 443]]) {
              console.log(await attempt(host, port));
            }
            require('dns').lookup('example.com', (e) => console.log('dns ' + (e ? e.code : 'resolved')));
          })();`;
        claude.script(node(script), { text: 'Offline.' });
        const run = await gateway.finished((await gateway.submit({ message: 'Phone home' })).runId);
        const output = run.toolCalls[0]!.output;
        expect(output).toMatch(/127\.0\.0\.1 ECONNREFUSED/);
        expect(output).toMatch(/1\.1\.1\.1 (ENETUNREACH|EHOSTUNREACH)/);
        expect(output).toMatch(/dns (ENOTFOUND|EAI_AGAIN)/);
        expect(output).not.toContain('connected');
        expect(connections).toHaveLength(0);
      } finally {
        server.close();
      }
    });

    it('contains a memory bomb and a fork bomb, and the run goes on', async () => {
      claude.script(
        node(`const hold = []; for (;;) hold.push(Buffer.alloc(16 * 1024 * 1024, 1));`),
        node(`
          const { spawn } = require('child_process');
          let started = 0, refused = '';
          for (let i = 0; i < 200; i++) {
            const child = spawn('sleep', ['60']);
            child.on('spawn', () => started++);
            child.on('error', (e) => { refused = refused || e.code; });
          }
          setTimeout(() => { console.log('started ' + started + ' refused ' + refused); process.exit(0); }, 1000);`),
        { text: 'Still here.' },
      );
      const run = await gateway.finished((await gateway.submit({ message: 'Exhaust it' })).runId);
      expect(run).toMatchObject({ status: 'completed', reply: 'Still here.', containerExit: 'exit code 0' });
      expect(run.toolCalls[0]!.output).toContain('killed by the OOM killer');
      expect(run.toolCalls[0]!.output).toContain('Killed by signal SIGKILL');
      const [, started] = run.toolCalls[1]!.output.match(/started (\d+) refused EAGAIN/) ?? [];
      expect(Number(started)).toBeLessThan(64);
      const health = await request(gateway.gw.url).get('/api/health').expect(200);
      expect(health.body).toMatchObject({ status: 'ok', containers: 'ready' });
    });

    it('kills the container when the run is cancelled', async () => {
      claude.script(node(HOLD));
      const { runId } = await gateway.submit({ message: 'Wait forever' });
      const id = await gateway.containerOf(runId);
      await request(gateway.gw.url).post(`/api/runs/${runId}/cancel`).set(gateway.auth).expect(200);
      await waitUntil('the container gone', async () => !(await gateway.containers()).some((c) => c.Id === id));
      const run = await waitUntil('the exit stored', async () => {
        const current = await gateway.run(runId);
        return current.containerExit && current;
      });
      expect(run).toMatchObject({ status: 'cancelled', containerExit: 'killed: the run was cancelled' });
    });

    it('fails the call clearly when the runner crashes or garbles the protocol', async () => {
      claude.script(node(`process.kill(process.ppid, 'SIGTERM'); setTimeout(() => {}, 5000);`));
      const crashed = await gateway.finished((await gateway.submit({ message: 'Crash it' })).runId);
      expect(crashed).toMatchObject({ status: 'failed', containerExit: 'the runner crashed (exit code 143)' });
      expect(crashed.error).toBe('The agent container the runner crashed (exit code 143)');

      claude.script(
        node(
          `require('fs').writeFileSync('/proc/' + process.ppid + '/fd/1', 'not json\\n'); setTimeout(() => {}, 5000);`,
        ),
      );
      const garbled = await gateway.finished((await gateway.submit({ message: 'Garble it' })).runId);
      expect(garbled).toMatchObject({
        status: 'failed',
        error: 'The agent container killed: the runner wrote a line that is not the protocol ("not json")',
      });
      expect((await request(gateway.gw.url).get('/api/health').expect(200)).body.containers).toBe('ready');
    });

    it('keeps MAX_CONCURRENT_CONTAINERS under 10 parallel runs; the others wait their turn, visibly', async () => {
      const toolResult = (req: RecordedRequest) =>
        JSON.stringify(req.body.messages.at(-1)?.content ?? '').includes('tool_result');
      claude.respondWith((req) => (toolResult(req) ? { text: 'Done.' } : node(`console.log('ok');`)));
      const events: { event: string; runId: string }[] = [];
      const subscription = gateway.gw.app
        .get((await import('../src/events/event-bus.js')).EventBus)
        .events$.subscribe((e) => {
          if (e.event === 'container:start' || e.event === 'container:exit')
            events.push({ event: e.event, runId: e.payload.runId });
        });
      try {
        let mostOnEngine = 0;
        let mostWaiting = 0;
        const runIds = await Promise.all(
          Array.from({ length: 10 }, async (_, i) => (await gateway.submit({ message: `Job ${i}` })).runId as string),
        );
        const done = Promise.all(runIds.map((runId) => gateway.finished(runId)));
        let settled = false;
        void done.finally(() => (settled = true));
        while (!settled) {
          mostOnEngine = Math.max(mostOnEngine, (await gateway.containers()).length);
          const state = (await request(gateway.gw.url).get('/api/containers/state').set(gateway.auth).expect(200)).body;
          mostWaiting = Math.max(mostWaiting, state.waiting as number);
          expect(state.running).toBeLessThanOrEqual(2);
        }
        const runs = await done;
        expect(runs.map((run) => run.status)).toEqual(Array(10).fill('completed'));
        expect(runs.every((run) => run.isolated && run.containerExit === 'exit code 0')).toBe(true);
        expect(mostOnEngine).toBeLessThanOrEqual(2);
        expect(mostWaiting).toBeGreaterThan(0);
        // From the events: never more than two calls in a container at once.
        let open = 0;
        let most = 0;
        for (const event of events) {
          open += event.event === 'container:start' ? 1 : -1;
          most = Math.max(most, open);
        }
        // Whether two calls overlap depends on timing; the cap never giving way is what counts.
        expect(most).toBeGreaterThanOrEqual(1);
        expect(most).toBeLessThanOrEqual(2);
        expect(events.filter((event) => event.event === 'container:start')).toHaveLength(10);
      } finally {
        subscription.unsubscribe();
      }
    });
  });

  describe('a gateway whose engine goes away', () => {
    const socketPath = join(tmpdir(), `lg-docker-${process.pid}.sock`);
    let proxy: DockerProxy;
    let gateway: Awaited<ReturnType<typeof startIsolatedGateway>>;
    beforeAll(async () => {
      proxy = await DockerProxy.start(socketPath);
      gateway = await startIsolatedGateway(claude, {
        AGENT_CONTAINER_IMAGE: agentImage.image,
        DOCKER_HOST: `unix://${socketPath}`,
        CONTAINER_WARM_POOL: '0',
        CONTAINER_TIMEOUT_MS: '6000',
      });
    }, 60_000);
    afterAll(async () => {
      proxy.stop();
      await gateway.gw.close();
    }, 30_000);

    it('kills a container at CONTAINER_TIMEOUT_MS and the run fails with that reason', async () => {
      claude.script(node(HOLD));
      const timedOut = await gateway.finished((await gateway.submit({ message: 'Take too long' })).runId);
      expect(timedOut).toMatchObject({
        status: 'failed',
        error: 'The agent container killed after CONTAINER_TIMEOUT_MS (6000 ms)',
        containerExit: 'killed after CONTAINER_TIMEOUT_MS (6000 ms)',
      });
    });

    it('fails the run clearly when Docker goes away mid-run, and the gateway stays up', async () => {
      claude.script(node(HOLD));
      const { runId } = await gateway.submit({ message: 'Wait for the engine to go' });
      const id = await gateway.containerOf(runId);
      proxy.stop();
      const lost = await gateway.finished(runId);
      expect(lost.status).toBe('failed');
      expect(lost.error).toMatch(/^The agent container lost the Docker engine while the call ran/);
      // The gateway is up and says what is wrong.
      const health = await request(gateway.gw.url).get('/api/health').expect(200);
      expect(health.body).toMatchObject({ status: 'degraded', containers: 'unavailable' });
      const state = await request(gateway.gw.url).get('/api/containers/state').set(gateway.auth).expect(200);
      expect(state.body).toMatchObject({
        enabled: true,
        engineReachable: false,
        problem: `Container mode: the Docker engine is not reachable at unix://${socketPath} (ENOENT). Start Docker or set DOCKER_HOST.`,
      });
      claude.script({ text: 'unused' });
      const refused = await gateway.finished((await gateway.submit({ message: 'Try again' })).runId);
      expect(refused).toMatchObject({ status: 'failed', error: state.body.problem, isolated: true });
      // Without the gateway's connection the runner's stdin closed: it exited and the engine removed it.
      await waitUntil('the orphan removed', async () => !(await gateway.containers()).some((c) => c.Id === id));
    });
  });

  it('names the build command when the image is missing', async () => {
    const gateway = await startIsolatedGateway(claude, {
      AGENT_CONTAINER_IMAGE: 'lg-test-no-such-image:none',
      CONTAINER_WARM_POOL: '0',
    });
    try {
      const message =
        'Container mode: the image lg-test-no-such-image:none is missing. Build it with: docker build -t lg-test-no-such-image:none ./agent-runner';
      const state = await request(gateway.gw.url).get('/api/containers/state').set(gateway.auth).expect(200);
      expect(state.body).toMatchObject({ engineReachable: true, imagePresent: false, problem: message });
      const run = await gateway.finished((await gateway.submit({ message: 'Hello' })).runId);
      expect(run).toMatchObject({ status: 'failed', error: message, isolated: true, containerExit: null });
      await request(gateway.gw.url).get('/api/containers/state').expect(401);
    } finally {
      await gateway.gw.close();
    }
  });
});

/**
 * A Docker engine the test can take away: a real unix socket that relays each connection to the
 * engine's socket; `stop` closes it and cuts every relayed connection, as a stopped dockerd would.
 */
class DockerProxy {
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    private readonly path: string,
  ) {}

  static async start(path: string): Promise<DockerProxy> {
    rmSync(path, { force: true });
    const server = createNetServer();
    const proxy = new DockerProxy(server, path);
    server.on('connection', (client) => {
      const upstream = connect('/var/run/docker.sock');
      for (const socket of [client, upstream]) {
        proxy.sockets.add(socket);
        socket.on('close', () => proxy.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return proxy;
  }

  stop(): void {
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    rmSync(this.path, { force: true });
  }
}

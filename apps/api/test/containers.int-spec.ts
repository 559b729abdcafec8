import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import request from 'supertest';
import { LocalClaude, type RecordedRequest, type ScriptStep, startGatewayProcess } from '@loop-gateway/testing';
import { ContainerPool } from '../src/containers/container-pool.js';
import { TelegramAdapterFactory } from '../src/channels/telegram/telegram.factory.js';
import { EventBus } from '../src/events/event-bus.js';
import { buildAgentImage, HOST_HAS_PYTHON } from './agent-image.js';
import { startGateway, waitForFirings } from './pipeline-harness.js';
import { startTelegramEmulator } from './telegram-emulator.js';
import { ADMIN, setupAdmin } from './test-app.js';
import { waitUntil } from './wait.js';

const exec = promisify(execFile);
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
/** The Telegram emulator's bot token. */
const BOT_TOKEN = `424242:${'IsolatedBotToken_'.repeat(2)}`;
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
  toolCalls: { id: string; name: string; output: string; isError: boolean }[];
}

const node = (script: string): ScriptStep => ({ toolUse: { name: 'run_script', input: { language: 'node', script } } });
const python = (script: string): ScriptStep => ({
  toolUse: { name: 'run_script', input: { language: 'python', script } },
});
const call = (name: string, input: object = {}): ScriptStep => ({ toolUse: { name, input } });
/** A custom skill as POST /api/skills takes it. */
const skill = (name: string, handler: string, manifest: object = {}) => ({
  manifest: {
    name,
    description: `The ${name} skill`,
    version: '1.0.0',
    inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
    ...manifest,
  },
  handler,
});
const UPPER =
  'module.exports = async ({ query }) => ({ result: query.toUpperCase(), process: typeof process, require: typeof require });';
/** Waits (inside the container) until the test touches /work/release through `docker exec`. */
const HOLD = `while (!require('fs').existsSync('/work/release')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);`;

async function startIsolatedGateway(claude: LocalClaude, env: Record<string, string>) {
  const gateway = await startGateway(claude, { AGENT_CONTAINER_MODE: 'true', ANTHROPIC_API_KEY: KEY, ...env });
  await request(gateway.gw.url).post('/api/approval-rules').set(gateway.auth).send(RUN_SCRIPT_FREELY).expect(200);
  const pool = gateway.gw.app.get(ContainerPool);
  const run = async (runId: string) =>
    (await request(gateway.gw.url).get(`/api/runs/${runId}`).set(gateway.auth).expect(200)).body as IsolatedRun;
  /**
   * The run once it has ended and, when it had a container, that container's exit is stored (a
   * completed run's end does not wait for the engine's exit report). A run that never got a
   * container (container mode could not give it one) has none to wait for.
   */
  const finished = async (runId: string) => {
    await gateway.waitForRun(runId, 25_000);
    return waitUntil(`the container exit of ${runId}`, async () => {
      const current = await run(runId);
      return (current.containerExit !== null || current.error?.startsWith('Container mode:')) && current;
    });
  };
  /** This gateway's containers on the engine, running or not. */
  const containers = () =>
    docker.listContainers({ all: true, filters: { label: [`loop-gateway.instance=${pool.instance}`] } });
  /** The container serving the run, once it serves it. */
  const containerOf = (runId: string) => waitUntil(`a container for ${runId}`, () => pool.forRun(runId)?.id);
  const install = async (body: object) => {
    await request(gateway.gw.url).post('/api/skills').set(gateway.auth).send(body).expect(201);
  };
  /** container:start and container:exit events from now on, in order. */
  const containerEvents = () => {
    const events: { event: string; runId: string; containerId: string; exit?: string }[] = [];
    const subscription = gateway.gw.app.get(EventBus).events$.subscribe((e) => {
      if (e.event === 'container:start' || e.event === 'container:exit') {
        const payload = e.payload as { runId: string; containerId: string; exit?: string };
        events.push({ event: e.event, ...payload });
      }
    });
    return { events, stop: () => subscription.unsubscribe() };
  };
  return { ...gateway, pool, run, finished, containers, containerOf, install, containerEvents };
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
    /** What skills fetch: a host service the container cannot reach itself (its fetch is brokered). */
    const skillTarget = createHttpServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, method: req.method, from: 'the host' }));
    });
    let targetPort = 0;

    beforeAll(async () => {
      await new Promise<void>((resolve) => skillTarget.listen(0, '127.0.0.1', resolve));
      targetPort = (skillTarget.address() as AddressInfo).port;
      gateway = await startIsolatedGateway(claude, {
        TOOL_ALLOWED_HOSTS: `127.0.0.1:${targetPort}`,
        // A skill's result is untrusted content; its fetches after that go to a trusted host, unheld.
        TOOL_TRUSTED_DESTINATIONS: `127.0.0.1:${targetPort}`,
        SKILL_MEMORY_MB: '32',
        AGENT_CONTAINER_IMAGE: agentImage.image,
        MAX_CONCURRENT_CONTAINERS: '2',
        CONTAINER_WARM_POOL: '1',
        CONTAINER_MEMORY_MB: '128',
        CONTAINER_PIDS_LIMIT: '64',
        RUN_CONCURRENCY: '12',
        RUN_MAX_ITERATIONS: '10',
      });
      gateway.pool.observe((_direction, line) => lines.push(line));
    }, 60_000);
    afterAll(async () => {
      skillTarget.close();
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
      const from = lines.length;
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
      // The runner stepped the loop: it asked for each model call and for the tool calls, in order.
      const asked = lines
        .slice(from)
        .map((line) => JSON.parse(line) as { type: string; call?: string; toolUseIds?: string[] })
        .filter((message) => message.type === 'broker');
      expect(asked.map((message) => message.call)).toEqual(['model', 'tools', 'model']);
      expect(asked[1]!.toolUseIds).toEqual([run.toolCalls[0]!.id]);
      await waitUntil('the container removed', async () => !(await gateway.containers()).some((c) => c.Id === id));
    });

    it('stops a run at its iteration limit when the runner steps the loop', async () => {
      claude.respondWith(() => node('console.log(1)'));
      const run = await gateway.finished((await gateway.submit({ message: 'Loop forever' })).runId);
      expect(run).toMatchObject({
        status: 'failed',
        error: 'Stopped after 10 model calls (RUN_MAX_ITERATIONS)',
        isolated: true,
        containerExit: 'exit code 0',
      });
      expect(run.toolCalls).toHaveLength(9);
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
      const child = await gateway.finished(coder!.currentRunId);
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

    it('runs custom skills in the run’s container: same results, limits and sentences; fetch brokered by the gateway', async () => {
      const target = `127.0.0.1:${targetPort}`;
      await gateway.install(skill('iso-upper', UPPER));
      await gateway.install(
        skill(
          'iso-fetch',
          `module.exports = async () => { const r = await fetch('http://${target}/hello?x=1', { method: 'post', body: 'b' }); return { status: r.status, body: await r.json() }; };`,
          { permissions: { fetch: [target] } },
        ),
      );
      await gateway.install(
        skill('iso-sneak', `module.exports = async () => (await fetch('http://example.com/')).status;`, {
          permissions: { fetch: [target] },
        }),
      );
      await gateway.install(skill('iso-spin', 'module.exports = async () => { for (;;) {} };', { timeoutMs: 300 }));
      await gateway.install(
        skill(
          'iso-bomb',
          "module.exports = async () => { const hold = []; for (;;) hold.push('x'.repeat(1024) + Math.random()); };",
          { timeoutMs: 20000 },
        ),
      );
      await gateway.install(skill('iso-throw', "module.exports = async () => { throw 'plain string'; };"));
      await gateway.install(skill('iso-big', "module.exports = async () => 'x'.repeat(300 * 1024);"));
      const from = lines.length;
      claude.script(
        call('iso-upper', { query: 'hello' }),
        call('iso-fetch'),
        call('iso-sneak'),
        call('iso-spin'),
        call('iso-bomb'),
        call('iso-throw'),
        call('iso-big'),
        { text: 'Skills done.' },
      );
      const { runId } = await gateway.submit({ message: 'Use the skills' });
      const containerId = await gateway.containerOf(runId);
      const run = await gateway.finished(runId);
      expect(run).toMatchObject({
        status: 'completed',
        reply: 'Skills done.',
        isolated: true,
        containerExit: 'exit code 0',
      });
      const outputs = run.toolCalls.map((toolCall) => toolCall.output);
      expect(outputs[0]).toContain('{"result":"HELLO","process":"undefined","require":"undefined"}');
      expect(outputs[1]).toContain('{"status":200,"body":{"path":"/hello?x=1","method":"POST","from":"the host"}}');
      expect(outputs[2]).toContain(
        `Skill "iso-sneak" 1.0.0 failed: fetch: example.com is not in this skill's permissions.fetch (${target})`,
      );
      expect(outputs[3]).toContain(
        'Skill "iso-spin" 1.0.0 failed: the skill ran longer than its 300 ms limit and was stopped',
      );
      expect(outputs[4]).toContain(
        'Skill "iso-bomb" 1.0.0 failed: the skill went over its 32 MB memory limit and was stopped',
      );
      expect(outputs[5]).toContain(
        'Skill "iso-throw" 1.0.0 failed: the handler threw a non-Error value: "plain string"',
      );
      expect(outputs[6]).toContain('Skill "iso-big" 1.0.0 failed: the result is larger than 262144 bytes of JSON');
      // The handlers went over the protocol to that container, and the fetches came back to the gateway.
      const stream = lines.slice(from);
      const skillLines = stream.filter((line) => line.includes('"type":"skill"'));
      expect(skillLines).toHaveLength(7);
      expect(skillLines[0]).toContain(JSON.stringify(UPPER).slice(1, -1));
      const fetches = stream.filter((line) => line.includes('"call":"fetch"'));
      expect(fetches).toHaveLength(2);
      const fetchIds = fetches.map((line) => (JSON.parse(line) as { id: string }).id);
      const answers = stream.filter(
        (line) => line.includes('"type":"brokered"') && fetchIds.includes((JSON.parse(line) as { id: string }).id),
      );
      expect(answers).toHaveLength(2);
      expect(stream.filter((line) => line.includes(KEY))).toEqual([]);
      expect(containerId).toBeTruthy();

      // An operator's try (no run) gets a throw-away container of its own.
      const before = lines.length;
      const tried = await request(gateway.gw.url)
        .post('/api/skills/iso-upper/try')
        .set(gateway.auth)
        .send({ input: { query: 'try' } })
        .expect(200);
      expect(tried.body).toMatchObject({ isError: false });
      expect(tried.body.content).toContain('"result":"TRY"');
      expect(lines.slice(before).some((line) => line.includes('"type":"skill"'))).toBe(true);
    });

    it('pauses a held call without a container, and a new container continues after the approval with the pinned skill', async () => {
      await gateway.install(skill('iso-gate', 'module.exports = async () => "open";', { riskLevel: 'high' }));
      await gateway.install(skill('iso-pinned', UPPER));
      const watch = gateway.containerEvents();
      try {
        claude.script(call('iso-gate'), call('iso-pinned', { query: 'pinned' }), node(`console.log('after')`), {
          text: 'Resumed.',
        });
        const { runId } = await gateway.submit({ message: 'Open the gate, then go on' });
        const approval = await gateway.heldApproval(runId);
        expect(approval.toolName).toBe('iso-gate');
        // Waiting: the container went with the pause.
        const waiting = await waitUntil('the first container’s exit stored', async () => {
          const current = await gateway.run(runId);
          return current.containerExit && current;
        });
        expect(waiting).toMatchObject({ status: 'waiting', containerExit: 'exit code 0', isolated: true });
        expect(gateway.pool.forRun(runId)).toBeNull();
        const first = watch.events.find((e) => e.event === 'container:start' && e.runId === runId)!.containerId;
        await waitUntil(
          'the first container removed',
          async () => !(await gateway.containers()).some((c) => c.Id === first),
        );
        // Reloaded while the run waits: the run keeps the revision it started with.
        await request(gateway.gw.url)
          .put('/api/skills/iso-pinned')
          .set(gateway.auth)
          .send({ handler: 'module.exports = async () => ({ result: "new code" });' })
          .expect(200);

        await request(gateway.gw.url)
          .post(`/api/approvals/${approval.id}/approve`)
          .set(gateway.auth)
          .send({})
          .expect(200);
        const run = await gateway.finished(runId);
        expect(run).toMatchObject({ status: 'completed', reply: 'Resumed.', containerExit: 'exit code 0' });
        expect(run.toolCalls.map((toolCall) => toolCall.name)).toEqual(['iso-gate', 'iso-pinned', 'run_script']);
        expect(run.toolCalls[0]!.output).toContain('"open"');
        expect(run.toolCalls[1]!.output).toContain('"result":"PINNED"');
        expect(run.toolCalls[2]!.output).toContain('after');
        const starts = watch.events.filter((e) => e.event === 'container:start' && e.runId === runId);
        expect(starts).toHaveLength(2);
        expect(starts[1]!.containerId).not.toBe(first);
        // The run's containerExit already held the first container's exit: wait for the second's.
        const exits = await waitUntil('both containers’ exits', () => {
          const seen = watch.events.filter((e) => e.event === 'container:exit' && e.runId === runId);
          return seen.length >= 2 && seen;
        });
        expect(exits.map((e) => [e.containerId, e.exit])).toEqual([
          [first, 'exit code 0'],
          [starts[1]!.containerId, 'exit code 0'],
        ]);
      } finally {
        watch.stop();
      }
    });

    it('runs isolated from an inbound webhook and from a loop task’s iterations', async () => {
      const watch = gateway.containerEvents();
      try {
        const hook = (
          await request(gateway.gw.url)
            .post('/api/webhooks')
            .set(gateway.auth)
            .send({ name: 'iso-hook', platform: 'n8n' })
            .expect(201)
        ).body as { token: string };
        claude.script(node(`console.log('from the webhook, uid ' + process.getuid())`), { text: 'Hooked.' });
        const invoked = await request(gateway.gw.url)
          .post(`/webhook/invoke/${hook.token}`)
          .send({ message: 'Run it', sync: true })
          .expect(200);
        expect(invoked.body).toMatchObject({ status: 'completed', reply: 'Hooked.' });
        const hooked = await gateway.finished(invoked.body.runId as string);
        expect(hooked).toMatchObject({ isolated: true, containerExit: 'exit code 0' });
        expect(hooked.toolCalls[0]!.output).toContain('from the webhook, uid 1000');

        claude.script(
          node(`console.log('iteration one in ' + require('os').hostname())`),
          { text: 'Part one.' },
          node(`console.log('iteration two in ' + require('os').hostname())`),
          { text: 'Part two.\n<promise>COMPLETE</promise>' },
        );
        const task = (
          await request(gateway.gw.url)
            .post('/api/tasks')
            .set(gateway.auth)
            .send({ name: 'Isolated task', prompt: 'Two parts, with a script each.', maxIterations: 4 })
            .expect(201)
        ).body as { id: string };
        const done = await waitUntil(
          'the task to complete',
          async () => {
            const current = (await request(gateway.gw.url).get(`/api/tasks/${task.id}`).set(gateway.auth).expect(200))
              .body as { status: string; iterationLog: { runId: string | null }[] };
            return ['completed', 'failed', 'stopped'].includes(current.status) && current;
          },
          60_000,
        );
        expect(done.status).toBe('completed');
        const runIds = done.iterationLog.map((iteration) => iteration.runId!);
        expect(runIds).toHaveLength(2);
        const iterations = await Promise.all(runIds.map((runId) => gateway.finished(runId)));
        expect(iterations.map((run) => [run.isolated, run.containerExit])).toEqual([
          [true, 'exit code 0'],
          [true, 'exit code 0'],
        ]);
        // Each iteration had a container of its own (the hostname is the container's short id).
        const hosts = iterations.map((run) => /in ([0-9a-f]{12})/.exec(run.toolCalls[0]!.output)?.[1]);
        const started = runIds.map(
          (runId) => watch.events.find((e) => e.event === 'container:start' && e.runId === runId)!.containerId,
        );
        expect(hosts).toEqual(started.map((id) => id.slice(0, 12)));
        expect(new Set(hosts).size).toBe(2);
      } finally {
        watch.stop();
      }
    });

    it('runs isolated from a Telegram message (Bot API emulator) and from a scheduled job', async () => {
      const telegram = await startTelegramEmulator();
      gateway.gw.app.get(TelegramAdapterFactory).options = { minPollIntervalMs: 50 };
      const api = request(gateway.gw.url);
      let channelId: string | undefined;
      try {
        channelId = (
          await api
            .post('/api/channels')
            .set(gateway.auth)
            .send({
              type: 'telegram',
              name: 'Isolated bot',
              config: { botToken: BOT_TOKEN, apiRoot: telegram.config.apiURL },
              allowedSenders: ['1001'],
            })
            .expect(201)
        ).body.id as string;
        await waitUntil('the channel to connect', async () => {
          const body = (await api.get(`/api/channels/${channelId}`).set(gateway.auth).expect(200)).body;
          return body.state === 'connected';
        });
        claude.script(node(`console.log('from Telegram, uid ' + process.getuid())`), { text: 'Hello Alice.' });
        const alice = telegram.getClient(BOT_TOKEN, { userId: 1001, chatId: 1001, firstName: 'Alice' });
        await alice.sendMessage(alice.makeMessage('Run something'));
        await waitUntil('the reply', () =>
          telegram.storage.botMessages.some((m) => String(m.message.chat_id) === '1001'),
        );
        const runId = await waitUntil('the message’s run', async () => {
          const listed = (await api.get(`/api/channels/${channelId}/messages?limit=10`).set(gateway.auth).expect(200))
            .body as { runId: string | null }[];
          return listed.find((m) => m.runId)?.runId;
        });
        const fromTelegram = await gateway.finished(runId);
        expect(fromTelegram).toMatchObject({ status: 'completed', reply: 'Hello Alice.', isolated: true });
        expect(fromTelegram.containerExit).toBe('exit code 0');
        expect(fromTelegram.toolCalls[0]!.output).toContain('from Telegram, uid 1000');
      } finally {
        if (channelId) await api.delete(`/api/channels/${channelId}`).set(gateway.auth);
        await telegram.stop();
      }

      const job = (
        await api
          .post('/api/scheduler/jobs')
          .set(gateway.auth)
          .send({
            name: 'Isolated job',
            trigger: { type: 'once', at: '2099-01-01T00:00:00Z' },
            action: { type: 'agent', prompt: 'Run the nightly script.' },
          })
          .expect(201)
      ).body as { id: string };
      claude.script(node(`console.log('from the scheduler, uid ' + process.getuid())`), { text: 'Nightly done.' });
      await api.post(`/api/scheduler/jobs/${job.id}/run`).set(gateway.auth).send({}).expect(202);
      const [firing] = await waitForFirings<{ status: string; runId: string }>(gateway, job.id, 1, 30_000);
      const scheduled = await gateway.finished(firing!.runId);
      expect(scheduled).toMatchObject({ status: 'completed', reply: 'Nightly done.', isolated: true });
      expect(scheduled.containerExit).toBe('exit code 0');
      expect(scheduled.toolCalls[0]!.output).toContain('from the scheduler, uid 1000');
      await api.delete(`/api/scheduler/jobs/${job.id}`).set(gateway.auth);
    });

    it('runs a Python script in the container when the image has python3 (the test image has it when this machine does)', async () => {
      const script = [
        'import json, os, socket',
        'try:',
        "    socket.create_connection(('1.1.1.1', 443), timeout=3)",
        "    net = 'connected'",
        'except OSError as e:',
        '    net = type(e).__name__',
        "print(json.dumps({'uid': os.getuid(), 'cwd': os.getcwd().startswith('/work/'), 'net': net, 'sum': sum(range(10))}))",
      ].join('\n');
      claude.script(python(script), { text: 'Python ran.' });
      const run = await gateway.finished((await gateway.submit({ message: 'Some Python' })).runId);
      expect(run).toMatchObject({ status: 'completed', reply: 'Python ran.', isolated: true });
      const output = run.toolCalls[0]!.output;
      if (!HOST_HAS_PYTHON) {
        // A leaner image says so, naming what it has.
        expect(output).toContain('python is not installed in the agent image (AGENT_CONTAINER_IMAGE); it has node');
        return;
      }
      const report = JSON.parse(output.match(/\{"uid".*\}/)![0]) as Record<string, unknown>;
      expect(report).toMatchObject({ uid: 1000, cwd: true, sum: 45 });
      expect(report['net']).not.toBe('connected');
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
          // Containers that hold a slot: created or running (not the exited ones the engine is still removing).
          const live = (await gateway.containers()).filter((c) => c.State === 'created' || c.State === 'running');
          mostOnEngine = Math.max(mostOnEngine, live.length);
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

  it('fills the warm pool once the image exists, without waiting for a call', async () => {
    const late = `lg-test-agent-late:${agentImage.image.split(':')[1]}`;
    const gateway = await startIsolatedGateway(claude, { AGENT_CONTAINER_IMAGE: late, CONTAINER_WARM_POOL: '1' });
    try {
      const state = async () =>
        (await request(gateway.gw.url).get('/api/containers/state').set(gateway.auth).expect(200)).body as {
          warm: number;
          problem: string | null;
        };
      await waitUntil('the missing image reported', async () => (await state()).problem?.includes('is missing'));
      await exec('docker', ['tag', agentImage.image, late]);
      // The pool tries again after a pause (5 s after the first failure) and fills.
      const filled = await waitUntil(
        'a warm container',
        async () => {
          const current = await state();
          return current.warm === 1 && current;
        },
        30_000,
      );
      expect(filled.problem).toBeNull();
    } finally {
      await gateway.gw.close();
      await exec('docker', ['image', 'rm', late]).catch(() => undefined);
    }
  }, 60_000);

  it('names the rebuild when the image’s runner is older than the gateway', async () => {
    const old = `lg-test-agent-old:${agentImage.image.split(':')[1]}`;
    const dir = mkdtempSync(join(tmpdir(), 'lg-old-runner-'));
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM ${agentImage.image}\nUSER root\nRUN sed -i 's/^const PROTOCOL = 3;/const PROTOCOL = 2;/' /app/runner.js && grep -q 'PROTOCOL = 2;' /app/runner.js\nUSER node\n`,
    );
    await exec('docker', ['build', '-q', '-t', old, dir]);
    const gateway = await startIsolatedGateway(claude, { AGENT_CONTAINER_IMAGE: old, CONTAINER_WARM_POOL: '0' });
    try {
      claude.script({ text: 'unused' });
      const run = await gateway.finished((await gateway.submit({ message: 'Hello' })).runId);
      expect(run).toMatchObject({
        status: 'failed',
        error: `Container mode: the image ${old} is older than this gateway (its runner speaks protocol 2, this gateway needs 3). Build it again with: docker build -t ${old} ./agent-runner`,
        isolated: true,
      });
      await waitUntil('no container left', async () => (await gateway.containers()).length === 0);
    } finally {
      await gateway.gw.close();
      rmSync(dir, { recursive: true, force: true });
      await exec('docker', ['image', 'rm', '-f', old]).catch(() => undefined);
    }
  }, 120_000);

  it('makes only the steps the loop takes: a runner taken over by code in its container is killed, nothing is run for it', async () => {
    // Two runners as code in the container could make them (it can write to the runner's stdout): one
    // asks for tool calls the model never made, one ends the loop before the run has ended.
    const tag = agentImage.image.split(':')[1];
    const variants = {
      forged: {
        image: `lg-test-agent-forged:${tag}`,
        edit: `s/model: async () => (await ask('model'))/model: async () => (await ask('tools', { toolUseIds: ['toolu_forged'] }))/`,
      },
      early: {
        image: `lg-test-agent-early:${tag}`,
        edit: 's/^  agentLoop(request.turn, {/  Promise.resolve(request.turn, {/',
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'lg-taken-runner-'));
    for (const { image, edit } of Object.values(variants)) {
      writeFileSync(
        join(dir, 'Dockerfile'),
        `FROM ${agentImage.image}\nUSER root\nRUN cp /app/runner.js /tmp/runner.js && sed -i "${edit}" /app/runner.js && ! cmp -s /app/runner.js /tmp/runner.js\nUSER node\n`,
      );
      await exec('docker', ['build', '-q', '-t', image, dir]);
    }
    try {
      for (const [name, { image }] of Object.entries(variants)) {
        const gateway = await startIsolatedGateway(claude, { AGENT_CONTAINER_IMAGE: image, CONTAINER_WARM_POOL: '0' });
        try {
          const asked = claude.requests.length;
          claude.script(call('http_request', { url: 'http://127.0.0.1:9/' }), { text: 'unused' });
          const run = await gateway.finished((await gateway.submit({ message: `Hello ${name}` })).runId);
          const error =
            name === 'forged'
              ? "The agent container killed: its runner asked for its tool calls where the loop's next step is a model call"
              : "The agent container's runner ended the loop before the run ended";
          expect(run).toMatchObject({ status: 'failed', error, isolated: true, toolCalls: [] });
          // Neither runner got a model call made for it: the forged one was refused before any, the
          // early one never asked.
          expect(claude.requests.length).toBe(asked);
          claude.reset();
          await waitUntil('no container left', async () => (await gateway.containers()).length === 0);
        } finally {
          await gateway.gw.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      for (const { image } of Object.values(variants)) {
        await exec('docker', ['image', 'rm', '-f', image]).catch(() => undefined);
      }
    }
  }, 120_000);

  it('removes at boot an agent container a gateway created and never started (a crash between the two)', async () => {
    // As a gateway that died between create and start leaves it: labelled, created, never started.
    const leftover = await docker.createContainer({
      Image: agentImage.image,
      Labels: { 'loop-gateway.agent': '1', 'loop-gateway.instance': 'a-gateway-that-crashed' },
      NetworkDisabled: true,
    });
    // A container that is not an agent's stays, whatever its state.
    const unrelated = await docker.createContainer({ Image: agentImage.image, Labels: { 'lg-test': 'unrelated' } });
    const gateway = await startIsolatedGateway(claude, {
      AGENT_CONTAINER_IMAGE: agentImage.image,
      CONTAINER_WARM_POOL: '0',
    });
    try {
      const exists = (id: string) =>
        docker
          .getContainer(id)
          .inspect()
          .then(() => true)
          .catch(() => false);
      await waitUntil('the never-started container removed', async () => !(await exists(leftover.id)));
      expect(await exists(unrelated.id)).toBe(true);
    } finally {
      await gateway.gw.close();
      await unrelated.remove({ force: true });
    }
  });

  it('continues a run after kill -9 of the gateway: the orphan container goes, a new one finishes the run', async () => {
    // A tag of its own, so this gateway's containers are told apart on the shared engine.
    const tag = `lg-test-agent-k9:${agentImage.image.split(':')[1]}`;
    await exec('docker', ['tag', agentImage.image, tag]);
    const dataDir = mkdtempSync(join(tmpdir(), 'lg-k9-'));
    const env = {
      ANTHROPIC_BASE_URL: claude.url,
      ANTHROPIC_API_KEY: KEY,
      MODEL_MAX_RETRIES: '0',
      AGENT_CONTAINER_MODE: 'true',
      AGENT_CONTAINER_IMAGE: tag,
      CONTAINER_WARM_POOL: '0',
    };
    const ours = async () =>
      (await docker.listContainers({ all: true, filters: { label: ['loop-gateway.agent'] } })).filter(
        (c) => c.Image === tag,
      );
    let gw = await startGatewayProcess({ dataDir, env });
    try {
      const auth = { Authorization: `Bearer ${await setupAdmin(gw.url)}` };
      await request(gw.url).post('/api/approval-rules').set(auth).send(RUN_SCRIPT_FREELY).expect(200);
      claude.script(node(HOLD), { text: 'Recovered.' });
      const { runId } = (await request(gw.url).post('/api/runs').set(auth).send({ message: 'Hold on' }).expect(202))
        .body as { runId: string };
      // The script is running in its container when the gateway dies.
      await waitUntil(
        'the script running',
        async () => {
          const body = (await request(gw.url).get(`/api/runs/${runId}`).set(auth).expect(200)).body as {
            toolCalls: { status: string }[];
          };
          return body.toolCalls[0]?.status === 'running';
        },
        30_000,
        300,
      );
      const [orphan] = await ours();
      expect(orphan?.State).toBe('running');
      const exited = new Promise((resolve) => gw.child.once('exit', resolve));
      gw.child.kill('SIGKILL');
      await exited;
      // The engine's connection to the gateway closed: the runner's stdin ended, it stopped the script
      // and exited, and the engine removed the container.
      await waitUntil('the orphan removed', async () => !(await ours()).some((c) => c.Id === orphan!.Id), 30_000);

      gw = await startGatewayProcess({ dataDir, env });
      const login = await request(gw.url).post('/api/auth/login').send(ADMIN).expect(200);
      const again = { Authorization: `Bearer ${login.body.token as string}` };
      let seen: IsolatedRun | undefined;
      const run = await waitUntil(
        () => `the run resumed and finished (seen: ${seen?.status}; log: ${gw.output().slice(-3000)})`,
        async () => {
          const body = (await request(gw.url).get(`/api/runs/${runId}`).set(again).expect(200)).body as IsolatedRun;
          seen = body;
          return ['completed', 'failed'].includes(body.status) && body.containerExit !== null && body;
        },
        30_000,
        // The built gateway limits requests per minute: poll it gently.
        300,
      );
      expect(run).toMatchObject({
        status: 'completed',
        reply: 'Recovered.',
        isolated: true,
        containerExit: 'exit code 0',
      });
      // The script that may have run is reported, not run a second time.
      expect(run.toolCalls[0]).toMatchObject({ name: 'run_script', isError: true });
      expect(run.toolCalls[0]!.output).toContain('interrupted by a gateway restart');
    } finally {
      await gw.stop();
      rmSync(dataDir, { recursive: true, force: true });
      try {
        let left: unknown[] = [];
        await waitUntil(
          () => `no container of this gateway left (left: ${JSON.stringify(left)})`,
          async () => {
            left = (await ours()).map((c) => ({ id: c.Id.slice(0, 12), state: c.State, status: c.Status }));
            return left.length === 0;
          },
          30_000,
        );
      } finally {
        await exec('docker', ['image', 'rm', tag]).catch(() => undefined);
      }
    }
  }, 120_000);

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

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressGuard } from '../../tools/net/address-guard.js';
import { skillFetcher } from './skill-fetch.js';
import { type SandboxLimits, SkillSandbox } from './skill-sandbox.js';

const limits: SandboxLimits = { memoryMb: 32, timeoutMs: 1500, maxResultBytes: 64 * 1024 };
const README_EXAMPLE = 'module.exports = async ({ query }) => ({ result: query.toUpperCase() });';

describe('SkillSandbox', () => {
  let sandbox: SkillSandbox;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    sandbox = new SkillSandbox(2);
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, method: req.method }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const run = (code: string, input: unknown = {}, extra: Partial<SandboxLimits> = {}) =>
    sandbox.run({ code, input, limits: { ...limits, ...extra } });

  /** The sandbox still works after an attack: the README example answers. */
  async function expectHealthy(): Promise<void> {
    await expect(run(README_EXAMPLE, { query: 'still fine' })).resolves.toEqual({ result: 'STILL FINE' });
  }

  it('runs the README example', async () => {
    await expect(run(README_EXAMPLE, { query: 'hello' })).resolves.toEqual({ result: 'HELLO' });
  });

  it('accepts exports.x style and a synchronous handler returning any JSON', async () => {
    await expect(run('module.exports = (input) => [input.a, null, true, "x"];', { a: 1 })).resolves.toEqual([
      1,
      null,
      true,
      'x',
    ]);
    await expect(run('module.exports = () => undefined;')).resolves.toBeNull();
  });

  it.each([
    ['the Function constructor', "module.exports = async () => this.constructor.constructor('return process')().env"],
    ['Function via a prototype', "module.exports = async () => ({}).constructor.constructor('return process')().pid"],
    ['require', "module.exports = async () => require('fs').readFileSync('/etc/passwd', 'utf8')"],
    ['process.env', 'module.exports = async () => process.env'],
    ['import()', "module.exports = async () => (await import('node:fs')).readFileSync('/etc/passwd', 'utf8')"],
    ['timers', 'module.exports = async () => new Promise((resolve) => setTimeout(resolve, 10))'],
  ])('refuses %s', async (_what, code) => {
    await expect(run(code)).rejects.toThrow(/not defined|not a function|Cannot|not supported|undefined/i);
    await expectHealthy();
  });

  it('finds nothing of Node through globalThis', async () => {
    const code = `module.exports = async () => {
      const names = Object.getOwnPropertyNames(globalThis);
      const g = (0, eval)('this');
      return { names, same: g === globalThis, process: typeof g.process, require: typeof g.require,
        buffer: typeof globalThis.Buffer, global: typeof globalThis.global, timers: typeof setInterval };
    };`;
    const result = (await run(code)) as Record<string, unknown>;
    expect(result).toMatchObject({ same: true, process: 'undefined', require: 'undefined', buffer: 'undefined' });
    expect(result.global).toBe('undefined');
    expect(result.timers).toBe('undefined');
    expect(result.names).not.toEqual(expect.arrayContaining(['process', 'require', 'module', 'fetch']));
  });

  it('does not let one call pollute the prototypes another call sees', async () => {
    await run(`module.exports = async (input) => {
      Object.prototype.polluted = 'yes'; Array.prototype.push = () => 0; JSON.parse = () => 'owned';
      input.__proto__.polluted = 'yes';
      return 1;
    };`);
    await expect(
      run(
        'module.exports = async (input) => ({ p: ({}).polluted ?? null, q: input.polluted ?? null, n: [].push(1) })',
        {
          a: 1,
        },
      ),
    ).resolves.toEqual({ p: null, q: null, n: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stops an infinite loop at the time limit, and the next call runs', async () => {
    await expect(run('module.exports = async () => { for (;;) {} };', {}, { timeoutMs: 300 })).rejects.toThrow(
      /longer than its 300 ms limit/,
    );
    await expectHealthy();
  });

  it('stops a top-level infinite loop', async () => {
    await expect(run('for (;;) {}', {}, { timeoutMs: 300 })).rejects.toThrow(/300 ms limit/);
    await expectHealthy();
  });

  it('stops a 2 GB allocation at the memory limit', async () => {
    const code = `module.exports = async () => {
      const chunks = [];
      for (let i = 0; i < 2048; i++) chunks.push(new Array(1024 * 1024 / 8).fill(i + 0.5));
      return chunks.length;
    };`;
    await expect(run(code, {}, { timeoutMs: 10_000 })).rejects.toThrow(/32 MB memory limit/);
    await expectHealthy();
  });

  it('refuses a 2 GB ArrayBuffer', async () => {
    await expect(run('module.exports = async () => new Uint8Array(2 * 1024 ** 3).length;')).rejects.toThrow(
      /memory|Array buffer allocation failed|Invalid/i,
    );
    await expectHealthy();
  });

  it('stops a promise that never settles', async () => {
    await expect(run('module.exports = () => new Promise(() => {});', {}, { timeoutMs: 300 })).rejects.toThrow(
      /300 ms limit/,
    );
    await expectHealthy();
  });

  it('stops a flood of microtasks', async () => {
    const code =
      'module.exports = async () => { const spin = () => Promise.resolve().then(spin); spin(); for (;;) await null; };';
    await expect(run(code, {}, { timeoutMs: 300 })).rejects.toThrow(/limit|stopped/);
    await expectHealthy();
  });

  it.each([
    ['a string', "module.exports = async () => { throw 'plain string'; };", /non-Error value: "plain string"/],
    ['null', 'module.exports = async () => { throw null; };', /non-Error value: null/],
    ['an object', 'module.exports = async () => { throw { code: 42 }; };', /non-Error value: \{"code":42\}/],
    ['an Error', "module.exports = async () => { throw new TypeError('bad input'); };", /bad input/],
  ])('reports a handler that throws %s', async (_what, code, message) => {
    await expect(run(code)).rejects.toThrow(message);
    await expectHealthy();
  });

  it('refuses a result that is too big or not JSON', async () => {
    await expect(run("module.exports = async () => 'x'.repeat(100000);")).rejects.toThrow(/larger than 65536 bytes/);
    await expect(run('module.exports = async () => { const a = {}; a.a = a; return a; };')).rejects.toThrow(
      /circular/i,
    );
    await expect(run('module.exports = async () => () => 1;')).rejects.toThrow(/not JSON/);
    await expect(run('module.exports = async () => 10n;')).rejects.toThrow(/BigInt/);
    await expectHealthy();
  });

  /**
   * A pool of one warm worker for a test that ends it: `pid` is that worker's process; afterwards the
   * pool must have replaced it and run the next call on the new one.
   */
  async function withOneWorker(test: (single: SkillSandbox, pid: number) => Promise<void>): Promise<void> {
    const single = new SkillSandbox(1);
    try {
      await expect(single.run({ code: README_EXAMPLE, input: { query: 'a' }, limits })).resolves.toEqual({
        result: 'A',
      });
      const [pid] = single.pids;
      await test(single, pid!);
      await expect(single.run({ code: README_EXAMPLE, input: { query: 'z' }, limits })).resolves.toEqual({
        result: 'Z',
      });
      expect(single.pids).toHaveLength(1);
      expect(single.pids[0]).not.toBe(pid);
      // The old worker is gone, not left beside its replacement.
      expect(() => process.kill(pid!, 0)).toThrow(/ESRCH/);
    } finally {
      await single.close();
    }
  }

  // Each of these starts worker processes twice: more than the unit tier's 5 s on a loaded machine.
  const WORKER_TEST_TIMEOUT_MS = 20_000;

  it(
    'replaces a worker that dies during a call; the call fails, the next one runs',
    () =>
      withOneWorker(async (single, pid) => {
        const stuck = single.run({
          code: 'module.exports = async () => { for (;;) {} };',
          input: {},
          limits: { ...limits, timeoutMs: 20_000 },
        });
        process.kill(pid, 'SIGKILL');
        await expect(stuck).rejects.toThrow(/worker stopped during the call/);
      }),
    WORKER_TEST_TIMEOUT_MS,
  );

  it(
    'kills a worker that goes silent (its own limit does not stop it): the call gets a clear error, the next one runs',
    () =>
      withOneWorker(async (single, pid) => {
        // A stopped process answers nothing, not even at its own time limit: only the gateway's kill
        // (limit + 1 s) can end the call.
        process.kill(pid, 'SIGSTOP');
        const call = single.run({ code: README_EXAMPLE, input: { query: 'b' }, limits: { ...limits, timeoutMs: 200 } });
        await expect(call).rejects.toThrow('the skill did not finish within its 200 ms limit and was stopped');
      }),
    WORKER_TEST_TIMEOUT_MS,
  );

  it('checks a handler at install: syntax errors and a missing function', async () => {
    await expect(sandbox.check('module.exports = async (', 32)).rejects.toThrow(/SyntaxError|Unexpected/);
    await expect(sandbox.check('module.exports = 42;', 32)).rejects.toThrow(/must export a function.*number/);
    await expect(sandbox.check(README_EXAMPLE, 32)).resolves.toBeUndefined();
  });

  describe('fetch', () => {
    const fetching = (hosts: string[], code: string, allowed: string[] = []) =>
      sandbox.run({ code, input: {}, limits, fetch: skillFetcher(hosts, new AddressGuard(allowed)) });

    it('reaches a listed host through the address guard', async () => {
      const host = `127.0.0.1:${port}`;
      const code = `module.exports = async () => { const r = await fetch('http://${host}/x?y=1', { method: 'post', body: 'b' }); return { status: r.status, ok: r.ok, body: await r.json() }; };`;
      await expect(fetching([host], code, [host])).resolves.toEqual({
        status: 200,
        ok: true,
        body: { path: '/x?y=1', method: 'POST' },
      });
    });

    it.each([
      ['loopback', 'http://127.0.0.1:PORT/', ['127.0.0.1:PORT'], /loopback/],
      ['localhost by name', 'http://localhost:PORT/', ['localhost:PORT'], /loopback/],
      ['the metadata address', 'http://169.254.169.254/latest/meta-data/', ['169.254.169.254'], /link-local/],
      ['an undeclared host', 'http://example.com/', ['example.org'], /not in this skill's permissions.fetch/],
    ])('refuses %s', async (_what, url, hosts, message) => {
      const target = url.replace('PORT', String(port));
      const code = `module.exports = async () => { const r = await fetch('${target}'); return r.status; };`;
      await expect(
        fetching(
          hosts.map((host) => host.replace('PORT', String(port))),
          code,
        ),
      ).rejects.toThrow(message);
      await expectHealthy();
    });

    it('is not there without permissions.fetch', async () => {
      await expect(run('module.exports = async () => typeof fetch + typeof __brokerFetch;')).resolves.toBe(
        'undefinedundefined',
      );
    });
  });
});

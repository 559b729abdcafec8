import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { LocalClaude } from '@loop-gateway/testing';
import { startGateway } from './pipeline-harness.js';
import { waitUntil } from './wait.js';

const README_SKILL = {
  manifest: {
    name: 'my-tool',
    description: 'Does something useful',
    version: '1.0.0',
    inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
  },
  handler: 'module.exports = async ({ query }) => ({ result: query.toUpperCase() });',
};

interface Skill {
  name: string;
  version: string;
  loadError: string | null;
}

describe('skills in runs, through the local Claude', () => {
  let claude: LocalClaude;
  beforeAll(async () => {
    claude = await LocalClaude.start({ toolCommands: true });
  });
  afterAll(() => claude.stop());
  beforeEach(() => claude.reset());

  it('runs the README example the agent calls, and the result comes back in the reply', async () => {
    const { gw, auth, waitForRun, submit } = await startGateway(claude);
    try {
      await request(gw.url).post('/api/skills').set(auth).send(README_SKILL).expect(201);
      const run = await waitForRun((await submit({ message: '/tool my-tool {"query":"hello skills"}' })).runId);
      expect(run.status).toBe('completed');
      expect(run.toolCalls).toEqual([
        expect.objectContaining({ name: 'my-tool', isError: false, toolVersion: '1.0.0' }),
      ]);
      expect(run.toolCalls[0]!.output).toContain('<untrusted_data>');
      expect(run.toolCalls[0]!.output).toContain('{"result":"HELLO SKILLS"}');
      expect(run.reply).toContain('Tool my-tool returned:');
      expect(run.reply).toContain('{"result":"HELLO SKILLS"}');
      expect(claude.requests[0]!.body.tools!.find((tool) => tool.name === 'my-tool')).toMatchObject({
        name: 'my-tool',
        description: 'Does something useful',
        input_schema: README_SKILL.manifest.inputSchema,
      });
    } finally {
      await gw.close();
    }
  });

  it('an escaping skill fails with an error the model reads; the gateway answers and the next call works', async () => {
    const { gw, auth, waitForRun, submit } = await startGateway(claude);
    try {
      await request(gw.url)
        .post('/api/skills')
        .set(auth)
        .send({
          manifest: { ...README_SKILL.manifest, name: 'escape', timeoutMs: 500 },
          handler: "module.exports = async () => { for (;;) { this.constructor.constructor('return process')(); } };",
        })
        .expect(201);
      await request(gw.url)
        .post('/api/skills')
        .set(auth)
        .send({
          manifest: { ...README_SKILL.manifest, name: 'spin', timeoutMs: 300 },
          handler: 'module.exports = async () => { for (;;) {} };',
        })
        .expect(201);
      const escape = await waitForRun((await submit({ message: '/tool escape {}' })).runId);
      expect(escape.toolCalls[0]).toMatchObject({ name: 'escape', isError: true });
      expect(escape.toolCalls[0]!.output).toMatch(/Skill "escape" 1\.0\.0 failed: process is not defined/);
      const spin = await waitForRun((await submit({ message: '/tool spin {}' })).runId);
      expect(spin.toolCalls[0]!.output).toMatch(
        /Skill "spin" 1\.0\.0 failed: the skill ran longer than its 300 ms limit/,
      );
      expect(spin.reply).toContain('Tool spin failed');
      await request(gw.url).get('/api/health').expect(200);
      await request(gw.url).post('/api/skills').set(auth).send(README_SKILL).expect(201);
      const fine = await waitForRun((await submit({ message: '/tool my-tool {"query":"ok"}' })).runId);
      expect(fine.reply).toContain('{"result":"OK"}');
    } finally {
      await gw.close();
    }
  });

  it('a high-risk skill waits for approval like every acting tool', async () => {
    const { gw, auth, waitForRun, submit } = await startGateway(claude);
    try {
      await request(gw.url)
        .post('/api/skills')
        .set(auth)
        .send({ ...README_SKILL, manifest: { ...README_SKILL.manifest, riskLevel: 'high' } })
        .expect(201);
      const { runId } = await submit({ message: '/tool my-tool {"query":"held"}' });
      await waitForRun(runId, 15_000, ['waiting']);
      const approvals = (await request(gw.url).get(`/api/approvals/run/${runId}`).set(auth).expect(200)).body as {
        id: string;
        toolName: string;
      }[];
      expect(approvals).toEqual([expect.objectContaining({ toolName: 'my-tool' })]);
      const approval = approvals[0]!;
      await request(gw.url).post(`/api/approvals/${approval.id}/approve`).set(auth).send({}).expect(200);
      const run = await waitForRun(runId);
      expect(run.reply).toContain('{"result":"HELD"}');
    } finally {
      await gw.close();
    }
  });

  it('a skill with fetch permission is held by the exfiltration guard once the run read untrusted content', async () => {
    const { gw, auth, waitForRun, submit } = await startGateway(claude);
    try {
      await request(gw.url).post('/api/skills').set(auth).send(README_SKILL).expect(201);
      await request(gw.url)
        .post('/api/skills')
        .set(auth)
        .send({
          manifest: { ...README_SKILL.manifest, name: 'poster', permissions: { fetch: ['api.example.com'] } },
          handler: "module.exports = async () => (await fetch('https://api.example.com/')).status;",
        })
        .expect(201);
      claude.script(
        { toolUse: { name: 'my-tool', input: { query: 'outside data' } } },
        { toolUse: { name: 'poster', input: {} } },
        { text: 'done' },
      );
      const { runId } = await submit({ message: 'Read, then post' });
      await waitForRun(runId, 15_000, ['waiting']);
      const approvals = (await request(gw.url).get(`/api/approvals/run/${runId}`).set(auth).expect(200)).body as {
        toolName: string;
        reason: string;
      }[];
      expect(approvals).toEqual([
        expect.objectContaining({
          toolName: 'poster',
          reason: expect.stringMatching(
            /the run has read untrusted content \(outside data from my-tool\) and api\.example\.com is not a trusted destination/,
          ),
        }),
      ]);
    } finally {
      await gw.close();
    }
  });

  it('an approval is for the version the approver saw: a skill changed since is not run', async () => {
    const { gw, auth, waitForRun, submit } = await startGateway(claude);
    try {
      await request(gw.url)
        .post('/api/skills')
        .set(auth)
        .send({ ...README_SKILL, manifest: { ...README_SKILL.manifest, riskLevel: 'high' } })
        .expect(201);
      const { runId } = await submit({ message: '/tool my-tool {"query":"held"}' });
      await waitForRun(runId, 15_000, ['waiting']);
      await request(gw.url)
        .put('/api/skills/my-tool')
        .set(auth)
        .send({ handler: 'module.exports = async () => ({ result: "changed code" });' })
        .expect(200);
      const [approval] = (await request(gw.url).get(`/api/approvals/run/${runId}`).set(auth).expect(200)).body as {
        id: string;
      }[];
      await request(gw.url).post(`/api/approvals/${approval!.id}/approve`).set(auth).send({}).expect(200);
      const run = await waitForRun(runId);
      expect(run.toolCalls[0]).toMatchObject({ isError: true, toolVersion: null });
      expect(run.toolCalls[0]!.output).toMatch(
        /my-tool changed after this call was approved \(it is now version 1\.0\.1\)/,
      );
      expect(run.reply).not.toContain('changed code');
    } finally {
      await gw.close();
    }
  });
});

describe('skills hot-reloaded from disk', () => {
  let claude: LocalClaude;
  beforeAll(async () => {
    claude = await LocalClaude.start({ toolCommands: true });
  });
  afterAll(() => claude.stop());

  it('picks up a new folder, an edited handler, a broken one (keeping the last good version) and a deleted folder', async () => {
    const { gw, auth } = await startGateway(claude);
    const folder = join(gw.dataDir, 'skills', 'disk-tool');
    const list = async () => (await request(gw.url).get('/api/skills').set(auth).expect(200)).body as Skill[];
    const find = async () => (await list()).find((skill) => skill.name === 'disk-tool');
    const tryIt = async () =>
      (
        await request(gw.url)
          .post('/api/skills/disk-tool/try')
          .set(auth)
          .send({ input: { n: 2 } })
          .expect(200)
      ).body as { content: string; version: string; isError: boolean };
    const manifest = (version: string) =>
      JSON.stringify({
        name: 'disk-tool',
        description: 'Written on disk',
        version,
        inputSchema: { type: 'object', properties: { n: { type: 'number' } } },
      });
    try {
      mkdirSync(folder);
      writeFileSync(join(folder, 'handler.js'), 'module.exports = async ({ n }) => n * 10;');
      writeFileSync(join(folder, 'skill.json'), manifest('1.0.0'));
      await waitUntil('the new skill', async () => (await find())?.version === '1.0.0', 5000);
      expect(await tryIt()).toMatchObject({ content: '20', version: '1.0.0', isError: false });

      writeFileSync(join(folder, 'handler.js'), 'module.exports = async ({ n }) => n * 100;');
      writeFileSync(join(folder, 'skill.json'), manifest('1.1.0'));
      await waitUntil('the edited skill', async () => (await find())?.version === '1.1.0', 5000);
      expect(await tryIt()).toMatchObject({ content: '200', version: '1.1.0' });

      writeFileSync(join(folder, 'handler.js'), 'module.exports = async ({ n }) => ');
      const broken = await waitUntil(
        'the load error',
        async () => {
          const skill = await find();
          return skill?.loadError ? skill : null;
        },
        5000,
      );
      expect(broken).toMatchObject({
        version: '1.1.0',
        loadError: expect.stringMatching(/handler.js does not compile/),
      });
      expect(await tryIt()).toMatchObject({ content: '200', version: '1.1.0' });

      writeFileSync(join(folder, 'skill.json'), '{ not json');
      await waitUntil(
        'the manifest error',
        async () => /skill.json is not JSON/.test((await find())?.loadError ?? ''),
        5000,
      );
      expect(await tryIt()).toMatchObject({ content: '200' });

      writeFileSync(join(folder, 'handler.js'), 'module.exports = async ({ n }) => n * 1000;');
      writeFileSync(join(folder, 'skill.json'), manifest('1.2.0'));
      await waitUntil('the fixed skill', async () => (await find())?.version === '1.2.0', 5000);
      expect((await find())?.loadError).toBeNull();
      expect(await tryIt()).toMatchObject({ content: '2000', version: '1.2.0' });

      rmSync(folder, { recursive: true });
      await waitUntil('the skill removed', async () => (await find()) === undefined, 5000);
      const tools = (await request(gw.url).get('/api/tools').set(auth).expect(200)).body as { name: string }[];
      expect(tools.map((tool) => tool.name)).not.toContain('disk-tool');
    } finally {
      await gw.close();
    }
  });

  it('loads the skills on disk at start, and lists a broken one with its error', async () => {
    const first = await startGateway(claude);
    const dataDir = first.gw.dataDir;
    await request(first.gw.url).post('/api/skills').set(first.auth).send(README_SKILL).expect(201);
    await first.gw.close({ keepData: true });
    mkdirSync(join(dataDir, 'skills', 'broken'));
    writeFileSync(join(dataDir, 'skills', 'broken', 'skill.json'), JSON.stringify({ name: 'broken', version: 'x' }));
    writeFileSync(join(dataDir, 'skills', 'broken', 'handler.js'), 'module.exports = async () => 1;');
    const { gw, auth, waitForRun, submit } = await startGateway(claude, {}, { dataDir });
    try {
      const skills = (await request(gw.url).get('/api/skills').set(auth).expect(200)).body as Skill[];
      expect(skills.find((skill) => skill.name === 'my-tool')).toMatchObject({ version: '1.0.0', loadError: null });
      expect(skills.find((skill) => skill.name === 'broken')).toMatchObject({
        version: 'x',
        loadError: expect.stringMatching(/description must be|version must be a semantic version/),
      });
      const run = await waitForRun((await submit({ message: '/tool my-tool {"query":"again"}' })).runId);
      expect(run.reply).toContain('{"result":"AGAIN"}');
    } finally {
      await gw.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

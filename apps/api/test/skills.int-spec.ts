import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { LocalClaude } from '@loop-gateway/testing';
import { startGateway, useLocalClaude } from './pipeline-harness.js';
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

/** The README example's manifest under another name, with another handler. */
const skill = (name: string, handler: string, manifest: object = {}) => ({
  manifest: { ...README_SKILL.manifest, name, ...manifest },
  handler,
});

/** The gateway with what these tests do to skills: install one, save a new version, approve a held call. */
async function startSkillsGateway(...args: Parameters<typeof startGateway>) {
  const gateway = await startGateway(...args);
  const { gw, auth } = gateway;
  return {
    ...gateway,
    install: async (body: object): Promise<void> => {
      await request(gw.url).post('/api/skills').set(auth).send(body).expect(201);
    },
    update: async (name: string, body: object): Promise<void> => {
      await request(gw.url).put(`/api/skills/${name}`).set(auth).send(body).expect(200);
    },
    approve: async (approvalId: string): Promise<void> => {
      await request(gw.url).post(`/api/approvals/${approvalId}/approve`).set(auth).send({}).expect(200);
    },
  };
}

describe('skills in runs, through the local Claude', () => {
  const local = useLocalClaude({ toolCommands: true });
  let claude: LocalClaude;
  beforeEach(() => {
    claude = local();
  });

  it('runs the README example the agent calls, and the result comes back in the reply', async () => {
    const { gw, waitForRun, submit, install } = await startSkillsGateway(claude);
    try {
      await install(README_SKILL);
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
    const { gw, waitForRun, submit, install } = await startSkillsGateway(claude);
    try {
      await install(
        skill(
          'escape',
          "module.exports = async () => { for (;;) { this.constructor.constructor('return process')(); } };",
          { timeoutMs: 500 },
        ),
      );
      await install(skill('spin', 'module.exports = async () => { for (;;) {} };', { timeoutMs: 300 }));
      const escape = await waitForRun((await submit({ message: '/tool escape {}' })).runId);
      expect(escape.toolCalls[0]).toMatchObject({ name: 'escape', isError: true });
      expect(escape.toolCalls[0]!.output).toMatch(/Skill "escape" 1\.0\.0 failed: process is not defined/);
      const spin = await waitForRun((await submit({ message: '/tool spin {}' })).runId);
      expect(spin.toolCalls[0]!.output).toMatch(
        /Skill "spin" 1\.0\.0 failed: the skill ran longer than its 300 ms limit/,
      );
      expect(spin.reply).toContain('Tool spin failed');
      await request(gw.url).get('/api/health').expect(200);
      await install(README_SKILL);
      const fine = await waitForRun((await submit({ message: '/tool my-tool {"query":"ok"}' })).runId);
      expect(fine.reply).toContain('{"result":"OK"}');
    } finally {
      await gw.close();
    }
  });

  it('a high-risk skill waits for approval like every acting tool', async () => {
    const { gw, waitForRun, submit, install, heldApproval, approve } = await startSkillsGateway(claude);
    try {
      await install(skill('my-tool', README_SKILL.handler, { riskLevel: 'high' }));
      const { runId } = await submit({ message: '/tool my-tool {"query":"held"}' });
      const approval = await heldApproval(runId);
      expect(approval.toolName).toBe('my-tool');
      await approve(approval.id);
      const run = await waitForRun(runId);
      expect(run.reply).toContain('{"result":"HELD"}');
    } finally {
      await gw.close();
    }
  });

  it('a skill with fetch permission is held by the exfiltration guard once the run read untrusted content', async () => {
    const { gw, submit, install, heldApproval } = await startSkillsGateway(claude);
    try {
      await install(README_SKILL);
      await install(
        skill('poster', "module.exports = async () => (await fetch('https://api.example.com/')).status;", {
          permissions: { fetch: ['api.example.com'] },
        }),
      );
      claude.script(
        { toolUse: { name: 'my-tool', input: { query: 'outside data' } } },
        { toolUse: { name: 'poster', input: {} } },
        { text: 'done' },
      );
      const { runId } = await submit({ message: 'Read, then post' });
      expect(await heldApproval(runId)).toEqual(
        expect.objectContaining({
          toolName: 'poster',
          reason: expect.stringMatching(
            /the run has read untrusted content \(outside data from my-tool\) and api\.example\.com is not a trusted destination/,
          ),
        }),
      );
    } finally {
      await gw.close();
    }
  });

  it('an approval is for the version the approver saw: the run runs that code, not the code changed since', async () => {
    const { gw, waitForRun, submit, install, update, heldApproval, approve } = await startSkillsGateway(claude);
    try {
      await install(skill('my-tool', README_SKILL.handler, { riskLevel: 'high' }));
      const { runId } = await submit({ message: '/tool my-tool {"query":"held"}' });
      const approval = await heldApproval(runId);
      await update('my-tool', { handler: 'module.exports = async () => ({ result: "changed code" });' });
      await approve(approval.id);
      const run = await waitForRun(runId);
      expect(run.toolCalls[0]).toMatchObject({ isError: false, toolVersion: '1.0.0' });
      expect(run.reply).toContain('{"result":"HELD"}');
      expect(run.reply).not.toContain('changed code');
    } finally {
      await gw.close();
    }
  });

  it('a run keeps the skill versions it started with across a hot reload; the next run gets the new one', async () => {
    const { gw, waitForRun, submit, install, update, heldApproval, approve } = await startSkillsGateway(claude);
    try {
      await install(skill('gate', 'module.exports = async () => "open";', { riskLevel: 'high' }));
      await install(README_SKILL);
      claude.script(
        { toolUse: { name: 'gate', input: {} } },
        { toolUse: { name: 'my-tool', input: { query: 'pinned' } } },
        { text: 'done' },
      );
      const { runId } = await submit({ message: 'Open the gate, then use my-tool' });
      const approval = await heldApproval(runId);
      // Reloaded while the run waits: the run started with 1.0.0 and keeps it.
      await update('my-tool', { handler: 'module.exports = async () => ({ result: "new code" });' });
      await approve(approval.id);
      const run = await waitForRun(runId);
      expect(run.toolCalls.map(({ name, toolVersion }) => ({ name, toolVersion }))).toEqual([
        { name: 'gate', toolVersion: '1.0.0' },
        { name: 'my-tool', toolVersion: '1.0.0' },
      ]);
      expect(run.toolCalls[1]!.output).toContain('{"result":"PINNED"}');
      const next = await waitForRun((await submit({ message: '/tool my-tool {"query":"next"}' })).runId);
      expect(next.toolCalls[0]).toMatchObject({ name: 'my-tool', toolVersion: '1.0.1' });
      expect(next.toolCalls[0]!.output).toContain('{"result":"new code"}');
    } finally {
      await gw.close();
    }
  });

  it('a run keeps its pinned skill version across a restart, with the files changed on disk meanwhile', async () => {
    const first = await startSkillsGateway(claude);
    const dataDir = first.gw.dataDir;
    await first.install(skill('gate', 'module.exports = async () => "open";', { riskLevel: 'high' }));
    await first.install(README_SKILL);
    claude.script(
      { toolUse: { name: 'gate', input: {} } },
      { toolUse: { name: 'my-tool', input: { query: 'pinned' } } },
      { text: 'done' },
    );
    const { runId } = await first.submit({ message: 'Open the gate, then use my-tool' });
    const approval = await first.heldApproval(runId);
    await first.gw.close({ keepData: true });
    const folder = join(dataDir, 'skills', 'my-tool');
    writeFileSync(join(folder, 'handler.js'), 'module.exports = async () => ({ result: "edited on disk" });');
    writeFileSync(join(folder, 'skill.json'), JSON.stringify({ ...README_SKILL.manifest, version: '2.0.0' }));
    const { gw, auth, waitForRun, approve } = await startSkillsGateway(claude, {}, { dataDir });
    try {
      const listed = (await request(gw.url).get('/api/skills').set(auth).expect(200)).body as Skill[];
      expect(listed.find((entry) => entry.name === 'my-tool')).toMatchObject({ version: '2.0.0' });
      await approve(approval.id);
      const run = await waitForRun(runId);
      expect(run.toolCalls[1]).toMatchObject({ name: 'my-tool', toolVersion: '1.0.0' });
      expect(run.toolCalls[1]!.output).toContain('{"result":"PINNED"}');
    } finally {
      await gw.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('skills hot-reloaded from disk', () => {
  const local = useLocalClaude({ toolCommands: true });
  let claude: LocalClaude;
  beforeEach(() => {
    claude = local();
  });

  it('picks up a new folder, an edited handler, a broken one (keeping the last good version) and a deleted folder', async () => {
    const { gw, auth } = await startSkillsGateway(claude);
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
    const first = await startSkillsGateway(claude);
    const dataDir = first.gw.dataDir;
    await first.install(README_SKILL);
    await first.gw.close({ keepData: true });
    mkdirSync(join(dataDir, 'skills', 'broken'));
    writeFileSync(join(dataDir, 'skills', 'broken', 'skill.json'), JSON.stringify({ name: 'broken', version: 'x' }));
    writeFileSync(join(dataDir, 'skills', 'broken', 'handler.js'), 'module.exports = async () => 1;');
    const { gw, auth, waitForRun, submit } = await startSkillsGateway(claude, {}, { dataDir });
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

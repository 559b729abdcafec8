import request from 'supertest';
import { LocalClaude } from '@loop-gateway/testing';
import { startGateway } from './pipeline-harness.js';
import { waitUntil } from './wait.js';
import { RecordingSocket } from './ws-client.js';

const DONE = '<promise>COMPLETE</promise>';
const RESTING = ['stopped', 'completed', 'failed', 'budget_exhausted'];

interface TaskBody {
  id: string;
  status: string;
  iterations: number;
  completion: string | null;
  error: string | null;
  iterationLog: { number: number; phase: string; status: string; runId: string | null; summary: string | null }[];
}

type Gateway = Awaited<ReturnType<typeof startGateway>>;

async function waitForTask(gw: Gateway, id: string, statuses = RESTING, timeoutMs = 20_000): Promise<TaskBody> {
  let task: TaskBody | undefined;
  return waitUntil(
    () => `task ${id} (still ${task?.status})`,
    async () => {
      task = (await request(gw.gw.url).get(`/api/tasks/${id}`).set(gw.auth).expect(200)).body as TaskBody;
      return statuses.includes(task.status) && task;
    },
    timeoutMs,
  );
}

/** The user message of each model request, in order. */
function prompts(claude: LocalClaude): string[] {
  return claude.requests.map((req) => {
    const content = (req.body.messages as { content: { type: string; text?: string }[] }[])[0]!.content;
    return content.map((block) => block.text ?? '').join('');
  });
}

describe('loop tasks', () => {
  let claude: LocalClaude;
  beforeAll(async () => {
    claude = await LocalClaude.start();
  });
  afterAll(async () => {
    await claude.stop();
  });
  beforeEach(() => {
    claude.reset();
    claude.latencyMs = 0;
  });

  it('iterates, each run reading the output so far, until the agent signals completion', async () => {
    const gw = await startGateway(claude);
    const socket = new RecordingSocket(gw.gw.url.replace('http', 'ws') + '/ws');
    try {
      await socket.opened();
      socket.send({ type: 'auth', token: gw.token });
      await socket.waitFor((m) => m.type === 'ready');
      claude.script({ text: 'Part one.' }, { text: 'Part two.' }, { text: `Part three.\n${DONE}` });
      const created = (
        await request(gw.gw.url)
          .post('/api/tasks')
          .set(gw.auth)
          .send({ name: 'Story', prompt: 'Write a three-part story.', maxIterations: 5 })
          .expect(201)
      ).body;
      expect(created).toMatchObject({ name: 'Story', status: 'running', iterations: 0, maxIterations: 5 });
      const task = await waitForTask(gw, created.id);
      expect(task).toMatchObject({ status: 'completed', completion: 'marker', iterations: 3 });
      expect(task.iterationLog.map((i) => [i.number, i.phase, i.status, i.summary])).toEqual([
        [1, 'build', 'done', 'Part one.'],
        [2, 'build', 'done', 'Part two.'],
        [3, 'build', 'done', 'Part three.'],
      ]);

      const [first, second, third] = prompts(claude);
      expect(first).toContain('This is iteration 1 of at most 5.');
      expect(first).toContain('Write a three-part story.');
      expect(first).toContain('(nothing yet)');
      expect(first).toContain(DONE);
      expect(second).toContain('This is iteration 2 of at most 5.');
      expect(second).toContain('Part one.');
      expect(third).toContain('Part one.\n\nPart two.');

      const output = (await request(gw.gw.url).get(`/api/tasks/${created.id}/output`).set(gw.auth).expect(200)).body;
      expect(output).toEqual({
        taskId: created.id,
        status: 'completed',
        iterations: 3,
        output: 'Part one.\n\nPart two.\n\nPart three.',
      });
      const runs = (await request(gw.gw.url).get('/api/runs').set(gw.auth).expect(200)).body;
      expect(runs.filter((r: { origin: { kind: string; ref?: string } }) => r.origin.ref === created.id)).toHaveLength(
        3,
      );

      await socket.waitFor((m) => m.type === 'event' && m.event === 'task:complete');
      const events = socket.messages
        .filter((m) => m.type === 'event' && m.event.startsWith('task:'))
        .map((m) => (m.type === 'event' ? [m.event, m.payload] : null));
      expect(events).toEqual([
        ['task:start', { taskId: created.id, name: 'Story' }],
        ['task:iteration', { taskId: created.id, iteration: 1, summary: 'Part one.' }],
        ['task:iteration', { taskId: created.id, iteration: 2, summary: 'Part two.' }],
        ['task:iteration', { taskId: created.id, iteration: 3, summary: 'Part three.' }],
        ['task:complete', { taskId: created.id, iterations: 3 }],
      ]);
    } finally {
      socket.close();
      await gw.gw.close();
    }
  });

  it('stops at maxIterations when the agent never signals completion', async () => {
    const gw = await startGateway(claude);
    try {
      claude.script({ text: 'a' }, { text: 'b' }, { text: 'never asked' });
      const { id } = (
        await request(gw.gw.url)
          .post('/api/tasks')
          .set(gw.auth)
          .send({ name: 'Endless', prompt: 'Keep going.', maxIterations: 2 })
          .expect(201)
      ).body;
      expect(await waitForTask(gw, id)).toMatchObject({
        status: 'completed',
        completion: 'max_iterations',
        iterations: 2,
      });
      expect(claude.requests).toHaveLength(2);
    } finally {
      await gw.gw.close();
    }
  });

  it('plans first, keeps the plan with the prompt, and builds through it', async () => {
    const gw = await startGateway(claude);
    try {
      claude.script({ text: '1. Outline\n2. Draft' }, { text: 'Outline done.' }, { text: `Draft done.\n${DONE}` });
      const { id } = (
        await request(gw.gw.url)
          .post('/api/tasks')
          .set(gw.auth)
          .send({ name: 'Essay', prompt: 'Write an essay.', planPrompt: 'Two steps at most.', maxIterations: 4 })
          .expect(201)
      ).body;
      const task = await waitForTask(gw, id);
      expect(task).toMatchObject({ status: 'completed', iterations: 2, completion: 'marker' });
      expect(task.iterationLog.map((i) => [i.number, i.phase])).toEqual([
        [0, 'plan'],
        [1, 'build'],
        [2, 'build'],
      ]);
      const [plan, build] = prompts(claude);
      expect(plan).toContain('Reply with a short numbered plan');
      expect(plan).toContain('Two steps at most.');
      expect(build).toContain('## Plan\n1. Outline\n2. Draft');
      expect((await request(gw.gw.url).get(`/api/tasks/${id}/prompt`).set(gw.auth).expect(200)).body).toEqual({
        taskId: id,
        prompt: 'Write an essay.',
        planPrompt: 'Two steps at most.',
        plan: '1. Outline\n2. Draft',
      });
    } finally {
      await gw.gw.close();
    }
  });

  it('stops after the iteration under way, and starts again from there', async () => {
    const gw = await startGateway(claude);
    try {
      claude.latencyMs = 300;
      claude.script({ text: 'one' }, { text: 'two' }, { text: 'three' }, { text: `four\n${DONE}` });
      const { id } = (
        await request(gw.gw.url)
          .post('/api/tasks')
          .set(gw.auth)
          .send({ name: 'Counting', prompt: 'Count.', maxIterations: 10 })
          .expect(201)
      ).body;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stopping = (await request(gw.gw.url).post(`/api/tasks/${id}/stop`).set(gw.auth).expect(200)).body;
      expect(stopping.status).toBe('stopping');
      const stopped = await waitForTask(gw, id);
      expect(stopped).toMatchObject({ status: 'stopped', iterations: 1 });
      expect(claude.requests).toHaveLength(1);
      await request(gw.gw.url).post(`/api/tasks/${id}/stop`).set(gw.auth).expect(409);

      claude.latencyMs = 0;
      expect((await request(gw.gw.url).post(`/api/tasks/${id}/start`).set(gw.auth).expect(200)).body.status).toBe(
        'running',
      );
      const done = await waitForTask(gw, id, ['completed']);
      expect(done.iterationLog.map((i) => i.number)).toEqual([1, 2, 3, 4]);
      expect(prompts(claude)[1]).toContain('This is iteration 2 of at most 10.');
      const conflict = await request(gw.gw.url).post(`/api/tasks/${id}/start`).set(gw.auth).expect(409);
      expect(conflict.body.message).toMatch(/is completed/);
    } finally {
      await gw.gw.close();
    }
  });

  it('stops with a clear status when its group’s budget is used up', async () => {
    const gw = await startGateway(claude);
    try {
      const group = (
        await request(gw.gw.url)
          .post('/api/agent-groups')
          .set(gw.auth)
          .send({ name: 'Frugal', budgetMaxTokensDay: 500 })
          .expect(201)
      ).body;
      claude.script({ text: 'expensive', usage: { input_tokens: 400, output_tokens: 200 } }, { text: 'never' });
      const { id } = (
        await request(gw.gw.url)
          .post('/api/tasks')
          .set(gw.auth)
          .send({ name: 'Costly', prompt: 'Spend.', maxIterations: 5, groupId: group.id })
          .expect(201)
      ).body;
      const task = await waitForTask(gw, id);
      expect(task).toMatchObject({ status: 'budget_exhausted', iterations: 1 });
      expect(task.error).toMatch(/^Budget exhausted: .*budget/i);
      expect(claude.requests).toHaveLength(1);
    } finally {
      await gw.gw.close();
    }
  });

  it('continues after a restart from the iteration that was under way, without repeating one', async () => {
    const first = await startGateway(claude);
    claude.latencyMs = 1500;
    claude.script({ text: 'interrupted' }, { text: 'first' }, { text: `second\n${DONE}` });
    const { id } = (
      await request(first.gw.url)
        .post('/api/tasks')
        .set(first.auth)
        .send({ name: 'Durable', prompt: 'Survive.', maxIterations: 5 })
        .expect(201)
    ).body;
    while (claude.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await first.gw.close({ keepData: true });
    claude.latencyMs = 0;

    const second = await startGateway(claude, {}, { dataDir: first.gw.dataDir });
    try {
      const task = await waitForTask(second, id, ['completed']);
      expect(task.iterationLog.map((i) => [i.number, i.status])).toEqual([
        [1, 'done'],
        [2, 'done'],
      ]);
      const output = (await request(second.gw.url).get(`/api/tasks/${id}/output`).set(second.auth).expect(200)).body;
      // The interrupted answer never reached the gateway; iteration 1 was answered again after the restart.
      expect(output.output).toBe('first\n\nsecond');
    } finally {
      await second.gw.close();
    }
  });

  it('rejects bad input with a 400 naming the field, and unknown tasks with a 404', async () => {
    const gw = await startGateway(claude);
    try {
      const valid = { name: 'T', prompt: 'P', maxIterations: 3 };
      const cases: [object, RegExp][] = [
        [{ ...valid, prompt: undefined }, /prompt/],
        [{ ...valid, maxIterations: 0 }, /maxIterations/],
        [{ ...valid, maxIterations: 'many' }, /maxIterations/],
        [{ ...valid, name: '' }, /name/],
        [{ ...valid, groupId: 'not-a-uuid' }, /groupId/],
        [{ ...valid, groupId: '7c1e3a52-4a0d-4b1e-9d55-1f6b8a1e2f00' }, /groupId: there is no agent group/],
        [{ ...valid, extra: true }, /extra/],
      ];
      for (const [body, message] of cases) {
        const res = await request(gw.gw.url).post('/api/tasks').set(gw.auth).send(body).expect(400);
        expect(JSON.stringify(res.body.message)).toMatch(message);
      }
      expect((await request(gw.gw.url).get('/api/tasks').set(gw.auth).expect(200)).body).toEqual([]);
      const missing = '7c1e3a52-4a0d-4b1e-9d55-1f6b8a1e2f00';
      for (const path of ['', '/prompt', '/output']) {
        await request(gw.gw.url).get(`/api/tasks/${missing}${path}`).set(gw.auth).expect(404);
      }
      await request(gw.gw.url).post(`/api/tasks/${missing}/stop`).set(gw.auth).expect(404);
      await request(gw.gw.url).delete(`/api/tasks/${missing}`).set(gw.auth).expect(404);
      await request(gw.gw.url).get('/api/tasks').expect(401);

      claude.script({ text: `Done at once.\n${DONE}` });
      const { id } = (await request(gw.gw.url).post('/api/tasks').set(gw.auth).send(valid).expect(201)).body;
      await waitForTask(gw, id);
      await request(gw.gw.url).delete(`/api/tasks/${id}`).set(gw.auth).expect(204);
      await request(gw.gw.url).get(`/api/tasks/${id}`).set(gw.auth).expect(404);
    } finally {
      await gw.gw.close();
    }
  });
});

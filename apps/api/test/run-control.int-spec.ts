import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ToolRegistry } from '../src/tools/tool-registry.js';
import type { Tool } from '../src/tools/tool.js';
import { startGateway, startGatewayProcessOn, useLocalClaude, useScratchDir } from './pipeline-harness.js';
import { waitUntil } from './wait.js';
import { WebhookReceiver } from './webhook-receiver.js';

/** Long enough that a streamed answer is still under way whenever a test looks (spread over its events). */
const SLOW_MS = 60_000;

/** A tool that runs until its abort signal fires, and says when it did. */
function waitingTool(): Tool & { started: Promise<void>; aborted: Promise<void> } {
  let started = () => {};
  let aborted = () => {};
  return {
    name: 'long_export',
    description: 'Exports everything (takes a while)',
    inputSchema: { type: 'object', properties: {} },
    riskLevel: 'low',
    started: new Promise<void>((resolve) => (started = resolve)),
    aborted: new Promise<void>((resolve) => (aborted = resolve)),
    execute(_input, context) {
      started();
      return new Promise((_resolve, reject) =>
        context.signal.addEventListener('abort', () => {
          aborted();
          reject(new Error('aborted'));
        }),
      );
    },
  };
}

describe('cancelling runs', () => {
  const local = useLocalClaude();
  const scratch = useScratchDir('lg-cancel-');
  let claude: ReturnType<typeof local>;
  beforeEach(() => {
    claude = local();
  });

  it('ends a run at once while the model streams, aborts the stream and frees its place', async () => {
    const { gw, auth, submit, waitForRun, signedInSocket } = await startGateway(claude, { RUN_CONCURRENCY: '1' });
    const socket = await signedInSocket();
    try {
      claude.latencyMs = SLOW_MS;
      const slow = await submit({ message: 'Write a very long essay' });
      await waitUntil('the model call', () => claude.requests.length === 1);

      const cancelled = await request(gw.url).post(`/api/runs/${slow.runId}/cancel`).set(auth).expect(200);
      expect(cancelled.body).toMatchObject({ id: slow.runId, status: 'cancelled', error: 'Cancelled by admin' });
      expect(cancelled.body.finishedAt).not.toBeNull();
      const event = await socket.waitFor((m) => m.type === 'event' && m.event === 'agent:run:cancelled');
      expect(event).toMatchObject({ payload: { runId: slow.runId, cancelledBy: 'admin' } });

      // Its only queue slot is free and its conversation goes on: with the stream still running this
      // would wait a minute.
      claude.latencyMs = 0;
      claude.script({ text: 'A short one instead.' });
      const next = await submit({ message: 'Something short then', conversationId: slow.conversationId });
      expect(await waitForRun(next.runId)).toMatchObject({ status: 'completed', reply: 'A short one instead.' });
      const run = await waitForRun(slow.runId);
      expect(run).toMatchObject({ status: 'cancelled', reply: null, modelCalls: [] });
      expect(
        socket.messages.some(
          (m) =>
            m.type === 'event' &&
            (m.event === 'agent:run:complete' || m.event === 'agent:run:error') &&
            m.payload.runId === slow.runId,
        ),
      ).toBe(false);
    } finally {
      socket.close();
      await gw.close();
    }
  });

  it('takes a queued run out of the queue before it calls the model', async () => {
    const { gw, auth, submit, waitForRun } = await startGateway(claude, { RUN_CONCURRENCY: '1' });
    // A running tool holds the only work slot (a run waiting on the model would not).
    const tool = waitingTool();
    gw.app.get(ToolRegistry).register(tool);
    try {
      claude.script({ toolUse: { name: 'long_export', input: {} } });
      const first = await submit({ message: 'Keep the only slot busy' });
      await tool.started;
      const queued = await submit({ message: 'I wait in the queue' });
      expect((await request(gw.url).get(`/api/runs/${queued.runId}`).set(auth).expect(200)).body.status).toBe('queued');

      await request(gw.url)
        .post(`/api/runs/${queued.runId}/cancel`)
        .set(auth)
        .expect(200)
        .expect((res) => expect(res.body.status).toBe('cancelled'));
      await request(gw.url).post(`/api/runs/${first.runId}/cancel`).set(auth).expect(200);
      const after = await submit({ message: 'Now me' });
      expect((await waitForRun(after.runId)).status).toBe('completed');
      const sent = claude.requests.map((r) => JSON.stringify(r.body.messages));
      expect(sent.some((body) => body.includes('I wait in the queue'))).toBe(false);
      expect((await waitForRun(queued.runId)).status).toBe('cancelled');
    } finally {
      await gw.close();
    }
  });

  it('gives a running tool call the abort signal', async () => {
    const { gw, auth, submit, waitForRun } = await startGateway(claude);
    const tool = waitingTool();
    gw.app.get(ToolRegistry).register(tool);
    try {
      claude.script({ toolUse: { name: 'long_export', input: {} } });
      const run = await submit({ message: 'Export everything' });
      await tool.started;
      await request(gw.url).post(`/api/runs/${run.runId}/cancel`).set(auth).expect(200);
      await tool.aborted;
      claude.script({ text: 'Fine.' });
      const next = await submit({ message: 'Never mind', conversationId: run.conversationId });
      expect((await waitForRun(next.runId)).status).toBe('completed');
      const cancelled = await waitForRun(run.runId);
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.modelCalls).toHaveLength(1); // nothing more was asked of the model for it
    } finally {
      await gw.close();
    }
  });

  it('withdraws a held approval, which can then not be approved', async () => {
    const { gw, auth, submit, waitForRun, heldApproval, signedInSocket } = await startGateway(claude);
    const socket = await signedInSocket();
    try {
      const marker = join(scratch(), 'made');
      claude.script({ toolUse: { name: 'run_script', input: { language: 'bash', script: `touch ${marker}` } } });
      const held = await submit({ message: 'Make the file' });
      const approval = await heldApproval(held.runId);
      expect(await waitForRun(held.runId, 15_000, ['waiting'])).toMatchObject({
        waitingFor: { kind: 'approval', approvalId: approval.id },
      });

      await request(gw.url).post(`/api/runs/${held.runId}/cancel`).set(auth).expect(200);
      const resolved = await socket.waitFor((m) => m.type === 'event' && m.event === 'approval:resolved');
      expect(resolved).toMatchObject({ payload: { approvalId: approval.id, status: 'withdrawn', decidedBy: null } });
      expect((await request(gw.url).get(`/api/approvals/${approval.id}`).set(auth).expect(200)).body.status).toBe(
        'withdrawn',
      );
      const late = await request(gw.url).post(`/api/approvals/${approval.id}/approve`).set(auth).send({}).expect(409);
      expect(late.body.message).toMatch(/withdrawn .*its run was cancelled/);

      // The conversation is no longer held: its next run goes through, and the file was never made.
      claude.script({ text: 'OK, I will not.' });
      const next = await submit({ message: 'Forget it', conversationId: held.conversationId });
      expect((await waitForRun(next.runId)).status).toBe('completed');
      expect(existsSync(marker)).toBe(false);
      expect((await waitForRun(held.runId)).status).toBe('cancelled');
    } finally {
      socket.close();
      await gw.close();
    }
  });

  it('answers 409 saying how a finished run ended, 404 for an unknown one', async () => {
    const { gw, auth, submit, waitForRun } = await startGateway(claude);
    try {
      claude.script({ text: 'Done.' });
      const done = await submit({ message: 'Quick one' });
      await waitForRun(done.runId);
      const completed = await request(gw.url).post(`/api/runs/${done.runId}/cancel`).set(auth).expect(409);
      expect(completed.body.message).toMatch(new RegExp(`^Run ${done.runId} already completed at 20\\d\\d-`));
      expect((await waitForRun(done.runId)).status).toBe('completed');

      claude.script({ error: { status: 400, message: 'bad request' } });
      const failed = await submit({ message: 'Broken' });
      await waitForRun(failed.runId);
      const again = await request(gw.url).post(`/api/runs/${failed.runId}/cancel`).set(auth).expect(409);
      expect(again.body.message).toMatch(/already ended as failed at .*: /);

      claude.latencyMs = SLOW_MS;
      const slow = await submit({ message: 'Slow' });
      await request(gw.url).post(`/api/runs/${slow.runId}/cancel`).set(auth).expect(200);
      const twice = await request(gw.url).post(`/api/runs/${slow.runId}/cancel`).set(auth).expect(409);
      expect(twice.body.message).toMatch(/was already cancelled at .* \(Cancelled by admin\)$/);

      await request(gw.url).post('/api/runs/7c1e3a52-4a0d-4b1e-9d55-1f6b8a1e2f00/cancel').set(auth).expect(404);
      await request(gw.url).post('/api/runs/not-a-uuid/cancel').set(auth).expect(400);
      await request(gw.url).post(`/api/runs/${slow.runId}/cancel`).expect(401);
    } finally {
      await gw.close();
    }
  });

  it('records a cancelled iteration in its loop task, and a cancelled run in its job firing', async () => {
    const { gw, auth } = await startGateway(claude);
    try {
      claude.latencyMs = SLOW_MS;
      const task = (
        await request(gw.url)
          .post('/api/tasks')
          .set(auth)
          .send({ name: 'Report', prompt: 'Write the report.', maxIterations: 3 })
          .expect(201)
      ).body;
      const runId = await waitUntil('the first iteration’s run', async () => {
        const detail = (await request(gw.url).get(`/api/tasks/${task.id}`).set(auth).expect(200)).body;
        return detail.iterationLog[0]?.runId as string | undefined;
      });
      await request(gw.url).post(`/api/runs/${runId}/cancel`).set(auth).expect(200);
      const stopped = await waitUntil('the task to stop', async () => {
        const detail = (await request(gw.url).get(`/api/tasks/${task.id}`).set(auth).expect(200)).body;
        return detail.status === 'stopped' && detail;
      });
      expect(stopped.error).toBe('Iteration 1 was cancelled (Cancelled by admin)');
      expect(stopped.iterationLog).toEqual([
        expect.objectContaining({ number: 1, runId, status: 'failed', summary: stopped.error }),
      ]);

      const job = (
        await request(gw.url)
          .post('/api/scheduler/jobs')
          .set(auth)
          .send({
            name: 'Digest',
            trigger: { type: 'interval', everySeconds: 3600 },
            action: { type: 'agent', prompt: 'Digest.' },
          })
          .expect(201)
      ).body;
      const firing = (await request(gw.url).post(`/api/scheduler/jobs/${job.id}/run`).set(auth).expect(202)).body;
      const jobRunId = await waitUntil('the firing’s run', async () => {
        const [latest] = (await request(gw.url).get(`/api/scheduler/jobs/${job.id}/runs`).set(auth).expect(200)).body;
        return latest?.runId as string | undefined;
      });
      await request(gw.url).post(`/api/runs/${jobRunId}/cancel`).set(auth).expect(200);
      const [recorded] = await waitUntil('the firing to be recorded', async () => {
        const runs = (await request(gw.url).get(`/api/scheduler/jobs/${job.id}/runs`).set(auth).expect(200)).body;
        return runs[0]?.status !== 'running' && runs;
      });
      expect(recorded).toMatchObject({
        id: firing.id,
        runId: jobRunId,
        status: 'error',
        error: 'The run was cancelled (Cancelled by admin)',
      });
    } finally {
      await gw.close();
    }
  });
});

describe('cancelling runs across a crash (kill -9)', () => {
  const local = useLocalClaude();
  const data = useScratchDir('lg-cancel-crash-');
  let claude: ReturnType<typeof local>;
  let dataDir: string;
  beforeEach(() => {
    claude = local();
    dataDir = data();
  });

  it('cancels a run that was streaming at the crash, racing its resume, and it stays cancelled', async () => {
    const first = await startGatewayProcessOn(claude, dataDir, true);
    claude.latencyMs = SLOW_MS;
    const accepted = await first.submit({ message: 'Long essay' });
    await waitUntil('the model call', () => claude.requests.length === 1);
    await first.kill();

    const second = await startGatewayProcessOn(claude, dataDir, false);
    try {
      // At once after the start, while the run resumes (its model call is asked again, still slow).
      const cancelled = await request(second.gw.url)
        .post(`/api/runs/${accepted.runId}/cancel`)
        .set(second.auth)
        .expect(200);
      expect(cancelled.body.status).toBe('cancelled');
      claude.latencyMs = 0;
      claude.script({ text: 'Next answer.' });
      const next = await second.submit({ message: 'Next', conversationId: accepted.conversationId });
      expect(await second.waitForRun(next.runId, 15_000, ['completed'])).toMatchObject({
        reply: 'Next answer.',
      });
      const run = await second.waitForRun(accepted.runId, 15_000, ['cancelled', 'completed', 'failed']);
      expect(run).toMatchObject({ status: 'cancelled', reply: null });
    } finally {
      await second.gw.stop({ keepData: true });
    }
  });

  it('cancels a run that waited for an approval at the crash, and withdraws the approval', async () => {
    const first = await startGatewayProcessOn(claude, dataDir, true);
    const marker = join(dataDir, 'made');
    claude.script({ toolUse: { name: 'run_script', input: { language: 'bash', script: `touch ${marker}` } } });
    const held = await first.submit({ message: 'Make it' });
    await first.waitForRun(held.runId, 15_000, ['waiting']);
    await first.kill();

    const second = await startGatewayProcessOn(claude, dataDir, false);
    try {
      await request(second.gw.url).post(`/api/runs/${held.runId}/cancel`).set(second.auth).expect(200);
      const [approval] = await second.approvalsOf(held.runId);
      expect(approval.status).toBe('withdrawn');
      await request(second.gw.url).post(`/api/approvals/${approval.id}/approve`).set(second.auth).send({}).expect(409);
      expect(await second.waitForRun(held.runId, 15_000, ['cancelled'])).toMatchObject({ waitingFor: null });
      expect(existsSync(marker)).toBe(false);
    } finally {
      await second.gw.stop({ keepData: true });
    }
  });

  it('routes a job’s output exactly once when its run ends after a crash', async () => {
    const receiver = await WebhookReceiver.start();
    const first = await startGatewayProcessOn(claude, dataDir, true);
    try {
      const job = (
        await request(first.gw.url)
          .post('/api/scheduler/jobs')
          .set(first.auth)
          .send({
            name: 'Digest',
            trigger: { type: 'interval', everySeconds: 3600 },
            action: { type: 'agent', prompt: 'Digest.' },
            output: { type: 'webhook', url: receiver.url() },
          })
          .expect(201)
      ).body;
      claude.latencyMs = SLOW_MS;
      await request(first.gw.url).post(`/api/scheduler/jobs/${job.id}/run`).set(first.auth).expect(202);
      await waitUntil('the model call', () => claude.requests.length === 1);
      await first.kill();

      claude.latencyMs = 0;
      claude.script({ text: 'Digest after the crash.' }, { text: 'The second digest.' });
      const second = await startGatewayProcessOn(claude, dataDir, false);
      try {
        const firings = async () =>
          (await request(second.gw.url).get(`/api/scheduler/jobs/${job.id}/runs`).set(second.auth).expect(200))
            .body as { status: string; output: string | null }[];
        await waitUntil('the first firing to be recorded', async () => (await firings())[0]?.status === 'success');
        // A later firing, to show that the first one's output is not routed a second time meanwhile.
        await request(second.gw.url).post(`/api/scheduler/jobs/${job.id}/run`).set(second.auth).expect(202);
        await receiver.waitFor(2);
        const outputs = receiver.received.map(
          (r) => (JSON.parse(r.body) as { payload: { output: string } }).payload.output,
        );
        expect(outputs.sort()).toEqual(['Digest after the crash.', 'The second digest.']);
      } finally {
        await second.gw.stop({ keepData: true });
      }
    } finally {
      await receiver.stop();
    }
  });
});

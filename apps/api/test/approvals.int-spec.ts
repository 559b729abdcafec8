import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import request from 'supertest';
import type { LocalClaude } from '@loop-gateway/testing';
import { ApprovalsService } from '../src/hitl/approvals.service.js';
import { startGateway, useLocalClaude, useScratchDir, WAITING } from './pipeline-harness.js';
import { ManualClock } from './test-app.js';

/** A run_script call that leaves a file behind, so a test can tell whether it really ran. */
function touchScript(marker: string) {
  return { toolUse: { name: 'run_script', input: { language: 'bash', script: `touch ${marker} && echo made` } } };
}

function lastToolResult(claude: LocalClaude): { content: string; is_error?: boolean } {
  const messages = claude.requests.at(-1)!.body.messages as { content: { type: string }[] }[];
  return messages.at(-1)!.content.find((block) => block.type === 'tool_result') as unknown as {
    content: string;
    is_error?: boolean;
  };
}

describe('human approval of risky tool calls', () => {
  const local = useLocalClaude();
  const scratchDir = useScratchDir('lg-approvals-');
  let claude: LocalClaude;
  let scratch: string;
  beforeEach(() => {
    claude = local();
    scratch = scratchDir();
  });

  it('holds a script call until a person approves it, without holding up other runs', async () => {
    const { gw, auth, waitForRun, submit, signedInSocket } = await startGateway(claude);
    const socket = await signedInSocket();
    try {
      const marker = join(scratch, 'approved');
      // The local Claude answers requests in order, whichever run sends them.
      claude.script(touchScript(marker));
      const held = await submit({ message: 'Make the file' });
      await waitForRun(held.runId, 15_000, WAITING);
      expect(existsSync(marker)).toBe(false);

      const required = await socket.waitFor((m) => m.type === 'event' && m.event === 'approval:required');
      const pending = (await request(gw.url).get('/api/approvals?status=pending').set(auth).expect(200)).body;
      expect(pending).toEqual([
        expect.objectContaining({
          runId: held.runId,
          conversationId: held.conversationId,
          toolName: 'run_script',
          input: { language: 'bash', script: `touch ${marker} && echo made` },
          origin: { kind: 'api', ref: 'console' },
          status: 'pending',
          riskLevel: 'high',
          decidedBy: null,
        }),
      ]);
      expect(required).toMatchObject({
        payload: {
          approvalId: pending[0].id,
          runId: held.runId,
          toolName: 'run_script',
          reason: 'run_script acts on the world (every call)',
        },
      });
      const detail = (await request(gw.url).get(`/api/approvals/${pending[0].id}`).set(auth).expect(200)).body;
      expect(detail.conversation.map((line: { role: string }) => line.role)).toEqual(['user', 'assistant']);
      expect(detail.conversation[0].text).toBe('Make the file');
      expect(detail.conversation[1].text).toContain('[calls run_script with');

      // The paused run holds no queue slot: another conversation's run goes through meanwhile.
      claude.script({ text: 'Still here.' });
      const other = await submit({ message: 'Are you there?' });
      expect((await waitForRun(other.runId)).reply).toBe('Still here.');

      claude.script({ text: 'The file is made.' });
      const approved = (await request(gw.url).post(`/api/approvals/${pending[0].id}/approve`).set(auth).expect(200))
        .body;
      expect(approved).toMatchObject({ status: 'approved', decidedBy: 'admin', decidedAt: expect.any(String) });
      const run = await waitForRun(held.runId);
      expect(run).toMatchObject({ status: 'completed', reply: 'The file is made.' });
      expect(existsSync(marker)).toBe(true);
      expect(lastToolResult(claude).content).toContain('made');
      await socket.waitFor(
        (m) =>
          m.type === 'event' &&
          m.event === 'approval:resolved' &&
          (m.payload as { status: string }).status === 'approved',
      );

      const twice = await request(gw.url).post(`/api/approvals/${pending[0].id}/reject`).set(auth).expect(409);
      expect(twice.body.message).toMatch(/already approved by admin/);
      expect((await request(gw.url).get(`/api/approvals/run/${held.runId}`).set(auth).expect(200)).body).toEqual([
        expect.objectContaining({ id: pending[0].id, status: 'approved' }),
      ]);
      await request(gw.url).post('/api/approvals/7c1e3a52-4a0d-4b1e-9d55-1f6b8a1e2f00/approve').set(auth).expect(404);
      const stats = (await request(gw.url).get('/api/approvals/stats').set(auth).expect(200)).body;
      expect(stats).toMatchObject({ pending: 0, approved: 1, rejected: 0, timedOut: 0 });
      expect(typeof stats.averageDecisionSeconds).toBe('number');
    } finally {
      socket.close();
      await gw.close();
    }
  });

  it('holds an http_request that sends data out, but not one that reads', async () => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.method!);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    const { gw, auth, waitForRun, submit, heldApproval } = await startGateway(claude, {
      TOOL_ALLOWED_HOSTS: '127.0.0.1:*',
    });
    try {
      claude.script({ toolUse: { name: 'http_request', input: { method: 'GET', url } } }, { text: 'Read it.' });
      expect((await waitForRun((await submit({ message: 'Read the hook' })).runId)).reply).toBe('Read it.');
      claude.script({ toolUse: { name: 'http_request', input: { method: 'POST', url, body: 'secret' } } });
      const held = await submit({ message: 'Post to the hook' });
      const approval = await heldApproval(held.runId);
      expect(hits).toEqual(['GET']);
      expect(approval).toMatchObject({ toolName: 'http_request', input: { method: 'POST', url, body: 'secret' } });
      claude.script({ text: 'Posted.' });
      await request(gw.url).post(`/api/approvals/${approval.id}/approve`).set(auth).expect(200);
      expect((await waitForRun(held.runId)).reply).toBe('Posted.');
      expect(hits).toEqual(['GET', 'POST']);
    } finally {
      await gw.close();
      server.close();
    }
  });

  it('answers a waiting read (waitSeconds) with the run stored as waiting for its approval', async () => {
    const { gw, auth, submit } = await startGateway(claude);
    try {
      claude.script(touchScript(join(scratch, 'waited')));
      const held = await submit({ message: 'Make the file' });
      // Asked at once: the read answers when the run waits, not on the approval event that comes first.
      const read = await request(gw.url).get(`/api/runs/${held.runId}?waitSeconds=20`).set(auth).expect(200);
      expect(read.body).toMatchObject({ status: 'waiting', waitingFor: { kind: 'approval' } });
    } finally {
      await gw.close();
    }
  });

  it('tells the model about a rejection, with the reason, and never runs the call', async () => {
    const { gw, auth, waitForRun, submit, heldApproval } = await startGateway(claude);
    try {
      const marker = join(scratch, 'rejected');
      claude.script(touchScript(marker), { text: 'I was not allowed to make the file.' });
      const held = await submit({ message: 'Make the file' });
      const approval = await heldApproval(held.runId);
      await request(gw.url)
        .post(`/api/approvals/${approval.id}/reject`)
        .set(auth)
        .send({ comment: 'Not on the production box' })
        .expect(200);
      const run = await waitForRun(held.runId);
      expect(run).toMatchObject({ status: 'completed', reply: 'I was not allowed to make the file.' });
      expect(existsSync(marker)).toBe(false);
      const result = lastToolResult(claude);
      expect(result.is_error).toBe(true);
      expect(result.content).toContain('rejected this run_script call');
      expect(result.content).toContain('Not on the production box');
      expect(run.toolCalls).toEqual([expect.objectContaining({ name: 'run_script', status: 'done', isError: true })]);
      await request(gw.url).post(`/api/approvals/${approval.id}/approve`).set(auth).expect(409);
    } finally {
      await gw.close();
    }
  });

  it('keeps a conversation in order: its next message waits while a call is held', async () => {
    const { gw, auth, waitForRun, submit, heldApproval } = await startGateway(claude);
    try {
      claude.script(touchScript(join(scratch, 'ordered')), { text: 'Done with the file.' });
      const held = await submit({ message: 'Make the file' });
      const approval = await heldApproval(held.runId);
      claude.script({ text: 'And now the follow-up.' });
      const next = await submit({ message: 'Then this', conversationId: held.conversationId });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await request(gw.url).get(`/api/runs/${next.runId}`).set(auth).expect(200)).body.status).toBe('queued');
      await request(gw.url).post(`/api/approvals/${approval.id}/approve`).set(auth).expect(200);
      expect((await waitForRun(held.runId)).reply).toBe('Done with the file.');
      expect((await waitForRun(next.runId)).reply).toBe('And now the follow-up.');
    } finally {
      await gw.close();
    }
  });

  it('applies rules: no approval, auto-approval by matching arguments, and back to the default', async () => {
    const { gw, auth, waitForRun, submit, heldApproval } = await startGateway(claude);
    try {
      const rules = (await request(gw.url).get('/api/approval-rules').set(auth).expect(200)).body;
      expect(rules.rules).toEqual([]);
      expect(rules.defaults).toMatchObject({
        timeoutSeconds: 900,
        timeoutAction: 'reject',
        exfiltrationGuard: 'taint',
        trustedDestinations: [],
      });
      expect(rules.defaults.tools).toEqual(
        expect.arrayContaining([
          { toolName: 'run_script', riskLevel: 'high', requireApproval: true, when: 'every call' },
          expect.objectContaining({ toolName: 'http_request', requireApproval: true }),
          { toolName: 'web_browse', riskLevel: 'low', requireApproval: false, when: null },
        ]),
      );

      const rule = {
        toolName: 'run_script',
        riskLevel: 'medium',
        requireApproval: true,
        timeoutSeconds: 60,
        timeoutAction: 'reject',
        autoApprove: { language: 'bash', script: `touch ${scratch}/safe-*` },
      };
      const saved = (await request(gw.url).post('/api/approval-rules').set(auth).send(rule).expect(200)).body;
      expect(saved).toMatchObject({ ...rule, updatedAt: expect.any(String) });

      claude.script(touchScript(join(scratch, 'safe-1')), { text: 'Auto-approved.' });
      const auto = await submit({ message: 'Make a safe file' });
      expect((await waitForRun(auto.runId)).reply).toBe('Auto-approved.');
      expect(existsSync(join(scratch, 'safe-1'))).toBe(true);

      claude.script(touchScript(join(scratch, 'other')));
      const held = await submit({ message: 'Make another file' });
      const approval = await heldApproval(held.runId);
      expect(approval).toMatchObject({ riskLevel: 'medium', reason: 'the approval rule for run_script' });

      await request(gw.url)
        .post('/api/approval-rules')
        .set(auth)
        .send({ ...rule, requireApproval: false, autoApprove: undefined })
        .expect(200);
      claude.script(touchScript(join(scratch, 'free')), { text: 'No approval needed.' });
      const free = await submit({ message: 'Make a free file' });
      expect((await waitForRun(free.runId)).reply).toBe('No approval needed.');
      expect(existsSync(join(scratch, 'free'))).toBe(true);

      await request(gw.url).delete('/api/approval-rules/run_script').set(auth).expect(204);
      await request(gw.url).delete('/api/approval-rules/run_script').set(auth).expect(404);
      expect((await request(gw.url).get('/api/approval-rules').set(auth).expect(200)).body.rules).toEqual([]);
    } finally {
      await gw.close();
    }
  });

  it('rejects bad rules with a 400 naming the field, storing nothing', async () => {
    const { gw, auth } = await startGateway(claude);
    try {
      const valid = {
        toolName: 'run_script',
        riskLevel: 'high',
        requireApproval: true,
        timeoutSeconds: 60,
        timeoutAction: 'reject',
      };
      const cases: [object, RegExp][] = [
        [{ ...valid, toolName: 'no_such_tool' }, /toolName: there is no tool named/],
        [{ ...valid, timeoutAction: 'explode' }, /timeoutAction/],
        [{ ...valid, timeoutSeconds: 1 }, /timeoutSeconds/],
        [{ ...valid, riskLevel: 'extreme' }, /riskLevel/],
        [{ ...valid, autoApprove: { script: 42 } }, /autoApprove/],
        [{ ...valid, requireApproval: undefined }, /requireApproval/],
      ];
      for (const [body, message] of cases) {
        const res = await request(gw.url).post('/api/approval-rules').set(auth).send(body).expect(400);
        expect(JSON.stringify(res.body.message)).toMatch(message);
      }
      expect((await request(gw.url).get('/api/approval-rules').set(auth).expect(200)).body.rules).toEqual([]);
      await request(gw.url).get('/api/approvals?status=maybe').set(auth).expect(400);
      await request(gw.url).get('/api/approvals').expect(401);
    } finally {
      await gw.close();
    }
  });

  it('applies the timeout action when nobody decides, and refuses a late decision', async () => {
    const clock = new ManualClock(new Date());
    const { gw, auth, waitForRun, submit, heldApproval, approvalsOf } = await startGateway(claude, {}, { clock });
    try {
      const rule = { toolName: 'run_script', riskLevel: 'high', requireApproval: true, timeoutSeconds: 30 };
      await request(gw.url)
        .post('/api/approval-rules')
        .set(auth)
        .send({ ...rule, timeoutAction: 'reject' })
        .expect(200);
      claude.script(touchScript(join(scratch, 'late')), { text: 'Nobody answered in time.' });
      const held = await submit({ message: 'Make the file' });
      const approval = await heldApproval(held.runId);
      clock.advance(31_000);
      await gw.app.get(ApprovalsService).sweep();
      const run = await waitForRun(held.runId);
      expect(run.reply).toBe('Nobody answered in time.');
      expect(existsSync(join(scratch, 'late'))).toBe(false);
      expect(lastToolResult(claude).content).toContain('Nobody approved this run_script call in time');
      expect((await approvalsOf(held.runId))[0]).toMatchObject({
        status: 'timed_out',
        decidedBy: null,
        decidedAt: expect.any(String),
      });
      const late = await request(gw.url).post(`/api/approvals/${approval.id}/approve`).set(auth).expect(409);
      expect(late.body.message).toMatch(/already timed out/);

      await request(gw.url)
        .post('/api/approval-rules')
        .set(auth)
        .send({ ...rule, timeoutAction: 'approve' })
        .expect(200);
      claude.script(touchScript(join(scratch, 'lenient')), { text: 'Ran after the timeout.' });
      const lenient = await submit({ message: 'Make the lenient file' });
      await waitForRun(lenient.runId, 15_000, WAITING);
      clock.advance(31_000);
      // A decision after the deadline but before the sweep is refused too.
      const early = await request(gw.url).get(`/api/approvals/run/${lenient.runId}`).set(auth).expect(200);
      const refused = await request(gw.url).post(`/api/approvals/${early.body[0].id}/reject`).set(auth).expect(409);
      expect(refused.body.message).toMatch(/timed out .* approved automatically/);
      await gw.app.get(ApprovalsService).sweep();
      expect((await waitForRun(lenient.runId)).reply).toBe('Ran after the timeout.');
      expect(existsSync(join(scratch, 'lenient'))).toBe(true);
    } finally {
      await gw.close();
    }
  });

  it('keeps a held call across a restart: approving it afterwards resumes the run', async () => {
    const first = await startGateway(claude);
    const marker = join(scratch, 'after-restart');
    claude.script(touchScript(marker), { text: 'Made after the restart.' });
    const held = await first.submit({ message: 'Make the file' });
    await first.waitForRun(held.runId, 15_000, WAITING);
    await first.gw.close({ keepData: true });

    const second = await startGateway(claude, {}, { dataDir: first.gw.dataDir });
    try {
      const pending = (await request(second.gw.url).get('/api/approvals?status=pending').set(second.auth).expect(200))
        .body;
      expect(pending).toEqual([expect.objectContaining({ runId: held.runId, toolName: 'run_script' })]);
      expect((await second.waitForRun(held.runId, 15_000, WAITING)).status).toBe('waiting');
      await request(second.gw.url).post(`/api/approvals/${pending[0].id}/approve`).set(second.auth).expect(200);
      expect((await second.waitForRun(held.runId)).reply).toBe('Made after the restart.');
      expect(existsSync(marker)).toBe(true);
    } finally {
      await second.gw.close();
      rmSync(first.gw.dataDir, { recursive: true, force: true });
    }
  });

  it('applies a timeout that passed while the gateway was down as soon as it is up', async () => {
    const clock = new ManualClock(new Date());
    const first = await startGateway(claude, {}, { clock });
    await request(first.gw.url)
      .post('/api/approval-rules')
      .set(first.auth)
      .send({
        toolName: 'run_script',
        riskLevel: 'high',
        requireApproval: true,
        timeoutSeconds: 30,
        timeoutAction: 'reject',
      })
      .expect(200);
    claude.script(touchScript(join(scratch, 'down')), { text: 'Timed out while you were away.' });
    const held = await first.submit({ message: 'Make the file' });
    await first.waitForRun(held.runId, 15_000, WAITING);
    await first.gw.close({ keepData: true });

    clock.advance(60_000);
    const second = await startGateway(claude, {}, { dataDir: first.gw.dataDir, clock });
    try {
      expect((await second.waitForRun(held.runId)).reply).toBe('Timed out while you were away.');
      expect(existsSync(join(scratch, 'down'))).toBe(false);
      const [approval] = (
        await request(second.gw.url).get(`/api/approvals/run/${held.runId}`).set(second.auth).expect(200)
      ).body;
      expect(approval.status).toBe('timed_out');
    } finally {
      await second.gw.close();
      rmSync(first.gw.dataDir, { recursive: true, force: true });
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { LocalClaude, type RecordedRequest, type ScriptStep, startGatewayProcess } from '@loop-gateway/testing';
import { DataSource } from 'typeorm';
import { SQLITE_FILE_NAME } from '../src/database/data-source-options.js';
import { INSPECTABLE, pauseAt } from './breakpoint.js';
import { startGateway, startGatewayProcessOn } from './pipeline-harness.js';
import { ADMIN, setupAdmin } from './test-app.js';
import { waitUntil } from './wait.js';
import { RecordingSocket } from './ws-client.js';

/** The role a request to the model works as: sub-agents carry it in their system prompt; else the top-level agent. */
function roleOf(req: RecordedRequest): string {
  const system = req.body.system;
  const text = typeof system === 'string' ? system : (system ?? []).map((block) => block.text).join('\n');
  return /<agent id="[^"]+" role="([^"]+)"/.exec(text)?.[1] ?? 'top';
}

/** The text of the request's last user turn (its text blocks and tool results). */
function lastTurn(req: RecordedRequest): string {
  const content = req.body.messages.at(-1)?.content ?? '';
  if (typeof content === 'string') return content;
  return content
    .map((block) => {
      if (block.type === 'text') return block.text;
      if (block.type === 'tool_result') return typeof block.content === 'string' ? block.content : '';
      return '';
    })
    .join('\n');
}

/** Whether the last user turn carries tool results (the run resumed after its tools). */
function afterTools(req: RecordedRequest): boolean {
  const content = req.body.messages.at(-1)?.content;
  return Array.isArray(content) && content.some((block) => block.type === 'tool_result');
}

/** The local Claude answering as each role: `script[role]` is called with each request that role makes. */
function byRole(
  claude: LocalClaude,
  script: Record<string, (req: RecordedRequest) => ScriptStep | Promise<ScriptStep>>,
) {
  claude.respondWith((req) => {
    const answer = script[roleOf(req)];
    if (!answer) return { text: `No script for ${roleOf(req)}` };
    return answer(req);
  });
}

interface AgentBody {
  id: string;
  role: string | null;
  parentId: string | null;
  status: string;
  depth: number;
  currentRunId: string | null;
  parentRunId: string | null;
  groupId: string | null;
  a2aConversationId: string;
  conversationId: string;
  tokensUsed: number;
}
interface MessageBody {
  id: string;
  type: string;
  from: string;
  to: string;
  text: string;
  runId: string | null;
  fromRunId: string | null;
  replyTo: string | null;
}

describe('agents delegating to agents', () => {
  let claude: LocalClaude;
  beforeAll(async () => {
    claude = await LocalClaude.start();
  });
  afterAll(async () => {
    await claude.stop();
  });
  beforeEach(() => claude.reset());

  /** A planner that hands research and writing to two sub-agents in one turn and combines their answers. */
  const plannerScript = {
    top: (req: RecordedRequest): ScriptStep =>
      afterTools(req)
        ? { text: `Combined:\n${lastTurn(req)}` }
        : {
            toolUse: [
              { name: 'delegate', input: { role: 'researcher', task: 'Find the population of Oslo.' } },
              {
                name: 'delegate',
                input: { role: 'writer', task: 'Write one line about Oslo.', context: 'Audience: children' },
              },
            ],
          },
    researcher: (): ScriptStep => ({ text: 'Oslo has about 700,000 inhabitants.' }),
    writer: (req: RecordedRequest): ScriptStep => ({
      text: lastTurn(req).includes('Audience: children') ? 'Oslo is a city by the fjord.' : 'No context given.',
    }),
  };

  it('a planner delegates to a researcher and a writer in parallel and combines their answers', async () => {
    const { gw, token, auth, submit, waitForRun } = await startGateway(claude);
    const socket = new RecordingSocket(gw.url.replace('http', 'ws') + '/ws');
    try {
      await socket.opened();
      socket.send({ type: 'auth', token });
      await socket.waitFor((m) => m.type === 'ready');
      byRole(claude, plannerScript);
      const group = (await request(gw.url).post('/api/agent-groups').set(auth).send({ name: 'Desk' }).expect(201)).body;
      const started = await submit({ message: 'Tell me about Oslo', groupId: group.id });
      const run = await waitForRun(started.runId);

      expect(run.status).toBe('completed');
      expect(run.reply).toContain('Oslo has about 700,000 inhabitants.');
      expect(run.reply).toContain('Oslo is a city by the fjord.');
      // One model call before the delegations and one after both answered: they ran in parallel.
      expect(run.modelCalls).toHaveLength(2);
      expect(run.toolCalls.map((call) => [call.name, call.status, call.isError])).toEqual([
        ['delegate', 'done', false],
        ['delegate', 'done', false],
      ]);

      const overview = (await request(gw.url).get('/api/agents').set(auth).expect(200)).body;
      const agents = overview.agents as AgentBody[];
      const root = agents.find((agent) => agent.depth === 0)!;
      expect(root).toMatchObject({ role: null, parentId: null, currentRunId: started.runId, status: 'done' });
      const children = agents.filter((agent) => agent.parentId === root.id);
      expect(children.map((agent) => agent.role).sort()).toEqual(['researcher', 'writer']);
      for (const child of children) {
        // Under the parent's group (its budget), finished, with the tokens of its run.
        expect(child).toMatchObject({
          depth: 1,
          status: 'done',
          parentRunId: started.runId,
          a2aConversationId: root.id,
        });
        expect(child.groupId).toBe(root.groupId);
        expect(child.tokensUsed).toBeGreaterThan(0);
        const childRun = await waitForRun(child.currentRunId!);
        expect(childRun).toMatchObject({ status: 'completed', origin: { kind: 'a2a', ref: child.id } });
      }
      expect(overview.stats).toMatchObject({ spawnedToday: 2, active: 0, messages: 4 });
      expect(overview.stats.averageDelegationMs).toEqual(expect.any(Number));
      expect(overview.stats.tokensByRole.map((row: { role: string }) => row.role)).toEqual(['researcher', 'writer']);
      expect(overview.roles.map((role: { name: string }) => role.name)).toEqual(
        expect.arrayContaining(['planner', 'researcher', 'coder', 'reviewer', 'writer']),
      );

      // Usage by role, and the sub-agents' tokens count against the parent's group.
      type Row = { key: string; label: string; calls: number; inputTokens: number; outputTokens: number };
      const breakdown = async (by: string) =>
        (await request(gw.url).get(`/api/usage/breakdown?by=${by}`).set(auth).expect(200)).body.rows as Row[];
      const roleRows = await breakdown('role');
      expect(roleRows.map((row) => [row.key, row.label, row.calls]).sort()).toEqual([
        ['(top-level)', 'Top-level agent', 2],
        ['researcher', 'researcher', 1],
        ['writer', 'writer', 1],
      ]);
      for (const child of children) {
        const row = roleRows.find((r) => r.key === child.role)!;
        expect(row.inputTokens + row.outputTokens).toBe(child.tokensUsed);
      }
      const runTokens = async (runId: string) => {
        const body = (await request(gw.url).get(`/api/runs/${runId}`).set(auth).expect(200)).body;
        return body.inputTokens + body.outputTokens;
      };
      const allTokens =
        (await runTokens(started.runId)) +
        (await Promise.all(children.map((child) => runTokens(child.currentRunId!)))).reduce((a, b) => a + b, 0);
      const byGroup = await breakdown('group');
      expect(byGroup.map((row) => [row.key, row.calls, row.inputTokens + row.outputTokens])).toEqual([
        [group.id, 4, allTokens],
      ]);
      const stats = (await request(gw.url).get(`/api/agent-groups/${group.id}/stats`).set(auth).expect(200)).body;
      expect(stats.tokens.today).toBeGreaterThanOrEqual(allTokens);

      // Each sub-agent worked under its role: its prompt and only its role's skills.
      const researcherCall = claude.requests.find((req) => roleOf(req) === 'researcher')!;
      expect(JSON.stringify(researcherCall.body.system)).toContain('You are a researcher agent');
      expect((researcherCall.body.tools ?? []).map((tool) => tool.name).sort()).toEqual(['http_request', 'web_browse']);
      const writerCall = claude.requests.find((req) => roleOf(req) === 'writer')!;
      expect(writerCall.body.tools ?? []).toEqual([]);

      // The bus stored both tasks and both answers, in order, in the tree's A2A conversation.
      const conversation = (await request(gw.url).get(`/api/a2a/conversations/${root.id}`).set(auth).expect(200))
        .body as MessageBody[];
      expect(conversation.map((m) => m.type).sort()).toEqual(['delegate', 'delegate', 'result', 'result']);
      for (const result of conversation.filter((m) => m.type === 'result')) {
        const task = conversation.find((m) => m.id === result.replyTo)!;
        expect(conversation.indexOf(task)).toBeLessThan(conversation.indexOf(result));
        expect(result).toMatchObject({ from: task.to, to: root.id });
      }
      const delegations = (await request(gw.url).get('/api/a2a/messages?type=delegate').set(auth).expect(200))
        .body as MessageBody[];
      expect(delegations).toHaveLength(2);
      expect(delegations.every((m) => m.from === root.id && m.fromRunId === started.runId)).toBe(true);
      const researcher = children.find((agent) => agent.role === 'researcher')!;
      const itsMessages = (
        await request(gw.url).get(`/api/a2a/messages?agentId=${researcher.id}`).set(auth).expect(200)
      ).body as MessageBody[];
      expect(itsMessages.map((m) => m.type)).toEqual(['result', 'delegate']);

      // The console heard it live.
      // The parent's end is announced after everything its sub-agents did.
      await socket.waitFor(
        (m) => m.type === 'event' && m.event === 'agent:run:complete' && m.payload.runId === started.runId,
      );
      const events = socket.messages.filter((m) => m.type === 'event').map((m) => (m as { event: string }).event);
      expect(events.filter((e) => e === 'agent:spawned')).toHaveLength(2);
      expect(events.filter((e) => e === 'a2a:message')).toHaveLength(4);
      expect(events.filter((e) => e === 'agent:finished')).toHaveLength(2);
    } finally {
      socket.socket.close();
      await gw.close();
    }
  });

  it('queries an agent after it finished, answered from its conversation, and broadcasts to active sub-agents', async () => {
    const { gw, auth, submit, waitForRun } = await startGateway(claude);
    try {
      let researcherId = '';
      byRole(claude, {
        top: (req) => {
          const turn = lastTurn(req);
          if (turn.startsWith('Research')) {
            return {
              toolUse: { name: 'delegate', input: { role: 'researcher', task: 'Find the tallest building in Oslo.' } },
            };
          }
          if (turn.includes('The tallest building is Oslo Plaza.')) {
            return { toolUse: { name: 'broadcast', input: { to: 'all', message: 'Plan changed: focus on Bergen.' } } };
          }
          if (turn.includes('Sent to')) return { text: 'Told them.' };
          if (turn.startsWith('Follow up'))
            return { toolUse: { name: 'query', input: { agentId: researcherId, question: 'How tall is it?' } } };
          return { text: `Follow-up answer: ${turn}` };
        },
        researcher: (req) => {
          const turn = lastTurn(req);
          if (turn.includes('Follow-up question')) {
            // Answered from its own conversation: its first task is still there.
            const remembers = JSON.stringify(req.body.messages).includes('tallest building');
            return { text: remembers ? 'Oslo Plaza is 117 m tall.' : 'I do not remember the task.' };
          }
          if (turn.includes('Broadcast')) return { text: 'Understood, Bergen.' };
          return { text: 'The tallest building is Oslo Plaza.' };
        },
      });

      const first = await submit({ message: 'Research for me' });
      expect(await waitForRun(first.runId)).toMatchObject({ status: 'completed', reply: 'Told them.' });
      const agents = (await request(gw.url).get(`/api/agents?runId=${first.runId}`).set(auth).expect(200)).body
        .agents as AgentBody[];
      expect(agents).toHaveLength(1);
      researcherId = agents[0]!.id;

      // The broadcast reached the researcher as a run of its own, with no answer awaited by the planner.
      const broadcasts = (await request(gw.url).get('/api/a2a/messages?type=broadcast').set(auth).expect(200))
        .body as MessageBody[];
      expect(broadcasts).toHaveLength(1);
      expect(broadcasts[0]).toMatchObject({ to: researcherId, text: 'Plan changed: focus on Bergen.' });
      const delivered = await waitForRun(broadcasts[0]!.runId!);
      expect(delivered).toMatchObject({ status: 'completed', reply: 'Understood, Bergen.' });
      expect(delivered.conversationId).toBe(agents[0]!.conversationId);

      // A later run of the same conversation asks the finished researcher a follow-up.
      const second = await submit({ message: 'Follow up on that', conversationId: first.conversationId });
      const followUp = await waitForRun(second.runId);
      expect(followUp.status).toBe('completed');
      expect(followUp.reply).toContain('Oslo Plaza is 117 m tall.');
      const answers = (await request(gw.url).get('/api/a2a/messages?type=answer').set(auth).expect(200))
        .body as MessageBody[];
      expect(answers).toHaveLength(1);
      expect(answers[0]).toMatchObject({ from: researcherId, text: 'Oslo Plaza is 117 m tall.' });
      const query = (await request(gw.url).get('/api/a2a/messages?type=query').set(auth).expect(200)).body[0];
      expect(answers[0]!.replyTo).toBe(query.id);
      expect(query.fromRunId).toBe(second.runId);
    } finally {
      await gw.close();
    }
  });

  it('refuses delegations past the depth and per-run limits with a clear error, storing nothing for them', async () => {
    const { gw, auth, submit, waitForRun } = await startGateway(claude, {
      AGENT_MAX_DEPTH: '1',
      AGENT_MAX_PER_RUN: '1',
    });
    try {
      byRole(claude, {
        top: (req) =>
          afterTools(req)
            ? { text: lastTurn(req) }
            : {
                toolUse: [
                  { name: 'delegate', input: { role: 'planner', task: 'Plan a trip.' } },
                  { name: 'delegate', input: { role: 'writer', task: 'Write it up.' } },
                ],
              },
        planner: (req) =>
          afterTools(req)
            ? { text: `Planner heard: ${lastTurn(req)}` }
            : { toolUse: { name: 'delegate', input: { role: 'researcher', task: 'Find trains.' } } },
      });
      const started = await submit({ message: 'Plan my trip' });
      const run = await waitForRun(started.runId);
      expect(run.status).toBe('completed');
      expect(run.reply).toContain('AGENT_MAX_PER_RUN=1');
      expect(run.reply).toContain('Planner heard: Refused: a sub-agent here would be at depth 2');
      expect(run.reply).toContain('AGENT_MAX_DEPTH=1');
      expect(run.toolCalls.map((call) => call.isError).sort()).toEqual([false, true]);

      const agents = (await request(gw.url).get('/api/agents').set(auth).expect(200)).body.agents as AgentBody[];
      expect(agents.map((agent) => agent.role ?? 'top').sort()).toEqual(['planner', 'top']);
      const messages = (await request(gw.url).get('/api/a2a/messages').set(auth).expect(200)).body as MessageBody[];
      expect(messages.map((m) => m.type).sort()).toEqual(['delegate', 'result']);

      // An unknown role is refused the same way, naming the roles there are.
      byRole(claude, {
        top: (req) =>
          afterTools(req)
            ? { text: lastTurn(req) }
            : { toolUse: { name: 'delegate', input: { role: 'astronaut', task: 'Fly.' } } },
      });
      const unknown = await waitForRun((await submit({ message: 'Go to space' })).runId);
      expect(unknown.reply).toMatch(
        /Unknown role "astronaut"\. The roles are: coder, planner, researcher, reviewer, writer\./,
      );
    } finally {
      await gw.close();
    }
  });

  it('four parents delegating with RUN_CONCURRENCY=2 all finish (waiting parents hold no run slot)', async () => {
    const { gw, submit, waitForRun } = await startGateway(claude, { RUN_CONCURRENCY: '2' });
    try {
      byRole(claude, {
        top: (req) =>
          afterTools(req)
            ? { text: `Done: ${lastTurn(req)}` }
            : { toolUse: { name: 'delegate', input: { role: 'researcher', task: `Look up ${lastTurn(req)}` } } },
        researcher: (req) => ({ text: `Found ${lastTurn(req).split('Look up ')[1]}` }),
      });
      const started = await Promise.all(['alpha', 'beta', 'gamma', 'delta'].map((word) => submit({ message: word })));
      for (const [index, word] of ['alpha', 'beta', 'gamma', 'delta'].entries()) {
        const run = await waitForRun(started[index].runId, 30_000);
        expect(run).toMatchObject({ status: 'completed' });
        expect(run.reply).toContain(`Found ${word}`);
      }
    } finally {
      await gw.close();
    }
  });

  it('a sub-agent’s held call waits for approval, then its parent completes; cancelling a parent cancels its sub-agents', async () => {
    const { gw, auth, submit, waitForRun } = await startGateway(claude);
    try {
      byRole(claude, {
        top: (req) =>
          afterTools(req)
            ? { text: `Result: ${lastTurn(req)}` }
            : { toolUse: { name: 'delegate', input: { role: 'coder', task: 'Compute 6 * 7.' } } },
        coder: (req) =>
          afterTools(req)
            ? { text: `The script printed ${lastTurn(req).trim()}` }
            : { toolUse: { name: 'run_script', input: { language: 'bash', script: 'echo $((6 * 7))' } } },
      });
      const approved = await submit({ message: 'Compute something' });
      const pending = await waitUntil('the coder’s held call', async () => {
        const list = (await request(gw.url).get('/api/approvals?status=pending').set(auth).expect(200)).body;
        return list.length === 1 && list[0];
      });
      const [coder] = (await request(gw.url).get(`/api/agents?runId=${approved.runId}`).set(auth).expect(200)).body
        .agents as AgentBody[];
      // The held call shows who spawned the agent that made it.
      expect(pending).toMatchObject({
        runId: coder!.currentRunId,
        toolName: 'run_script',
        origin: { kind: 'a2a', ref: coder!.id, role: 'coder', parentRunId: approved.runId },
      });
      expect(coder).toMatchObject({ role: 'coder', status: 'waiting' });
      expect((await waitForRun(approved.runId, 5000, ['waiting'])).status).toBe('waiting');
      await request(gw.url).post(`/api/approvals/${pending.id}/approve`).set(auth).expect(200);
      const done = await waitForRun(approved.runId);
      expect(done.status).toBe('completed');
      expect(done.reply).toContain('The script printed');
      expect(done.reply).toContain('42');

      // The same again, but the parent is cancelled while its coder waits for the approval.
      const cancelled = await submit({ message: 'Compute again' });
      const held = await waitUntil('the second held call', async () => {
        const list = (await request(gw.url).get('/api/approvals?status=pending').set(auth).expect(200)).body;
        return list.length === 1 && list[0];
      });
      await request(gw.url).post(`/api/runs/${cancelled.runId}/cancel`).set(auth).expect(200);
      const child = await waitForRun(held.runId);
      expect(child).toMatchObject({
        status: 'cancelled',
        error: `Cancelled by the cancellation of run ${cancelled.runId}`,
      });
      const withdrawn = (await request(gw.url).get(`/api/approvals/${held.id}`).set(auth).expect(200)).body;
      expect(withdrawn.status).toBe('withdrawn');
      const [second] = (await request(gw.url).get(`/api/agents?runId=${cancelled.runId}`).set(auth).expect(200)).body
        .agents as AgentBody[];
      expect(second).toMatchObject({ status: 'failed' });
      const errors = (await request(gw.url).get(`/api/a2a/messages?type=error`).set(auth).expect(200))
        .body as MessageBody[];
      expect(errors).toHaveLength(1);
      expect(errors[0]!.text).toContain('cancelled');
    } finally {
      await gw.close();
    }
  });

  /**
   * A parent that ends without completing while a sub-agent works: it delegated to a coder, then told
   * it by broadcast to run a script (held for approval; no answer awaited), and its next model call
   * ends it.
   */
  it.each([
    ['an error from the model', {}, /500/],
    ['a model call past MODEL_TIMEOUT_SECONDS', { MODEL_TIMEOUT_SECONDS: '3' }, /timed out/i],
    ['its group’s token budget used up', {}, /daily token budget \(200000\) is used up/],
  ])(
    'a parent that fails through %s cancels its working sub-agents and withdraws their held approvals',
    async (how, env, error) => {
      const { gw, auth, submit, waitForRun } = await startGateway(claude, env);
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      try {
        const group = (
          await request(gw.url)
            .post('/api/agent-groups')
            .set(auth)
            .send({ name: 'Team', budgetMaxTokensDay: 200_000 })
            .expect(201)
        ).body;
        const pendingApproval = async () =>
          (await request(gw.url).get('/api/approvals?status=pending').set(auth).expect(200)).body.length === 1;
        byRole(claude, {
          top: async (req) => {
            const turn = lastTurn(req);
            if (turn.startsWith('Build')) {
              return { toolUse: { name: 'delegate', input: { role: 'coder', task: 'Get ready to compute.' } } };
            }
            if (turn.includes('Ready.')) {
              return { toolUse: { name: 'broadcast', input: { to: 'coder', message: 'Run the script now.' } } };
            }
            // The broadcast was sent: the coder works on it (its call held) while the parent goes on.
            await waitUntil('the coder’s held call', pendingApproval);
            if (how.startsWith('an error')) return { error: { status: 500, message: 'The model broke.' } };
            if (how.startsWith('a model call')) return (await released, { text: 'Too late.' });
            // The budget: this call spends the rest, so the next one is refused.
            if (turn.includes('Sent to')) {
              return {
                toolUse: { name: 'broadcast', input: { to: 'nobody', message: 'Anyone?' } },
                usage: { input_tokens: 250_000, output_tokens: 10 },
              };
            }
            return { text: 'Never asked: the budget is used up.' };
          },
          coder: (req) =>
            lastTurn(req).includes('Broadcast')
              ? { toolUse: { name: 'run_script', input: { language: 'bash', script: 'echo built' } } }
              : { text: 'Ready.' },
        });
        const started = await submit({ message: 'Build it', groupId: group.id });
        const parent = await waitForRun(started.runId, 30_000);
        expect(parent.status).toBe('failed');
        expect(parent.error).toMatch(error);

        // The coder's broadcast run, which was waiting for its approval, is cancelled by the parent's failure.
        const [broadcast] = (await request(gw.url).get('/api/a2a/messages?type=broadcast').set(auth).expect(200))
          .body as MessageBody[];
        const child = await waitForRun(broadcast!.runId!);
        expect(child).toMatchObject({ status: 'cancelled', error: `Cancelled by the failure of run ${started.runId}` });
        const [approval] = (await request(gw.url).get(`/api/approvals/run/${child.id}`).set(auth).expect(200)).body;
        expect(approval).toMatchObject({ status: 'withdrawn', toolName: 'run_script' });
        await request(gw.url).post(`/api/approvals/${approval.id}/approve`).set(auth).send({}).expect(409);
        const [coder] = (await request(gw.url).get(`/api/agents?runId=${started.runId}`).set(auth).expect(200)).body
          .agents as AgentBody[];
        expect(coder).toMatchObject({ role: 'coder', currentRunId: child.id, status: 'failed' });
        // Nothing of the coder's was run after its parent failed.
        expect(claude.requests.filter((req) => roleOf(req) === 'coder')).toHaveLength(2);
      } finally {
        release();
        await gw.close();
      }
    },
    60_000,
  );

  it('a kill -9 between a parent’s failure and the cancel of its sub-agent is caught up at the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lg-agents-failed-'));
    const first = await startGatewayProcessOn(claude, dataDir, true, INSPECTABLE);
    const pendingApproval = async () =>
      (await request(first.gw.url).get('/api/approvals?status=pending').set(first.auth).expect(200)).body.length === 1;
    byRole(claude, {
      top: async (req) => {
        const turn = lastTurn(req);
        if (turn.startsWith('Build')) {
          return { toolUse: { name: 'delegate', input: { role: 'coder', task: 'Get ready to compute.' } } };
        }
        if (turn.includes('Ready.')) {
          return { toolUse: { name: 'broadcast', input: { to: 'coder', message: 'Run the script now.' } } };
        }
        await waitUntil('the coder’s held call', pendingApproval);
        return { error: { status: 500, message: 'The model broke.' } };
      },
      coder: (req) =>
        lastTurn(req).includes('Broadcast')
          ? { toolUse: { name: 'run_script', input: { language: 'bash', script: 'echo built' } } }
          : { text: 'Ready.' },
    });
    let runId: string;
    try {
      // Stopped as the parent's failure is announced: stored, its sub-agent not yet cancelled.
      const breakpoint = await pauseAt(first.gw.output, 'a2a/delegations.js', 'const cascade = this.cancelStartedBy(');
      runId = (await first.submit({ message: 'Build it' })).runId;
      await breakpoint.paused;
      await first.kill();
      breakpoint.close();
    } catch (error) {
      await first.gw.stop({ keepData: true });
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }

    const second = await startGatewayProcessOn(claude, dataDir, false);
    try {
      expect(await second.waitForRun(runId)).toMatchObject({ status: 'failed' });
      const [broadcast] = (
        await request(second.gw.url).get('/api/a2a/messages?type=broadcast').set(second.auth).expect(200)
      ).body as MessageBody[];
      const child = await second.waitForRun(broadcast!.runId!);
      expect(child).toMatchObject({ status: 'cancelled', error: `Cancelled by the failure of run ${runId}` });
      const [approval] = await second.approvalsOf(child.id);
      expect(approval).toMatchObject({ status: 'withdrawn', toolName: 'run_script' });
      expect(claude.requests.filter((req) => roleOf(req) === 'coder')).toHaveLength(2);
    } finally {
      await second.gw.stop({ keepData: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('after kill -9 while sub-agents work, every parent still completes exactly once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lg-agents-kill-'));
    const env = { ANTHROPIC_BASE_URL: claude.url, ANTHROPIC_API_KEY: 'test-key', MODEL_MAX_RETRIES: '0' };
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    byRole(claude, {
      ...plannerScript,
      // The sub-agents' first answers hang until the gateway is gone.
      researcher: async () => (await released, plannerScript.researcher()),
      writer: async (req) => (await released, plannerScript.writer(req)),
    });
    const first = await startGatewayProcess({ dataDir, env });
    let auth = { Authorization: `Bearer ${await setupAdmin(first.url)}` };
    const runIds: string[] = [];
    try {
      for (const message of ['Oslo one', 'Oslo two']) {
        runIds.push((await request(first.url).post('/api/runs').set(auth).send({ message }).expect(202)).body.runId);
      }
      await waitUntil(
        'four sub-agents at work',
        () => claude.requests.filter((req) => roleOf(req) !== 'top').length >= 4,
      );
      for (const runId of runIds) {
        await waitUntil('the parent to wait', async () => {
          return (await request(first.url).get(`/api/runs/${runId}`).set(auth).expect(200)).body.status === 'waiting';
        });
      }
      const exited = new Promise((resolve) => first.child.once('exit', resolve));
      first.child.kill('SIGKILL');
      await exited;
    } catch (error) {
      await first.stop();
      throw error;
    }
    release();
    const second = await startGatewayProcess({ dataDir, env });
    try {
      auth = { Authorization: `Bearer ${(await request(second.url).post('/api/auth/login').send(ADMIN)).body.token}` };
      for (const runId of runIds) {
        const run = await waitUntil(
          'the parent to complete',
          async () => {
            const body = (await request(second.url).get(`/api/runs/${runId}`).set(auth).expect(200)).body;
            return body.status === 'completed' && body;
          },
          30_000,
        );
        expect(run.reply).toContain('Oslo has about 700,000 inhabitants.');
        expect(run.reply).toContain('Oslo is a city by the fjord.');
        // Exactly once: one answer after the delegations, one result per delegation.
        expect(run.messages.filter((m: { role: string }) => m.role === 'assistant')).toHaveLength(2);
      }
      const results = (await request(second.url).get('/api/a2a/messages?type=result').set(auth).expect(200))
        .body as MessageBody[];
      expect(results).toHaveLength(4);
      expect(new Set(results.map((m) => m.replyTo)).size).toBe(4);
      const topCalls = claude.requests.filter((req) => roleOf(req) === 'top' && afterTools(req));
      expect(topCalls).toHaveLength(2);
    } finally {
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  /**
   * A child that finished while the gateway was down: the built gateway is stopped (through its
   * inspector) in the researcher's `agent-answer` continuation, at a line of it, and killed there with
   * SIGKILL, while the writer still works. After the restart the parent completes exactly once.
   */
  it.each([
    ['the researcher’s end is stored, its result not yet', 'await this.settle(message, run);', 0],
    ['the researcher’s result is stored, its parent not yet woken', 'await this.runs.resume(message.fromRunId)', 1],
  ])(
    'a child that finished just before a kill -9 (%s) wakes its parent exactly once after the restart',
    async (_point, line, resultsStored) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'lg-agents-woken-'));
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const first = await startGatewayProcessOn(claude, dataDir, true, INSPECTABLE);
      let runId = '';
      byRole(claude, {
        ...plannerScript,
        // The researcher answers once its parent waits for both sub-agents.
        researcher: async () => (await first.waitForRun(runId, 15_000, ['waiting']), plannerScript.researcher()),
        // The writer's first answer hangs until the gateway is gone.
        writer: async (req) => (
          claude.requests.filter((r) => roleOf(r) === 'writer').length === 1 && (await released),
          plannerScript.writer(req)
        ),
      });
      try {
        const breakpoint = await pauseAt(first.gw.output, 'a2a/delegations.js', line);
        runId = (await first.submit({ message: 'Tell me about Oslo' })).runId;
        await breakpoint.paused;
        await first.kill();
        breakpoint.close();
      } catch (error) {
        await first.gw.stop({ keepData: true });
        rmSync(dataDir, { recursive: true, force: true });
        throw error;
      }
      release();

      // What the crash left: the researcher's run ended, its result stored or not, the parent waiting.
      const db = new DataSource({ type: 'better-sqlite3', database: join(dataDir, SQLITE_FILE_NAME), readonly: true });
      await db.initialize();
      try {
        const [parent] = await db.query('SELECT status FROM runs WHERE id = ?', [runId]);
        expect(parent.status).toBe('waiting');
        const researcher = await db.query(`SELECT status FROM runs WHERE origin LIKE '%"role":"researcher"%'`);
        expect(researcher).toEqual([{ status: 'completed' }]);
        const [results] = await db.query("SELECT COUNT(*) AS n FROM a2a_messages WHERE type = 'result'");
        expect(results.n).toBe(resultsStored);
      } finally {
        await db.destroy();
      }

      const second = await startGatewayProcessOn(claude, dataDir, false);
      try {
        const run = await second.waitForRun(runId, 30_000);
        expect(run.status).toBe('completed');
        expect(run.reply).toContain('Oslo has about 700,000 inhabitants.');
        expect(run.reply).toContain('Oslo is a city by the fjord.');
        // Once: one answer before the delegations and one after both answered.
        expect(run.messages.filter((m) => m.role === 'assistant')).toHaveLength(2);
        const results = (await request(second.gw.url).get('/api/a2a/messages?type=result').set(second.auth).expect(200))
          .body as MessageBody[];
        expect(results).toHaveLength(2);
        expect(new Set(results.map((m) => m.replyTo)).size).toBe(2);
        // The researcher was not run again; the parent's model got its answer once, in one call.
        expect(claude.requests.filter((req) => roleOf(req) === 'researcher')).toHaveLength(1);
        const resumed = claude.requests.filter((req) => roleOf(req) === 'top' && afterTools(req));
        expect(resumed).toHaveLength(1);
        const seen = JSON.stringify(resumed[0]!.body.messages).split('Oslo has about 700,000 inhabitants.').length - 1;
        expect(seen).toBe(1);
      } finally {
        await second.gw.stop({ keepData: true });
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    90_000,
  );
});

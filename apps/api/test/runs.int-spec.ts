import request from 'supertest';
import { DataSource } from 'typeorm';
import { estimateInputTokens, LocalClaude, systemText } from '@loop-gateway/testing';
import { RunsService } from '../src/agents/runs.service.js';
import { ToolRegistry } from '../src/tools/tool-registry.js';
import type { Tool } from '../src/tools/tool.js';
import { startGateway, startGatewayProcessOn, useScratchDir } from './pipeline-harness.js';
import { waitUntil } from './wait.js';
import { RecordingSocket } from './ws-client.js';

function recordingTool(
  name: string,
  run: (input: unknown, signal: AbortSignal) => Promise<string>,
): Tool & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    name,
    calls,
    description: `Test tool ${name}`,
    inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    riskLevel: 'low',
    async execute(input, context) {
      calls.push(input);
      return { content: await run(input, context.signal) };
    },
  };
}

describe('the agent pipeline against a local Claude', () => {
  let claude: LocalClaude;
  beforeAll(async () => {
    claude = await LocalClaude.start();
  });
  afterAll(async () => {
    await claude.stop();
  });
  beforeEach(() => claude.reset());

  it('runs a message through the model with streaming, stores the reply and usage, and emits events', async () => {
    const { gw, token, auth, waitForRun, submit } = await startGateway(claude);
    try {
      const socket = new RecordingSocket(gw.url.replace('http', 'ws') + '/ws');
      await socket.opened();
      socket.send({ type: 'auth', token });
      await socket.waitFor((m) => m.type === 'ready');

      claude.script({
        text: 'Hello from the local Claude, streamed in pieces.',
        usage: { input_tokens: 1200, output_tokens: 300 },
      });
      const accepted = await submit({ message: 'Say hello' });
      expect(accepted).toMatchObject({
        status: 'queued',
        runId: expect.any(String),
        conversationId: expect.any(String),
      });
      const run = await waitForRun(accepted.runId);
      expect(run).toMatchObject({
        status: 'completed',
        reply: 'Hello from the local Claude, streamed in pieces.',
        inputTokens: 1200,
        outputTokens: 300,
        iterations: 1,
      });
      expect(claude.requests).toHaveLength(1);
      expect(claude.requests[0]!.body).toMatchObject({
        stream: true,
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
      });
      expect(claude.requests[0]!.apiKey).toBe('global-test-key');

      const complete = await socket.waitFor((m) => m.type === 'event' && m.event === 'agent:run:complete');
      expect(complete).toMatchObject({
        payload: {
          runId: accepted.runId,
          conversationId: accepted.conversationId,
          inputTokens: 1200,
          outputTokens: 300,
          durationMs: expect.any(Number),
        },
      });
      const types = socket.messages.filter((m) => m.type === 'event').map((m) => (m as { event: string }).event);
      expect(types.indexOf('agent:run:start')).toBeLessThan(types.indexOf('agent:run:text'));
      const streamed = socket.messages
        .filter((m) => m.type === 'event' && m.event === 'agent:run:text')
        .map((m) => (m as { payload: { delta: string } }).payload.delta);
      expect(streamed.length).toBeGreaterThan(1);
      expect(streamed.join('')).toBe(run.reply);
      socket.close();

      const calls = (await request(gw.url).get('/api/usage/calls').set(auth).expect(200)).body;
      expect(calls).toEqual([
        expect.objectContaining({
          runId: accepted.runId,
          model: 'claude-sonnet-4-6',
          inputTokens: 1200,
          outputTokens: 300,
          status: 'ok',
        }),
      ]);
      // claude-sonnet-4 list price: $3 / MTok in, $15 / MTok out.
      expect(calls[0].costUsd).toBeCloseTo(0.0036 + 0.0045, 6);
      const summary = (await request(gw.url).get('/api/usage').set(auth).expect(200)).body;
      expect(summary.today).toMatchObject({ calls: 1, inputTokens: 1200, outputTokens: 300 });
      expect(summary.today.costUsd).toBeCloseTo(0.0081, 6);
      const runs = (await request(gw.url).get('/api/runs').set(auth).expect(200)).body;
      expect(runs[0]).toMatchObject({ id: accepted.runId, status: 'completed', origin: { kind: 'api' } });
    } finally {
      await gw.close();
    }
  });

  it('calls a tool once, feeds its result back, and keeps the conversation for the next run', async () => {
    const { gw, waitForRun, submit } = await startGateway(claude);
    try {
      const tool = recordingTool(
        'lookup_order',
        async (input) => `Order ${(input as { id: string }).id} ships tomorrow.`,
      );
      gw.app.get(ToolRegistry).register(tool);
      claude.script(
        { toolUse: { name: 'lookup_order', input: { id: 'A-17' } }, text: 'Let me check.' },
        { text: 'Your order A-17 ships tomorrow.' },
      );
      const first = await submit({ message: 'Where is order A-17?' });
      const run = await waitForRun(first.runId);
      expect(run).toMatchObject({ status: 'completed', reply: 'Your order A-17 ships tomorrow.', iterations: 2 });
      expect(tool.calls).toEqual([{ id: 'A-17' }]);
      expect(run.toolCalls).toEqual([
        expect.objectContaining({
          name: 'lookup_order',
          status: 'done',
          output: 'Order A-17 ships tomorrow.',
          isError: false,
        }),
      ]);
      expect(run.modelCalls).toHaveLength(2);
      expect(claude.requests[0]!.body.tools).toContainEqual(expect.objectContaining({ name: 'lookup_order' }));
      const secondRequest = claude.requests[1]!.body.messages as {
        role: string;
        content: { type: string; content?: string }[];
      }[];
      expect(secondRequest.at(-1)).toEqual({
        role: 'user',
        content: [expect.objectContaining({ type: 'tool_result', content: 'Order A-17 ships tomorrow.' })],
      });

      claude.script({ text: 'You are welcome.' });
      const followUp = await submit({ message: 'Thanks!', conversationId: first.conversationId });
      expect((await waitForRun(followUp.runId)).reply).toBe('You are welcome.');
      expect((claude.requests[2]!.body.messages as unknown[]).length).toBe(5); // user, assistant, tool result, assistant, user
    } finally {
      await gw.close();
    }
  });

  it('injects the channel style into the system prompt, and uses the group’s own key and model', async () => {
    const { gw, auth, waitForRun } = await startGateway(claude);
    try {
      const group = (
        await request(gw.url)
          .post('/api/agent-groups')
          .set(auth)
          .send({
            name: 'Mail',
            apiKey: 'group-own-key-1',
            model: 'claude-haiku-4-5',
            channelStyles: { email: 'Sign as the Mail Team.' },
          })
          .expect(201)
      ).body;
      const runs = gw.app.get(RunsService);
      const telegram = await runs.submit({ message: 'hi', origin: { kind: 'channel', channelType: 'telegram' } });
      const email = await runs.submit({
        message: 'hi',
        groupId: group.id,
        origin: { kind: 'channel', channelType: 'email' },
      });
      const unknown = await runs.submit({ message: 'hi', origin: { kind: 'channel', channelType: 'fax' as 'email' } });
      for (const run of [telegram, email, unknown]) await waitForRun(run.id);
      const systems = claude.requests.map((r) => systemText(r.body));
      expect(systems.find((s) => s.includes('channel="telegram"'))).toMatch(/short, casual/);
      const mail = claude.requests.find((r) => systemText(r.body).includes('channel="email"'))!;
      expect(systemText(mail.body)).toContain('Sign as the Mail Team.');
      expect(mail.body.model).toBe('claude-haiku-4-5');
      expect(mail.apiKey).toBe('group-own-key-1');
      expect(systems.filter((s) => !s.includes('<channel_context'))).toHaveLength(1); // the unknown channel
      expect(claude.requests.filter((r) => r.apiKey === 'global-test-key')).toHaveLength(2);
    } finally {
      await gw.close();
    }
  });

  it('refuses a run over the group’s daily budget before calling the model, and says why', async () => {
    const { gw, auth, waitForRun, submit } = await startGateway(claude);
    try {
      const group = (
        await request(gw.url)
          .post('/api/agent-groups')
          .set(auth)
          .send({ name: 'Capped', budgetMaxTokensDay: 1000 })
          .expect(201)
      ).body;
      claude.script({ text: 'Expensive answer.', usage: { input_tokens: 900, output_tokens: 200 } });
      expect((await waitForRun((await submit({ message: 'one', groupId: group.id })).runId)).status).toBe('completed');
      const before = claude.requests.length;
      const refused = await waitForRun((await submit({ message: 'two', groupId: group.id })).runId);
      expect(refused.status).toBe('refused');
      // A day people read and the zone, not a raw ISO instant.
      expect(refused.reply).toMatch(
        /^Agent group "Capped": daily token budget \(1000\) is used up; it resets at 00:00 on (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4} \(UTC\)$/,
      );
      expect(refused.error).toBe(refused.reply);
      expect(claude.requests.length).toBe(before);

      const stats = (await request(gw.url).get(`/api/agent-groups/${group.id}/stats`).set(auth).expect(200)).body;
      expect(stats).toEqual({
        groupId: group.id,
        runs: { total: 2, today: 2, failed: 1 },
        tokens: { today: 1100, month: 1100 },
        costMonthUsd: 0.0057, // claude-sonnet-4-6 at $3 / $15 per MTok: 900 in + 200 out
        budget: { day: { limit: 1000, used: 1100, remaining: 0 }, month: { limit: null, used: 1100, remaining: null } },
      });
    } finally {
      await gw.close();
    }
  });

  it('emits budget:threshold once when a call passes 80 % and once when it passes 100 % of a budget', async () => {
    const { gw, token, auth, waitForRun, submit } = await startGateway(claude);
    const socket = new RecordingSocket(gw.url.replace('http', 'ws') + '/ws');
    try {
      await socket.opened();
      socket.send({ type: 'auth', token });
      await socket.waitFor((m) => m.type === 'ready');
      const group = (
        await request(gw.url)
          .post('/api/agent-groups')
          .set(auth)
          .send({ name: 'Watched', budgetMaxTokensDay: 1000 })
          .expect(201)
      ).body;
      const thresholds = () =>
        socket.messages.flatMap((m) => (m.type === 'event' && m.event === 'budget:threshold' ? [m.payload] : []));
      const spend = async (input: number, output: number) => {
        claude.script({ text: 'ok', usage: { input_tokens: input, output_tokens: output } });
        const run = await waitForRun((await submit({ message: 'spend', groupId: group.id })).runId);
        expect(run.status).toBe('completed');
        // The event goes out before the run completes; the socket has it by the time a later one arrives.
        await socket.waitFor(
          (m) => m.type === 'event' && m.event === 'agent:run:complete' && m.payload.runId === run.id,
        );
      };
      await spend(300, 100); // 400: below both lines
      await spend(300, 150); // 850: past 80 %
      await spend(50, 50); // 950: no new line
      await spend(40, 20); // 1010: past 100 %
      const watched = { groupId: group.id, groupName: 'Watched', period: 'day', budgetTokens: 1000 };
      expect(thresholds()).toEqual([
        { ...watched, percent: 80, usedTokens: 850 },
        { ...watched, percent: 100, usedTokens: 1010 },
      ]);
    } finally {
      socket.close();
      await gw.close();
    }
  });

  it('breaks usage down by origin (console vs API key), group and channel over a date range', async () => {
    const { gw, auth, waitForRun, submit } = await startGateway(claude);
    try {
      const group = (await request(gw.url).post('/api/agent-groups').set(auth).send({ name: 'Sales' }).expect(201))
        .body;
      const key = (await request(gw.url).post('/api/api-keys').set(auth).send({ name: 'script' }).expect(201)).body
        .key as string;
      claude.respondWith(() => ({ text: 'ok', usage: { input_tokens: 1000, output_tokens: 100 } }));
      // From the console (a session) into Sales, and twice from a script with an API key.
      await waitForRun((await submit({ message: 'from the console', groupId: group.id })).runId);
      for (const message of ['script one', 'script two']) {
        const accepted = await request(gw.url)
          .post('/api/runs')
          .set({ Authorization: `Bearer ${key}` })
          .send({ message })
          .expect(202);
        await waitForRun(accepted.body.runId);
      }
      const breakdown = async (query: string) =>
        (await request(gw.url).get(`/api/usage/breakdown${query}`).set(auth).expect(200)).body as {
          from: string;
          to: string;
          rows: { key: string; label: string; calls: number; inputTokens: number; costUsd: number }[];
        };
      const byOrigin = await breakdown('');
      expect(byOrigin.rows.map((r) => [r.key, r.label, r.calls, r.inputTokens])).toEqual([
        ['api', 'API', 2, 2000],
        ['console', 'Console', 1, 1000],
      ]);
      expect(byOrigin.rows[0]!.costUsd).toBeGreaterThan(byOrigin.rows[1]!.costUsd);
      const byGroup = await breakdown('?by=group');
      expect(byGroup.rows.map((r) => [r.label, r.calls])).toEqual([
        ['Default', 2],
        ['Sales', 1],
      ]);
      // No channel runs: nothing to list by channel.
      expect((await breakdown('?by=channel')).rows).toEqual([]);
      // A range before today holds nothing.
      expect((await breakdown('?from=2020-01-01&to=2020-01-31')).rows).toEqual([]);

      const bad: [string, RegExp][] = [
        ['?by=planet', /by must be one of: origin, group, channel, role/],
        ['?from=yesterday', /from must be a date such as 2026-11-01/],
        ['?from=2026-02-01&to=2026-01-01', /from \(2026-02-01\) must not be after to \(2026-01-01\)/],
        ['?from=2020-01-01&to=2026-01-01', /at most 366 days apart/],
      ];
      for (const [query, message] of bad) {
        const res = await request(gw.url).get(`/api/usage/breakdown${query}`).set(auth).expect(400);
        expect(JSON.stringify(res.body.message)).toMatch(message);
      }
    } finally {
      await gw.close();
    }
  });

  it('lets concurrent runs overspend a budget by at most one call', async () => {
    const { gw, auth, waitForRun, submit } = await startGateway(claude, { RUN_CONCURRENCY: '6' });
    try {
      const group = (
        await request(gw.url)
          .post('/api/agent-groups')
          .set(auth)
          .send({ name: 'Shared', budgetMaxTokensDay: 1000 })
          .expect(201)
      ).body;
      claude.latencyMs = 100;
      claude.respondWith(() => ({ text: 'ok', usage: { input_tokens: 400, output_tokens: 200 } }));
      const accepted = await Promise.all(
        [1, 2, 3, 4, 5, 6].map((i) => submit({ message: `run ${i}`, groupId: group.id })),
      );
      const runs = await Promise.all(accepted.map((a) => waitForRun(a.runId)));
      const spent = runs.reduce((total, run) => total + run.inputTokens + run.outputTokens, 0);
      expect(spent).toBeLessThanOrEqual(1000 + 600);
      expect(runs.filter((run) => run.status !== 'completed').length).toBeGreaterThan(0);
      const [row] = await gw.app
        .get(DataSource)
        .query('SELECT SUM(input_tokens + output_tokens) AS t FROM model_calls');
      expect(Number(row.t)).toBe(spent);
    } finally {
      claude.latencyMs = 0;
      await gw.close();
    }
  });

  it('compacts harder and retries once when the model says the prompt is too long, and cuts a huge message', async () => {
    // The group believes the model has 200,000 tokens; the local Claude has far fewer.
    const { gw, auth, waitForRun, submit } = await startGateway(claude);
    try {
      const first = await waitForRun((await submit({ message: 'hi' })).runId);
      const base = estimateInputTokens(claude.requests[0]!.body);
      claude.contextWindowTokens = base + 2500;
      const conversationId = first.conversationId;
      for (let turn = 1; turn <= 4; turn++) {
        const run = await waitForRun((await submit({ message: `${turn} ${'x'.repeat(2000)}`, conversationId })).runId);
        expect(run).toMatchObject({
          status: 'completed',
          reply: expect.stringMatching(new RegExp(`^Echo: ${turn} x`)),
        });
      }
      const tooLong = claude.requests.filter((r) => estimateInputTokens(r.body) > claude.contextWindowTokens!);
      expect(tooLong.length).toBeGreaterThan(0); // the API did answer 400, and the runs still completed
      const detail = (await request(gw.url).get(`/api/runs/${first.id}`).set(auth)).body;
      expect(detail.status).toBe('completed');

      // A single message far beyond the window is cut with a note, not a failed run.
      const WINDOW = 20_000;
      claude.contextWindowTokens = WINDOW;
      const group = (await request(gw.url).get('/api/agent-groups').set(auth)).body[0];
      await request(gw.url)
        .put(`/api/agent-groups/${group.id as string}`)
        .set(auth)
        .send({ contextWindowTokens: WINDOW })
        .expect(200);
      const huge = await waitForRun((await submit({ message: 'y'.repeat(100_000) })).runId);
      expect(huge.status).toBe('completed');
      const sent = JSON.stringify(claude.requests.at(-1)!.body.messages);
      expect(sent).toMatch(/Cut by the gateway: this message was 100000 characters/);
      expect(estimateInputTokens(claude.requests.at(-1)!.body)).toBeLessThanOrEqual(WINDOW);
    } finally {
      claude.contextWindowTokens = undefined;
      await gw.close();
    }
  });

  it('retries an overloaded model, and records a failed call as a failed run', async () => {
    const { gw, waitForRun, submit } = await startGateway(claude, { MODEL_MAX_RETRIES: '2' });
    try {
      claude.script({ error: { status: 529 } }, { text: 'Made it on the second try.' });
      const retried = await waitForRun((await submit({ message: 'retry me' })).runId);
      expect(retried).toMatchObject({ status: 'completed', reply: 'Made it on the second try.' });
      expect(claude.requests).toHaveLength(2);

      claude.script({ error: { status: 400, message: 'messages: text content blocks must be non-empty' } });
      const failed = await waitForRun((await submit({ message: 'break me' })).runId);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/Model call failed \(400\): messages: text content blocks must be non-empty/);
      expect(failed.modelCalls).toEqual([expect.objectContaining({ status: 'error', inputTokens: 0 })]);
    } finally {
      await gw.close();
    }
  });

  it('rejects bad run requests clearly and bounds the queue', async () => {
    const { gw, auth, submit } = await startGateway(claude, { RUN_CONCURRENCY: '1', RUN_QUEUE_LIMIT: '2' });
    try {
      const post = (body: object) => request(gw.url).post('/api/runs').set(auth).send(body);
      expect((await post({}).expect(400)).body.message).toEqual(
        expect.arrayContaining([expect.stringMatching(/^message/)]),
      );
      expect((await post({ message: 'x', groupId: 'nope' }).expect(400)).body.message).toEqual([
        'groupId must be a UUID',
      ]);
      const missingGroup = '4a3f0c56-0000-4000-8000-000000000000';
      expect((await post({ message: 'x', groupId: missingGroup }).expect(404)).body.message).toBe(
        `Agent group ${missingGroup} not found`,
      );
      await post({ message: 'x', conversationId: missingGroup }).expect(404);
      await request(gw.url).get(`/api/runs/${missingGroup}`).set(auth).expect(404);
      await request(gw.url).get('/api/runs?status=weird').set(auth).expect(400);

      // The model holds its answers: both runs are accepted and in flight, a third is one too many.
      const model = holdAnswers(claude);
      await submit({ message: 'in flight' });
      await submit({ message: 'also in flight' });
      const before = (await request(gw.url).get('/api/runs').set(auth).expect(200)).body.length;
      const full = await post({ message: 'one too many' }).expect(503);
      expect(full.body.message).toBe('The run queue is full; try again shortly');
      expect(full.headers['retry-after']).toBe('5');
      // Refused before anything was stored.
      expect((await request(gw.url).get('/api/runs').set(auth).expect(200)).body.length).toBe(before);
      model.release();
    } finally {
      await gw.close();
    }
  });

  it('lets runs wait on the model without a work slot: one slot, three conversations answered at once', async () => {
    const { gw, waitForRun, submit } = await startGateway(claude, { RUN_CONCURRENCY: '1' });
    try {
      const model = holdAnswers(claude);
      const accepted = await Promise.all(['a', 'b', 'c'].map((message) => submit({ message })));
      // All three reached the model though only one run may work at a time.
      await waitUntil('three model calls in flight', () => model.waiting() === 3);
      model.release();
      const runs = await Promise.all(accepted.map((a) => waitForRun(a.runId)));
      expect(runs.map((run) => [run.status, run.reply])).toEqual([
        ['completed', 'Echo: a'],
        ['completed', 'Echo: b'],
        ['completed', 'Echo: c'],
      ]);
    } finally {
      await gw.close();
    }
  });
});

/** Makes the local Claude hold every answer until `release()`; `waiting()` counts the held requests. */
function holdAnswers(claude: LocalClaude) {
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  let waiting = 0;
  claude.respondWith(async (request) => {
    waiting++;
    await gate;
    const last = request.body.messages.at(-1)!;
    const text =
      typeof last.content === 'string' ? last.content : last.content.map((b) => ('text' in b ? b.text : '')).join('');
    return { text: `Echo: ${text}` };
  });
  return { waiting: () => waiting, release: () => open() };
}

describe('runs across a crash or restart', () => {
  let claude: LocalClaude;
  const data = useScratchDir('lg-runs-crash-');
  beforeAll(async () => {
    claude = await LocalClaude.start();
  });
  afterAll(async () => {
    await claude.stop();
  });

  it('completes an accepted run once after a kill -9 during its first model call', async () => {
    claude.reset();
    const first = await startGatewayProcessOn(claude, data(), true);
    claude.latencyMs = 5000;
    const accepted = await first.submit({ message: 'Question before the crash' });
    await waitUntil('the model call', () => claude.requests.length === 1);
    await first.kill();
    claude.latencyMs = 0;
    claude.script({ text: 'Answered after the crash.' });

    const second = await startGatewayProcessOn(claude, data(), false);
    try {
      const run = await second.waitForRun(accepted.runId);
      expect(run).toMatchObject({ status: 'completed', reply: 'Answered after the crash.' });
      // Its user message was stored with it, once; the answer once.
      expect(run.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
      const asked = claude.requests.at(-1)!.body.messages as { role: string }[];
      expect(asked.map((m) => m.role)).toEqual(['user']);
    } finally {
      await second.gw.stop();
    }
  });

  it('resumes an interrupted run without running a started tool call twice', async () => {
    const first = await startGateway(claude);
    const tool = recordingTool(
      'send_invoice',
      (_input, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    );
    first.gw.app.get(ToolRegistry).register(tool);
    claude.script(
      { toolUse: { name: 'send_invoice', input: { id: 'INV-1' } } },
      { text: 'I could not confirm the invoice was sent.' },
    );
    const accepted = await first.submit({ message: 'Send invoice INV-1' });
    const deadline = Date.now() + 10_000;
    while (tool.calls.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tool.calls).toHaveLength(1);
    await first.gw.close({ keepData: true }); // the process goes away while the tool runs

    const second = await startGateway(claude, {}, { dataDir: first.gw.dataDir });
    const resumedTool = recordingTool('send_invoice', async () => 'sent');
    second.gw.app.get(ToolRegistry).register(resumedTool);
    try {
      const run = await second.waitForRun(accepted.runId);
      expect(run.status).toBe('completed');
      expect(run.reply).toBe('I could not confirm the invoice was sent.');
      expect(resumedTool.calls).toEqual([]); // never run a second time
      expect(run.toolCalls).toEqual([
        expect.objectContaining({
          status: 'done',
          isError: true,
          output: expect.stringMatching(/interrupted by a gateway restart/),
        }),
      ]);
      const lastRequest = claude.requests.at(-1)!.body.messages as {
        content: { type: string; is_error?: boolean }[];
      }[];
      expect(lastRequest.at(-1)!.content[0]).toMatchObject({ type: 'tool_result', is_error: true });
    } finally {
      await second.gw.close();
    }
  });

  it('leaves no run stuck in "running" when the process stops during a model call', async () => {
    claude.reset();
    const first = await startGateway(claude);
    claude.latencyMs = 2000;
    const accepted = await first.submit({ message: 'slow question' });
    const deadline = Date.now() + 5000;
    while (claude.requests.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await first.gw.close({ keepData: true });
    claude.latencyMs = 0;
    claude.script({ text: 'Answered after the restart.' });

    const second = await startGateway(claude, {}, { dataDir: first.gw.dataDir });
    try {
      const run = await second.waitForRun(accepted.runId);
      expect(run).toMatchObject({ status: 'completed', reply: 'Answered after the restart.' });
      const stuck = await second.gw.app
        .get(DataSource)
        .query(`SELECT COUNT(*) AS n FROM runs WHERE status IN ('queued', 'running')`);
      expect(Number(stuck[0].n)).toBe(0);
    } finally {
      await second.gw.close();
    }
  });
});

import { jest } from '@jest/globals';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import type { IDataObject } from 'n8n-workflow';
import { LocalClaude } from '@loop-gateway/testing';
import { startGateway } from '../../../apps/api/test/pipeline-harness.js';
import { ManualClock } from '../../../apps/api/test/test-app.js';
import type { LoopGatewayCredentials } from '../nodes/LoopGateway/GenericFunctions.js';
import { execute, hook } from './n8n-engine.js';
import { testCredentials, WebhookHost } from './n8n-fakes.js';

const DONE = '<promise>COMPLETE</promise>';

type Gateway = Awaited<ReturnType<typeof startGateway>>;

/** An API key for the n8n credential, as an operator creates it in the console. */
async function createApiKey(gateway: Gateway, scope: string, extra: object = {}): Promise<string> {
  const res = await request(gateway.gw.url)
    .post('/api/api-keys')
    .set(gateway.auth)
    .send({ name: `n8n ${scope}`, scope, ...extra })
    .expect(201);
  return res.body.key as string;
}

describe('the n8n nodes against a live gateway', () => {
  let claude: LocalClaude;
  let gateway: Gateway;
  let credentials: LoopGatewayCredentials;

  beforeAll(async () => {
    claude = await LocalClaude.start();
    gateway = await startGateway(claude);
    // A trailing slash, as people paste it: the nodes normalise it.
    credentials = { baseUrl: `${gateway.gw.url}/`, apiToken: await createApiKey(gateway, 'full') };
  });
  afterAll(async () => {
    await gateway.gw.close();
    await claude.stop();
  });
  beforeEach(() => claude.reset());

  const run = async (parameters: Record<string, unknown>, continueOnFail = false) =>
    (await execute({ credentials, parameters, continueOnFail }))[0]!.map((item) => item.json);

  it('tests the credentials: an API key passes, a session token works but gets a warning', async () => {
    const ok = await testCredentials({ baseUrl: gateway.gw.url, apiToken: credentials.apiToken });
    expect(ok).toMatchObject({ status: 'OK', body: { kind: 'apiKey', username: 'admin', scope: 'full' } });
    const session = await testCredentials({ baseUrl: gateway.gw.url, apiToken: gateway.token });
    expect(session).toMatchObject({ status: 'Error', message: expect.stringContaining('Create an API key') });
    const refused = await testCredentials({ baseUrl: gateway.gw.url, apiToken: 'lgk_not-a-key' });
    expect(refused).toMatchObject({ status: 'Error', statusCode: 401 });
  });

  it('runs the agent and returns the local Claude’s reply, then continues the conversation', async () => {
    claude.script({ text: 'Hello from the gateway.' }, { text: 'You said hello before.' });
    const [first] = await run({ resource: 'agent', operation: 'run', message: 'Say hello', options: {} });
    expect(first).toMatchObject({
      status: 'completed',
      reply: 'Hello from the gateway.',
      error: null,
      runId: expect.any(String),
      conversationId: expect.any(String),
    });
    expect(first!.inputTokens).toBeGreaterThan(0);
    const stored = (
      await request(gateway.gw.url)
        .get(`/api/runs/${first!.runId as string}`)
        .set(gateway.auth)
    ).body;
    expect(stored).toMatchObject({ input: 'Say hello', status: 'completed', origin: { kind: 'api' } });

    const [second] = await run({
      resource: 'agent',
      operation: 'run',
      message: 'What did I ask?',
      options: { conversationId: first!.conversationId },
    });
    expect(second).toMatchObject({ reply: 'You said hello before.', conversationId: first!.conversationId });
    const messages = claude.requests.at(-1)!.body.messages as { role: string }[];
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('returns the run id at once when told not to wait', async () => {
    claude.script({ text: 'Later.' });
    const [accepted] = await run({
      resource: 'agent',
      operation: 'run',
      message: 'No hurry',
      options: { waitForCompletion: false },
    });
    // The run's status as stored when the gateway answered: queued, or already started.
    expect(accepted).toEqual({
      runId: expect.any(String),
      conversationId: expect.any(String),
      status: expect.stringMatching(/^(queued|running)$/),
    });
    expect((await gateway.waitForRun(accepted!.runId as string)).reply).toBe('Later.');
  });

  it('stops at a held tool call with its approval, and approves and rejects through the node', async () => {
    claude.script(
      { toolUse: { name: 'run_script', input: { language: 'bash', script: 'echo approved-output' } } },
      { text: 'The script ran.' },
    );
    const [held] = await run({ resource: 'agent', operation: 'run', message: 'Run the script', options: {} });
    expect(held).toMatchObject({ status: 'waiting', waitingFor: { kind: 'approval' }, reply: null });
    const approvals = held!.approvals as IDataObject[];
    expect(approvals).toEqual([
      expect.objectContaining({
        id: expect.any(String),
        toolName: 'run_script',
        input: { language: 'bash', script: 'echo approved-output' },
      }),
    ]);
    const [approved] = await run({
      resource: 'approval',
      operation: 'approve',
      approvalId: approvals[0]!.id,
      comment: '',
    });
    expect(approved).toMatchObject({ id: approvals[0]!.id, status: 'approved', decidedBy: 'admin' });
    const finished = await gateway.waitForRun(held!.runId as string);
    expect(finished).toMatchObject({ status: 'completed', reply: 'The script ran.' });
    expect(finished.toolCalls[0]!.output).toContain('approved-output');

    claude.script(
      { toolUse: { name: 'run_script', input: { language: 'bash', script: 'echo never' } } },
      { text: 'I was not allowed.' },
    );
    const [second] = await run({ resource: 'agent', operation: 'run', message: 'Run it again', options: {} });
    const [rejected] = await run({
      resource: 'approval',
      operation: 'reject',
      approvalId: (second!.approvals as IDataObject[])[0]!.id,
      comment: 'Not today',
    });
    expect(rejected).toMatchObject({ status: 'rejected', comment: 'Not today' });
    expect((await gateway.waitForRun(second!.runId as string)).reply).toBe('I was not allowed.');
    const toolResult = JSON.stringify(claude.requests.at(-1)!.body.messages);
    expect(toolResult).toContain('Not today');

    // Deciding twice is the gateway's 409, with its message.
    await expect(
      run({ resource: 'approval', operation: 'approve', approvalId: approvals[0]!.id, comment: '' }),
    ).rejects.toThrow(/Loop Gateway answered 409/);
  });

  it('creates a loop task, follows its status and reads its output', async () => {
    claude.script({ text: 'Part one.' }, { text: `Part two.\n${DONE}` });
    const [task] = await run({
      resource: 'task',
      operation: 'create',
      name: 'Two parts',
      prompt: 'Write two parts.',
      maxIterations: 5,
      options: { planPrompt: '' },
    });
    expect(task).toMatchObject({ name: 'Two parts', maxIterations: 5, planned: false, id: expect.any(String) });

    const deadline = Date.now() + 15_000;
    let status: IDataObject;
    for (;;) {
      [status] = (await run({ resource: 'task', operation: 'get', taskId: task!.id })) as [IDataObject];
      if (status.status === 'completed' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toMatchObject({ status: 'completed', iterations: 2, completion: 'marker' });
    expect(status.iterationLog).toHaveLength(2);

    const [output] = await run({ resource: 'task', operation: 'getOutput', taskId: task!.id });
    expect(output).toMatchObject({ taskId: task!.id, status: 'completed', iterations: 2 });
    expect(output!.output).toContain('Part one.');
    expect(output!.output).toContain('Part two.');
  });

  it('lists agent groups (one item each) and reads usage', async () => {
    claude.script({ text: 'Counted.' });
    await run({ resource: 'agent', operation: 'run', message: 'Count me', options: {} });
    const groups = await run({ resource: 'agentGroup', operation: 'getAll' });
    expect(groups).toEqual([expect.objectContaining({ isDefault: true, name: expect.any(String) })]);
    const [usage] = await run({ resource: 'usage', operation: 'get' });
    expect((usage!.total as IDataObject).inputTokens).toBeGreaterThan(0);
    expect((usage!.today as IDataObject).calls).toBeGreaterThan(0);
  });

  it('reports the gateway’s error, or passes it on as an item with Continue On Fail', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(run({ resource: 'task', operation: 'get', taskId: unknown })).rejects.toThrow(
      /Loop Gateway answered 404/,
    );
    const [item] = await run({ resource: 'task', operation: 'getOutput', taskId: unknown }, true);
    expect(item!.error).toMatch(/Loop Gateway answered 404/);
    await expect(
      run({ resource: 'agent', operation: 'run', message: 'hi', options: { groupId: 'not-a-uuid' } }),
    ).rejects.toThrow(/Loop Gateway answered 400: groupId must be a UUID/);
    await expect(
      execute({
        credentials: { ...credentials, apiToken: 'expired' },
        parameters: { resource: 'usage', operation: 'get' },
      }),
    ).rejects.toThrow(/Loop Gateway answered 401/);
    // Once the run is started, every error names it: a runs-only key may not read the run's approvals.
    const runsOnly = await createApiKey(gateway, 'runs');
    claude.script(
      { toolUse: { name: 'run_script', input: { language: 'bash', script: 'echo held' } } },
      { text: 'Rejected.' },
    );
    const failed = execute({
      credentials: { ...credentials, apiToken: runsOnly },
      parameters: { resource: 'agent', operation: 'run', message: 'Held for approval', options: {} },
    });
    const error = (await failed.catch((e: unknown) => e)) as Error;
    const runId = /\(run ([0-9a-f-]{36})\)/.exec(error.message)?.[1];
    expect(error.message).toMatch(/^Loop Gateway answered 403/);
    expect(runId).toBeDefined();
    const approvals = (await request(gateway.gw.url).get(`/api/approvals/run/${runId}`).set(gateway.auth)).body;
    await request(gateway.gw.url)
      .post(`/api/approvals/${approvals[0].id}/reject`)
      .set(gateway.auth)
      .send({})
      .expect(200);
    expect((await gateway.waitForRun(runId!)).reply).toBe('Rejected.');
  });

  describe('Loop Gateway Trigger', () => {
    let host: WebhookHost;
    const staticData: IDataObject = {};
    beforeAll(async () => {
      host = await WebhookHost.start(staticData);
    });
    afterAll(async () => {
      await host.stop();
    });
    const hookOptions = (events: string[]) => ({
      credentials,
      parameters: { events },
      staticData,
      webhookUrl: host.url(),
    });

    /** The same delivery, signed again with the stored secret at another time. */
    const resign = (headers: Record<string, string>, body: string, timestamp: number) => {
      const key = Buffer.from(String(staticData.webhookSecret).replace(/^whsec_/, ''), 'base64');
      const signature = createHmac('sha256', key)
        .update(`${headers['webhook-id']}.${timestamp}.${body}`)
        .digest('base64');
      return { ...headers, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
    };
    const post = (headers: Record<string, string>, body: string) =>
      fetch(host.url(), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    it('registers a webhook on activation, verifies real signed deliveries and removes it on deactivation', async () => {
      const events = ['agent:run:complete'];
      expect(await hook('checkExists', hookOptions(events))).toBe(false);
      expect(await hook('create', hookOptions(events))).toBe(true);
      expect(staticData).toEqual({ webhookId: expect.any(String), webhookSecret: expect.stringMatching(/^whsec_/) });
      const webhookId = staticData.webhookId as string;

      const listed = (await request(gateway.gw.url).get('/api/webhooks').set(gateway.auth).expect(200)).body;
      expect(listed).toContainEqual(
        expect.objectContaining({ id: webhookId, platform: 'n8n', events, targetUrl: host.url(), enabled: true }),
      );
      expect(await hook('checkExists', hookOptions(events))).toBe(true);

      // A run through the Loop Gateway node; the gateway delivers agent:run:complete to "n8n".
      claude.script({ text: 'Event time.' });
      const [done] = await run({ resource: 'agent', operation: 'run', message: 'Trigger it', options: {} });
      const [item] = await host.waitForEmitted(1);
      expect(item!.json).toEqual({
        event: 'agent:run:complete',
        payload: expect.objectContaining({ runId: done!.runId, conversationId: done!.conversationId }),
        timestamp: expect.any(String),
        source: 'loop-gateway',
        deliveryId: expect.any(String),
      });
      const [delivery] = host.requests;
      expect(delivery!.status).toBe(200);
      expect(item!.json.deliveryId).toBe(delivery!.headers['webhook-id']);
      const logs = (await request(gateway.gw.url).get(`/api/webhooks/${webhookId}/logs`).set(gateway.auth)).body;
      expect(logs).toEqual([expect.objectContaining({ event: 'agent:run:complete', status: 'delivered' })]);

      const signed = {
        'webhook-id': delivery!.headers['webhook-id'] as string,
        'webhook-timestamp': delivery!.headers['webhook-timestamp'] as string,
        'webhook-signature': delivery!.headers['webhook-signature'] as string,
      };
      // Tampered body, same signature: refused.
      const tampered = await post(signed, delivery!.body.replace('agent:run:complete', 'agent:run:error'));
      expect(tampered.status).toBe(401);
      expect(await tampered.json()).toEqual({ message: expect.stringContaining('signature does not match') });
      // Correctly signed, but ten minutes old: refused as a replay.
      const now = Math.floor(Date.now() / 1000);
      expect((await post(resign(signed, delivery!.body, now - 600), delivery!.body)).status).toBe(401);
      // No signature headers at all: refused.
      expect((await post({}, delivery!.body)).status).toBe(401);
      expect(host.emitted).toHaveLength(1);
      // Signed again now with the stored secret: accepted (the refusals above were for their reasons).
      expect((await post(resign(signed, delivery!.body, now), delivery!.body)).status).toBe(200);
      expect(host.emitted).toHaveLength(2);

      // Choosing other events replaces the webhook on the next activation.
      expect(await hook('checkExists', hookOptions(['approval:required']))).toBe(false);
      await request(gateway.gw.url).get(`/api/webhooks/${webhookId}`).set(gateway.auth).expect(404);
      expect(staticData).toEqual({});
      expect(await hook('create', hookOptions(['approval:required']))).toBe(true);
      const replacement = staticData.webhookId as string;
      expect(replacement).not.toBe(webhookId);

      // Deactivation removes it; removing again is fine.
      expect(await hook('delete', hookOptions(['approval:required']))).toBe(true);
      await request(gateway.gw.url).get(`/api/webhooks/${replacement}`).set(gateway.auth).expect(404);
      expect(staticData).toEqual({});
      expect(await hook('delete', hookOptions(['approval:required']))).toBe(true);
      // Without a registered webhook, deliveries are refused.
      expect((await post(signed, delivery!.body)).status).toBe(401);
    });
  });
});

describe('the n8n nodes in real use', () => {
  it('finishes four concurrent Run Agent executions within a small rate limit, one run each, and a retry starts none', async () => {
    // Every model answer takes 1.5 s: polling would spend the key's 12 requests a minute many times over.
    const slow = await LocalClaude.start({ latencyMs: 1500 });
    const gateway = await startGateway(slow, { RATE_LIMIT_PER_MINUTE: '1000' });
    try {
      const credentials = {
        baseUrl: gateway.gw.url,
        apiToken: await createApiKey(gateway, 'runs', { rateLimitPerMinute: 12 }),
      };
      slow.script({ text: 'One.' }, { text: 'Two.' }, { text: 'Three.' }, { text: 'Four.' });
      const runOnce = (executionId: string) =>
        execute({
          credentials,
          executionId,
          parameters: { resource: 'agent', operation: 'run', message: 'Work', options: {} },
        }).then((out) => out[0]![0]!.json);
      const results = await Promise.all(['e1', 'e2', 'e3', 'e4'].map(runOnce));
      expect(results.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      expect(new Set(results.map((r) => r.runId)).size).toBe(4);
      expect(slow.requests).toHaveLength(4);

      // n8n's Retry On Fail runs the same execution's item again: the same run comes back, no new one.
      const retried = await runOnce('e2');
      expect(retried).toMatchObject({ runId: results[1]!.runId, status: 'completed' });
      expect(slow.requests).toHaveLength(4);
      const runs = (await request(gateway.gw.url).get('/api/runs').set(gateway.auth)).body as unknown[];
      expect(runs).toHaveLength(4);
    } finally {
      await gateway.gw.close();
      await slow.stop();
    }
  });

  it('keeps a workflow (trigger and Run Agent) working after a gateway restart and a week later', async () => {
    const claude = await LocalClaude.start();
    const clock = new ManualClock(new Date());
    const first = await startGateway(claude, {}, { clock });
    let current = first;
    const staticData: IDataObject = {};
    const host = await WebhookHost.start(staticData);
    try {
      const credentials = { baseUrl: first.gw.url, apiToken: await createApiKey(first, 'full') };
      const hookOptions = () => ({
        credentials: { ...credentials, baseUrl: current.gw.url },
        parameters: { events: ['agent:run:complete'] },
        staticData,
        webhookUrl: host.url(),
      });
      expect(await hook('create', hookOptions())).toBe(true);
      const webhookId = staticData.webhookId;

      await first.gw.close({ keepData: true });
      const aWeek = 8 * 86_400_000;
      clock.advance(aWeek);
      current = await startGateway(claude, {}, { clock, dataDir: first.gw.dataDir });
      // n8n's machine is a week later too: its trigger checks a delivery's timestamp against its own
      // clock (Date.now), which moves on with the gateway's.
      const realNow = Date.now.bind(Date);
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + aWeek);

      // n8n re-activates the workflow: the same webhook is found, nothing is orphaned or replaced.
      expect(await hook('checkExists', hookOptions())).toBe(true);
      expect(staticData.webhookId).toBe(webhookId);
      claude.script({ text: 'Still here.' });
      const [[item]] = await execute({
        credentials: { ...credentials, baseUrl: current.gw.url },
        parameters: { resource: 'agent', operation: 'run', message: 'A week later', options: {} },
      });
      expect(item!.json).toMatchObject({ status: 'completed', reply: 'Still here.' });
      // The gateway delivers the event, signed with the secret stored at activation and its clock a week
      // on; the trigger verifies the signature and the timestamp and starts the workflow.
      const [emitted] = await host.waitForEmitted(1);
      expect(emitted!.json).toMatchObject({ event: 'agent:run:complete', payload: { runId: item!.json.runId } });
      expect(host.requests).toEqual([expect.objectContaining({ status: 200 })]);
      const timestamp = Number(host.requests[0]!.headers['webhook-timestamp']);
      expect(timestamp * 1000).toBeGreaterThan(clock.now().getTime() - 60_000);
      // The same delivery signed with another secret is refused: the signature was checked, not skipped.
      const forged = await fetch(host.url(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': String(host.requests[0]!.headers['webhook-id']),
          'webhook-timestamp': String(timestamp),
          'webhook-signature': `v1,${createHmac('sha256', 'another secret').update(`x.${timestamp}.${host.requests[0]!.body}`).digest('base64')}`,
        },
        body: host.requests[0]!.body,
      });
      expect(forged.status).toBe(401);
      expect(host.emitted).toHaveLength(1);
    } finally {
      jest.restoreAllMocks();
      await host.stop();
      await current.gw.close();
      await claude.stop();
    }
  });
});

import { createHmac } from 'node:crypto';
import request from 'supertest';
import type { IDataObject } from 'n8n-workflow';
import { LocalClaude } from '@loop-gateway/testing';
import { startGateway } from '../../../apps/api/test/pipeline-harness.js';
import { LoopGateway } from '../nodes/LoopGateway/LoopGateway.node.js';
import { LoopGatewayTrigger } from '../nodes/LoopGatewayTrigger/LoopGatewayTrigger.node.js';
import type { LoopGatewayCredentials } from '../nodes/LoopGateway/GenericFunctions.js';
import { execute, hook, testCredentials, WebhookHost } from './n8n-fakes.js';

const DONE = '<promise>COMPLETE</promise>';

type Gateway = Awaited<ReturnType<typeof startGateway>>;

describe('the n8n nodes against a live gateway', () => {
  let claude: LocalClaude;
  let gateway: Gateway;
  let credentials: LoopGatewayCredentials;
  const node = new LoopGateway();

  beforeAll(async () => {
    claude = await LocalClaude.start();
    gateway = await startGateway(claude);
    // A trailing slash, as people paste it: the nodes normalise it.
    credentials = { baseUrl: `${gateway.gw.url}/`, apiToken: gateway.token };
  });
  afterAll(async () => {
    await gateway.gw.close();
    await claude.stop();
  });
  beforeEach(() => claude.reset());

  const run = async (parameters: Record<string, unknown>, continueOnFail = false) =>
    (await execute(node, { credentials, parameters, continueOnFail }))[0]!.map((item) => item.json);

  it('tests the credentials with GET /api/auth/me and the bearer token', async () => {
    const ok = await testCredentials({ baseUrl: gateway.gw.url, apiToken: gateway.token });
    expect(ok).toMatchObject({ statusCode: 200, body: { username: 'admin' } });
    const refused = await testCredentials({ baseUrl: gateway.gw.url, apiToken: 'not-a-session' });
    expect(refused.statusCode).toBe(401);
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
    expect(accepted).toEqual({ runId: expect.any(String), conversationId: expect.any(String), status: 'queued' });
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
      execute(node, {
        credentials: { ...credentials, apiToken: 'expired' },
        parameters: { resource: 'usage', operation: 'get' },
      }),
    ).rejects.toThrow(/Loop Gateway answered 401/);
  });

  describe('Loop Gateway Trigger', () => {
    const trigger = new LoopGatewayTrigger();
    let host: WebhookHost;
    const staticData: IDataObject = {};
    beforeAll(async () => {
      host = await WebhookHost.start(trigger, staticData);
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
      expect(await hook(trigger, 'checkExists', hookOptions(events))).toBe(false);
      expect(await hook(trigger, 'create', hookOptions(events))).toBe(true);
      expect(staticData).toEqual({ webhookId: expect.any(String), webhookSecret: expect.stringMatching(/^whsec_/) });
      const webhookId = staticData.webhookId as string;

      const listed = (await request(gateway.gw.url).get('/api/webhooks').set(gateway.auth).expect(200)).body;
      expect(listed).toContainEqual(
        expect.objectContaining({ id: webhookId, platform: 'n8n', events, targetUrl: host.url(), enabled: true }),
      );
      expect(await hook(trigger, 'checkExists', hookOptions(events))).toBe(true);

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
      expect(await hook(trigger, 'checkExists', hookOptions(['approval:required']))).toBe(false);
      await request(gateway.gw.url).get(`/api/webhooks/${webhookId}`).set(gateway.auth).expect(404);
      expect(staticData).toEqual({});
      expect(await hook(trigger, 'create', hookOptions(['approval:required']))).toBe(true);
      const replacement = staticData.webhookId as string;
      expect(replacement).not.toBe(webhookId);

      // Deactivation removes it; removing again is fine.
      expect(await hook(trigger, 'delete', hookOptions(['approval:required']))).toBe(true);
      await request(gateway.gw.url).get(`/api/webhooks/${replacement}`).set(gateway.auth).expect(404);
      expect(staticData).toEqual({});
      expect(await hook(trigger, 'delete', hookOptions(['approval:required']))).toBe(true);
      // Without a registered webhook, deliveries are refused.
      expect((await post(signed, delivery!.body)).status).toBe(401);
    });
  });
});

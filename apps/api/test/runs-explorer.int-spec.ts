import request from 'supertest';
import { startGateway, useLocalClaude } from './pipeline-harness.js';
import { createTestDatabase } from './postgres.js';
import { ManualClock } from './test-app.js';
import { verifyStandardWebhook, WebhookReceiver } from './webhook-receiver.js';
import { waitUntil } from './wait.js';

interface ListedRun {
  id: string;
  status: string;
  input: string;
  groupId: string | null;
  conversationId: string;
  origin: { kind: string; ref?: string };
  createdAt: string;
  retryOf: string | null;
}

/**
 * The runs explorer, the conversations view and webhook redelivery against the in-process gateway, the
 * local Claude and a real receiving HTTP server.
 */
describe('runs explorer, conversations and redelivery', () => {
  const claude = useLocalClaude();
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
  });

  /** The gateway's environment for a database: SQLite in the data folder, or a fresh PostgreSQL database. */
  const databases: [string, () => Promise<{ env: Record<string, string>; drop(): Promise<void> }>][] = [
    ['SQLite', async () => ({ env: {}, drop: async () => {} })],
    [
      'PostgreSQL',
      async () => {
        const database = await createTestDatabase();
        return { env: { DATABASE_URL: database.url }, drop: () => database.drop() };
      },
    ],
  ];

  it.each(databases)(
    'filters runs by status, origin, group, time and text, pages them with a cursor, retries and cancels (%s)',
    async (_, open) => {
      const database = await open();
      const { gw, auth, submit, waitForRun } = await startGateway(claude(), database.env);
      const get = (path: string) => request(gw.url).get(path).set(auth).expect(200);
      const list = async (query: string) => {
        const res = await get(`/api/runs?${query}`);
        return {
          runs: res.body as ListedRun[],
          total: Number(res.headers['x-total-count']),
          next: res.headers['x-next-cursor'] as string | undefined,
        };
      };
      const ids = async (query: string) => (await list(query)).runs.map((run) => run.id);
      try {
        const research = (
          await request(gw.url).post('/api/agent-groups').set(auth).send({ name: 'Research' }).expect(201)
        ).body as { id: string };
        const key = (await request(gw.url).post('/api/api-keys').set(auth).send({ name: 'script' }).expect(201)).body
          .key as string;
        const inbound = (await request(gw.url).post('/api/webhooks').set(auth).send({ name: 'in' }).expect(201)).body
          .token as string;

        claude().script({ text: 'Fifty per cent off.' });
        const console1 = (await submit({ message: 'Is 50%_off a real price?' })).runId as string;
        await waitForRun(console1);
        claude().script({ text: 'The answer mentions a Zebra.' });
        const byKey = (
          await request(gw.url)
            .post('/api/runs')
            .set({ Authorization: `Bearer ${key}` })
            .send({ message: 'Which animal has stripes?', groupId: research.id })
            .expect(202)
        ).body.runId as string;
        await waitForRun(byKey);
        claude().script({ text: 'From the webhook.' });
        const byWebhook = (
          await request(gw.url).post(`/webhook/invoke/${inbound}`).send({ message: 'Gamma', sync: true }).expect(200)
        ).body.runId as string;
        claude().script({ error: { status: 400, message: 'messages: refused for this test' } });
        const failing = (await submit({ message: 'Delta fails' })).runId as string;
        expect((await waitForRun(failing)).status).toBe('failed');
        const paging: string[] = [];
        for (const n of [1, 2, 3]) {
          claude().script({ text: `Page answer ${n}` });
          paging.push((await submit({ message: `Paging ${n}` })).runId as string);
          await waitForRun(paging.at(-1)!);
        }
        const newestFirst = [...paging].reverse().concat([failing, byWebhook, byKey, console1]);

        expect(await ids('')).toEqual(newestFirst);
        expect(await ids('status=failed')).toEqual([failing]);
        expect(await ids('origin=console')).toEqual([...[...paging].reverse(), failing, console1]);
        expect(await ids('origin=api')).toEqual([byKey]);
        expect(await ids('origin=webhook')).toEqual([byWebhook]);
        expect(await ids('origin=telegram')).toEqual([]);
        expect(await ids(`groupId=${research.id}`)).toEqual([byKey]);
        // Text: in the input or the answer, any case; % and _ are literal characters, not wildcards.
        expect(await ids('q=ZEBRA')).toEqual([byKey]);
        expect(await ids('q=50%25_off')).toEqual([console1]);
        expect(await ids('q=%25')).toEqual([console1]);
        expect(await ids('q=_')).toEqual([console1]);
        expect(await ids('status=completed&origin=console&q=paging%202')).toEqual([paging[1]]);

        // Time range: [from, to) over createdAt.
        const all = (await list('')).runs;
        const at = (id: string) => all.find((run) => run.id === id)!.createdAt;
        const from = at(byKey);
        const to = at(failing);
        const expected = all.filter((run) => run.createdAt >= from && run.createdAt < to).map((run) => run.id);
        expect(expected).toContain(byKey);
        expect(expected).not.toContain(failing);
        expect(await ids(`from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).toEqual(expected);
        expect(await ids(`from=${encodeURIComponent(to)}&origin=console`)).toEqual([...[...paging].reverse(), failing]);

        // Paging: the total, a cursor per page; a run started meanwhile shifts nothing.
        const first = await list('limit=3');
        expect(first.runs.map((run) => run.id)).toEqual(newestFirst.slice(0, 3));
        expect(first.total).toBe(7);
        expect(first.next).toEqual(expect.any(String));
        claude().script({ text: 'Meanwhile.' });
        const meanwhile = (await submit({ message: 'Started meanwhile' })).runId as string;
        await waitForRun(meanwhile);
        const second = await list(`limit=3&cursor=${first.next}`);
        expect(second.runs.map((run) => run.id)).toEqual(newestFirst.slice(3, 6));
        expect(second.total).toBe(8);
        const third = await list(`limit=3&cursor=${second.next}`);
        expect(third.runs.map((run) => run.id)).toEqual(newestFirst.slice(6));
        expect(third.next).toBeUndefined();
        const filtered = await list('origin=console&limit=2&q=paging');
        expect(filtered.total).toBe(3);
        expect((await list(`origin=console&limit=2&q=paging&cursor=${filtered.next}`)).runs.map((r) => r.id)).toEqual([
          paging[0],
        ]);

        // Retry: the same input and group, a new conversation, started by the operator, linked to the original.
        claude().script({ text: 'Stripes: the zebra.' });
        const retried = await request(gw.url).post(`/api/runs/${byKey}/retry`).set(auth).expect(202);
        const retry = await waitForRun(retried.body.runId as string);
        const original = all.find((run) => run.id === byKey)!;
        const retryListed = (await list('q=stripes&origin=console')).runs[0]!;
        expect(retryListed).toMatchObject({
          id: retry.id,
          input: 'Which animal has stripes?',
          groupId: research.id,
          origin: { kind: 'api', ref: 'console' },
          retryOf: byKey,
          status: 'completed',
        });
        expect(retryListed.conversationId).not.toBe(original.conversationId);
        expect(claude().requests.at(-1)!.body.messages).toEqual([
          { role: 'user', content: [expect.objectContaining({ type: 'text', text: 'Which animal has stripes?' })] },
        ]);
        claude().script({ text: 'Delta works now.' });
        const again = (await request(gw.url).post(`/api/runs/${failing}/retry`).set(auth).expect(202)).body;
        expect(await waitForRun(again.runId as string)).toMatchObject({
          status: 'completed',
          reply: 'Delta works now.',
        });

        // An unfinished run: retry is a 409, cancel from the list works, then retry does.
        claude().latencyMs = 30_000;
        claude().script({ text: 'Too slow.' });
        const slow = (await submit({ message: 'Slow one' })).runId as string;
        await waitForRun(slow, 15_000, ['running']);
        const refused = await request(gw.url).post(`/api/runs/${slow}/retry`).set(auth).expect(409);
        expect(refused.body.message).toBe(`Run ${slow} is still running; cancel it first or wait for it to end`);
        await request(gw.url).post(`/api/runs/${slow}/cancel`).set(auth).expect(200);
        expect(await ids('status=cancelled')).toEqual([slow]);
        claude().latencyMs = 0;
        claude().script({ text: 'Quick now.' });
        const afterCancel = (await request(gw.url).post(`/api/runs/${slow}/retry`).set(auth).expect(202)).body;
        expect((await waitForRun(afterCancel.runId as string)).status).toBe('completed');
      } finally {
        await gw.close();
        await database.drop();
      }
    },
  );

  it.each(databases)(
    'pages runs stored in the same millisecond by their id, none twice or lost (%s)',
    async (_, open) => {
      const database = await open();
      const clock = new ManualClock(); // never moves: every run has the same createdAt
      const { gw, auth, submit, waitForRun } = await startGateway(claude(), database.env, { clock });
      try {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push((await submit({ message: `Same instant ${i}` })).runId as string);
          await waitForRun(ids.at(-1)!);
        }
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const res = await request(gw.url)
            .get(`/api/runs?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
            .set(auth)
            .expect(200);
          seen.push(...(res.body as { id: string }[]).map((run) => run.id));
          cursor = res.headers['x-next-cursor'] as string | undefined;
        } while (cursor);
        expect(seen).toEqual([...ids].sort().reverse());
      } finally {
        await gw.close();
        await database.drop();
      }
    },
  );

  it.each(databases)(
    'lists conversations and shows one whole, with where it was compacted, and starts it over (%s)',
    async (_, open) => {
      const database = await open();
      const { gw, auth, submit, waitForRun } = await startGateway(claude(), database.env);
      const window = 8000;
      try {
        const groups = (await request(gw.url).get('/api/agent-groups').set(auth).expect(200)).body as { id: string }[];
        await request(gw.url)
          .put(`/api/agent-groups/${groups[0]!.id}`)
          .set(auth)
          .send({ contextWindowTokens: window })
          .expect(200);
        claude().contextWindowTokens = window;
        claude().script({ text: 'A short one.' });
        const other = (await submit({ message: 'Another conversation' })) as { runId: string; conversationId: string };
        await waitForRun(other.runId);
        let conversationId: string | undefined;
        const runIds: string[] = [];
        for (let turn = 1; turn <= 6; turn++) {
          const message = `Turn ${turn}: ${'a long message about the weekly report '.repeat(25)}`;
          const accepted = (await submit({ message, ...(conversationId ? { conversationId } : {}) })) as {
            runId: string;
            conversationId: string;
          };
          conversationId = accepted.conversationId;
          runIds.push(accepted.runId);
          expect((await waitForRun(accepted.runId)).status).toBe('completed');
        }

        const listed = await request(gw.url).get('/api/conversations?limit=1').set(auth).expect(200);
        expect(listed.headers['x-total-count']).toBe('2');
        expect(listed.body).toEqual([
          expect.objectContaining({
            id: conversationId,
            origin: { kind: 'api', ref: 'console' },
            runs: 6,
            messages: 12,
            compactions: expect.any(Number),
            closedAt: null,
            lastInput: expect.stringMatching(/^Turn 6: a long message/),
          }),
        ]);
        expect(listed.body[0].lastInput).toHaveLength(200);
        const rest = await request(gw.url)
          .get(`/api/conversations?limit=1&cursor=${listed.headers['x-next-cursor'] as string}`)
          .set(auth)
          .expect(200);
        expect(rest.body.map((c: { id: string }) => c.id)).toEqual([other.conversationId]);
        expect(rest.headers['x-next-cursor']).toBeUndefined();
        expect((await request(gw.url).get('/api/conversations?origin=telegram').set(auth).expect(200)).body).toEqual(
          [],
        );

        const whole = (await request(gw.url).get(`/api/conversations/${conversationId}`).set(auth).expect(200))
          .body as {
          messages: { seq: number; role: string; runId: string }[];
          compactions: { coversSeq: number; runId: string; summary: string }[];
          runs: { id: string }[];
        };
        // Every message, also those the model now sees only as a summary.
        expect(whole.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        expect(whole.messages[0]).toMatchObject({ role: 'user', runId: runIds[0] });
        expect(whole.compactions.length).toBeGreaterThan(0);
        expect(listed.body[0].compactions).toBe(whole.compactions.length);
        for (const compaction of whole.compactions) {
          expect(runIds).toContain(compaction.runId);
          expect(compaction.coversSeq).toBeGreaterThan(0);
          expect(compaction.summary.length).toBeGreaterThan(0);
        }
        expect(whole.runs.map((run) => run.id)).toEqual(runIds);

        // Start over: closed (as /new does), and the list says so.
        const closed = await request(gw.url).post(`/api/conversations/${conversationId}/close`).set(auth).expect(200);
        expect(closed.body.closedAt).toEqual(expect.any(String));
        const after = (await request(gw.url).get('/api/conversations?limit=1').set(auth).expect(200)).body;
        expect(after[0]).toMatchObject({ id: conversationId, closedAt: closed.body.closedAt });
      } finally {
        claude().contextWindowTokens = undefined;
        await gw.close();
        await database.drop();
      }
    },
  );

  it('shows a delivery’s payload and headers without the secret, and redelivers it freshly signed', async () => {
    const clock = new ManualClock();
    const { gw, auth, submit, waitForRun } = await startGateway(claude(), {}, { clock });
    receiver.reset();
    try {
      const hook = (
        await request(gw.url)
          .post('/api/webhooks')
          .set(auth)
          .send({ name: 'receiver', targetUrl: receiver.url(), events: ['agent:run:complete'] })
          .expect(201)
      ).body as { id: string; secret: string };
      receiver.reply({ status: 500, body: 'down for a moment' });
      claude().script({ text: 'Delivered text.' });
      const runId = (await submit({ message: 'Send me out' })).runId as string;
      await waitForRun(runId);
      // The first attempt fails with the 500; the delivery then waits for its retry (seconds later).
      const logs = async () =>
        (await request(gw.url).get(`/api/webhooks/${hook.id}/logs`).set(auth).expect(200)).body as {
          id: string;
          status: string;
          redeliveryOf: string | null;
          redeliveredBy: string | null;
        }[];
      const first = await waitUntil('the first attempt', async () => {
        const [delivery] = await logs();
        return delivery && delivery.status === 'pending' && delivery;
      });
      // Still being delivered: not redelivered.
      const early = await request(gw.url)
        .post(`/api/webhooks/${hook.id}/deliveries/${first.id}/redeliver`)
        .set(auth)
        .expect(409);
      expect(early.body.message).toBe(`Delivery ${first.id} is still pending; wait for it to end`);
      clock.advance(13_000); // past the retry's backoff (10 s ± 25 %)
      const delivered = await waitUntil('the retry to be delivered', async () => {
        const [delivery] = await logs();
        return delivery?.status === 'delivered' && delivery;
      });

      const detail = (
        await request(gw.url).get(`/api/webhooks/${hook.id}/deliveries/${delivered.id}`).set(auth).expect(200)
      ).body as {
        body: string;
        payload: { event: string; payload: { runId: string } };
        log: { statusCode: number; requestHeaders: Record<string, string> }[];
      };
      const received = receiver.received.filter((r) => r.headers['webhook-id'] === delivered.id);
      expect(received).toHaveLength(2);
      expect(detail.body).toBe(received[1]!.body);
      expect(detail.payload).toMatchObject({ event: 'agent:run:complete', payload: { runId } });
      expect(detail.log.map((attempt) => attempt.statusCode)).toEqual([500, 200]);
      for (const [i, attempt] of detail.log.entries()) {
        expect(attempt.requestHeaders).toEqual({
          'content-type': 'application/json',
          'user-agent': expect.stringMatching(/^LoopGateway-Webhooks\//),
          'webhook-id': delivered.id,
          'webhook-timestamp': received[i]!.headers['webhook-timestamp'],
          'webhook-signature': '(not shown: made with the webhook’s secret)',
        });
      }
      expect(JSON.stringify(detail)).not.toContain(hook.secret);
      expect(JSON.stringify(detail)).not.toContain(String(received[1]!.headers['webhook-signature']));

      clock.advance(60_000);
      // Redeliver: a new delivery of the same body, its own id, signed afresh, logged as a redelivery.
      const redelivery = (
        await request(gw.url)
          .post(`/api/webhooks/${hook.id}/deliveries/${delivered.id}/redeliver`)
          .set(auth)
          .expect(201)
      ).body as { id: string; redeliveryOf: string; redeliveredBy: string; status: string };
      expect(redelivery).toMatchObject({ redeliveryOf: delivered.id, redeliveredBy: 'admin', status: 'pending' });
      const resent = await waitUntil('the redelivery to arrive', () =>
        receiver.received.find((r) => r.headers['webhook-id'] === redelivery.id),
      );
      expect(resent.body).toBe(detail.body);
      expect(
        verifyStandardWebhook(hook.secret, resent.headers, resent.body, Math.floor(clock.now().getTime() / 1000)),
      ).toBe(true);
      expect(Number(resent.headers['webhook-timestamp']) - Number(received[1]!.headers['webhook-timestamp'])).toBe(60);
      expect(resent.headers['webhook-signature']).not.toBe(received[1]!.headers['webhook-signature']);
      const listed = await waitUntil('the redelivery to be logged delivered', async () => {
        const found = (await logs()).find((d) => d.id === redelivery.id);
        return found?.status === 'delivered' && found;
      });
      expect(listed).toMatchObject({ redeliveryOf: delivered.id, redeliveredBy: 'admin' });
      expect((await logs()).find((d) => d.id === delivered.id)).toMatchObject({ redeliveryOf: null });

      // A disabled webhook redelivers nothing.
      await request(gw.url).put(`/api/webhooks/${hook.id}`).set(auth).send({ enabled: false }).expect(200);
      const disabled = await request(gw.url)
        .post(`/api/webhooks/${hook.id}/deliveries/${delivered.id}/redeliver`)
        .set(auth)
        .expect(409);
      expect(disabled.body.message).toBe('Webhook "receiver" is disabled; enable it first');
    } finally {
      await gw.close();
    }
  });
});

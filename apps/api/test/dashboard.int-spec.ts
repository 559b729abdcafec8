import request from 'supertest';
import { LocalClaude } from '@loop-gateway/testing';
import { startGateway } from './pipeline-harness.js';

describe('the overview: dashboard numbers and the kept activity feed', () => {
  let claude: LocalClaude;
  beforeAll(async () => {
    claude = await LocalClaude.start();
  });
  afterAll(async () => {
    await claude.stop();
  });

  it('counts today’s runs by outcome with spend and the last errors, and keeps events (not the text stream)', async () => {
    const { gw, auth, waitForRun, submit } = await startGateway(claude);
    try {
      const group = (
        await request(gw.url)
          .post('/api/agent-groups')
          .set(auth)
          .send({ name: 'Tiny', budgetMaxTokensDay: 100 })
          .expect(201)
      ).body;
      claude.script({ text: 'Streamed in pieces for the feed.', usage: { input_tokens: 900, output_tokens: 100 } });
      const done = await waitForRun((await submit({ message: 'hello' })).runId);
      expect(done.status).toBe('completed');
      claude.script({ text: 'uses up the budget', usage: { input_tokens: 150, output_tokens: 10 } });
      await waitForRun((await submit({ message: 'spend', groupId: group.id })).runId);
      const refused = await waitForRun((await submit({ message: 'over', groupId: group.id })).runId);
      expect(refused.status).toBe('refused');

      const dashboard = (await request(gw.url).get('/api/dashboard').set(auth).expect(200)).body;
      expect(dashboard).toMatchObject({
        runsToday: { completed: 2, failed: 1, running: 0, queued: 0, cancelled: 0 },
        queueDepth: 0,
        pendingApprovals: 0,
        lastErrors: [{ runId: refused.id, error: expect.stringMatching(/daily token budget \(100\) is used up/) }],
      });
      expect(dashboard.spendTodayUsd).toBeGreaterThan(0);
      expect(dashboard.spendMonthUsd).toBeGreaterThanOrEqual(dashboard.spendTodayUsd);

      const feed = (await request(gw.url).get('/api/activity?limit=200').set(auth).expect(200)).body as {
        event: string;
        payload: { runId?: string };
        timestamp: string;
      }[];
      const names = feed.map((entry) => entry.event);
      expect(names).not.toContain('agent:run:text');
      expect(feed.find((e) => e.event === 'agent:run:complete' && e.payload.runId === done.id)).toBeDefined();
      expect(feed.find((e) => e.event === 'agent:run:error' && e.payload.runId === refused.id)).toBeDefined();
      // Newest first.
      const times = feed.map((entry) => Date.parse(entry.timestamp));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect((await request(gw.url).get('/api/activity?limit=0').set(auth).expect(400)).body.message).toEqual(
        expect.arrayContaining([expect.stringMatching(/limit must not be less than 1/)]),
      );
    } finally {
      await gw.close();
    }
  });
});

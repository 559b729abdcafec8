import request from 'supertest';
import { LocalClaude } from '@loop-gateway/testing';
import { startGateway } from './pipeline-harness.js';
import { ManualClock } from './test-app.js';
import { waitUntil } from './wait.js';

describe('POST /api/runs with an API key and an Idempotency-Key, against a local Claude', () => {
  let claude: LocalClaude;
  beforeAll(async () => {
    claude = await LocalClaude.start();
  });
  afterAll(() => claude.stop());

  it('starts one run for concurrent retries and for a retry after a restart; the key outlives a week', async () => {
    const clock = new ManualClock(new Date());
    const first = await startGateway(claude, {}, { clock });
    const dataDir = first.gw.dataDir;
    let current = first;
    try {
      const key = (
        await request(first.gw.url)
          .post('/api/api-keys')
          .set(first.auth)
          .send({ name: 'n8n', scope: 'runs' })
          .expect(201)
      ).body.key as string;
      const invoke = (url: string, idempotencyKey: string) =>
        request(url)
          .post('/api/runs')
          .set('Authorization', `Bearer ${key}`)
          .set('Idempotency-Key', idempotencyKey)
          .send({ message: 'Summarise the day' })
          .expect(202);

      const answers = await Promise.all([1, 2, 3, 4].map(() => invoke(first.gw.url, 'execution-7:item-0')));
      const runIds = new Set(answers.map((res) => res.body.runId as string));
      expect(runIds.size).toBe(1);
      const [runId] = runIds;
      expect(answers.filter((res) => res.headers['idempotent-replayed'] === 'true')).toHaveLength(3);
      expect((await first.waitForRun(runId)).status).toBe('completed');
      expect(claude.requests).toHaveLength(1);

      await first.gw.close({ keepData: true });
      current = await startGateway(claude, {}, { clock, dataDir });
      const retried = await invoke(current.gw.url, 'execution-7:item-0');
      expect(retried.body).toMatchObject({ runId, status: 'completed' });
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(claude.requests).toHaveLength(1);

      // A week later the key still works (it has no expiry); the idempotency record has been forgotten.
      clock.advance(7 * 86_400_000);
      const later = await invoke(current.gw.url, 'execution-7:item-0');
      expect(later.body.runId).not.toBe(runId);
      // (The admin's session has ended by now; the key reads the run.)
      const laterRunId = later.body.runId as string;
      await waitUntil(`run ${laterRunId} to complete`, async () => {
        const res = await request(current.gw.url)
          .get(`/api/runs/${laterRunId}`)
          .set('Authorization', `Bearer ${key}`)
          .expect(200);
        return res.body.status === 'completed';
      });
    } finally {
      await current.gw.close();
    }
  });
});

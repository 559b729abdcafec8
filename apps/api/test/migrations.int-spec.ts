import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SecretBox } from '../src/crypto/secret-box.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { migrations } from '../src/database/migrations/index.js';
import { createTestDatabase } from './postgres.js';
import { ADMIN, setupAdmin, startTestApp } from './test-app.js';

const secretKey = randomBytes(32);
const MIGRATIONS = migrations(new SecretBox({ secretKey }));

const EXPECTED_TABLES = ['agent_group_channels', 'agent_groups', 'sessions', 'settings', 'users'];

async function tableNames(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] =
    dataSource.options.type === 'postgres'
      ? await dataSource.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`)
      : await dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
  return rows
    .map((row) => row.name)
    .filter((name) => name !== 'migrations')
    .sort();
}

/** Up, down and up again: every migration applies cleanly and reverts cleanly. */
type DatabaseOptions = Omit<Parameters<typeof dataSourceOptions>[0], 'secretKey'>;

async function exerciseMigrations(database: DatabaseOptions) {
  const options = { ...database, secretKey };
  const dataSource = new DataSource({ ...dataSourceOptions(options), migrationsRun: false });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations();
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((M) => new M().name));
    expect(await tableNames(dataSource)).toEqual(expect.arrayContaining(EXPECTED_TABLES));
    expect(await dataSource.runMigrations()).toEqual([]); // nothing left to run
    for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    expect(await tableNames(dataSource)).toEqual([]);
    expect((await dataSource.runMigrations()).length).toBe(MIGRATIONS.length);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Runs stored as `awaiting_approval` before run control become `waiting`, with the pending approval
 * they wait for; other runs keep their status.
 */
async function upgradeHeldRuns(database: DatabaseOptions) {
  const dataSource = new DataSource({ ...dataSourceOptions({ ...database, secretKey }), migrationsRun: false });
  await dataSource.initialize();
  try {
    const names = (await dataSource.runMigrations()).map((m) => m.name);
    // Back to just before run control (undoing the migrations that came after it too).
    const later = names.slice(names.indexOf('RunControl1764970000000'));
    for (let i = 0; i < later.length; i++) await dataSource.undoLastMigration();
    const p = (i: number) => (dataSource.options.type === 'postgres' ? `$${i}` : '?');
    const at = '2026-01-01 10:00:00.000';
    await dataSource.query(
      `INSERT INTO conversations (id, group_id, origin, created_at, updated_at) VALUES (${p(1)}, NULL, ${p(2)}, ${p(3)}, ${p(4)})`,
      ['c1', '{"kind":"api"}', at, at],
    );
    for (const [id, status] of [
      ['r-held', 'awaiting_approval'],
      ['r-done', 'completed'],
    ]) {
      await dataSource.query(
        `INSERT INTO runs (id, conversation_id, status, origin, input, created_at) VALUES (${p(1)}, 'c1', ${p(2)}, ${p(3)}, 'hi', ${p(4)})`,
        [id, status, '{"kind":"api"}', at],
      );
    }
    for (const [id, status, createdAt] of [
      ['a-earlier', 'approved', '2026-01-01 10:00:01.000'],
      ['a-pending', 'pending', '2026-01-01 10:00:02.000'],
    ]) {
      await dataSource.query(
        `INSERT INTO approvals (id, run_id, conversation_id, tool_call_id, tool_name, input, origin, risk_level, reason,
           status, timeout_action, expires_at, created_at)
         VALUES (${p(1)}, 'r-held', 'c1', ${p(2)}, 'run_script', '{}', '{"kind":"api"}', 'high', 'acts', ${p(3)}, 'reject', ${p(4)}, ${p(5)})`,
        [id, `tu-${id}`, status, '2026-01-01 11:00:00.000', createdAt],
      );
    }
    expect((await dataSource.runMigrations()).map((m) => m.name)).toEqual(later);
    const rows: { id: string; status: string; waiting_for: unknown }[] = await dataSource.query(
      'SELECT id, status, waiting_for FROM runs ORDER BY id',
    );
    const parsed = rows.map((row) => ({
      ...row,
      waiting_for: typeof row.waiting_for === 'string' ? JSON.parse(row.waiting_for) : row.waiting_for,
    }));
    expect(parsed).toEqual([
      { id: 'r-done', status: 'completed', waiting_for: null },
      { id: 'r-held', status: 'waiting', waiting_for: { kind: 'approval', approvalId: 'a-pending' } },
    ]);
  } finally {
    await dataSource.destroy();
  }
}

/** Runs and conversations stored before the runs explorer get their origin key and channel as columns. */
async function backfillRunOrigins(database: DatabaseOptions) {
  const dataSource = new DataSource({ ...dataSourceOptions({ ...database, secretKey }), migrationsRun: false });
  await dataSource.initialize();
  try {
    const names = (await dataSource.runMigrations()).map((m) => m.name);
    const later = names.slice(names.indexOf('RunsExplorer1766100000000'));
    for (let i = 0; i < later.length; i++) await dataSource.undoLastMigration();
    const p = (i: number) => (dataSource.options.type === 'postgres' ? `$${i}` : '?');
    const at = '2026-01-01 10:00:00.000';
    const origins: [string, string][] = [
      ['console', '{"kind":"api","ref":"console"}'],
      ['telegram', '{"kind":"channel","channelType":"telegram","channelId":"ch-1","ref":"42"}'],
      ['telegram2', '{"kind":"channel","channelType":"telegram","channelId":"ch-1","ref":"43"}'],
      ['webhook', '{"kind":"webhook","ref":"w1"}'],
    ];
    for (const [id, origin] of origins) {
      await dataSource.query(
        `INSERT INTO conversations (id, group_id, origin, created_at, updated_at) VALUES (${p(1)}, NULL, ${p(2)}, ${p(3)}, ${p(4)})`,
        [`c-${id}`, origin, at, at],
      );
      await dataSource.query(
        `INSERT INTO runs (id, conversation_id, status, origin, input, created_at) VALUES (${p(1)}, ${p(2)}, 'completed', ${p(3)}, 'hi', ${p(4)})`,
        [`r-${id}`, `c-${id}`, origin, at],
      );
    }
    expect((await dataSource.runMigrations()).map((m) => m.name)).toEqual(later);
    const expected = [
      { id: 'console', origin_key: 'console', channel_id: null },
      { id: 'telegram', origin_key: 'telegram', channel_id: 'ch-1' },
      { id: 'telegram2', origin_key: 'telegram', channel_id: 'ch-1' },
      { id: 'webhook', origin_key: 'webhook', channel_id: null },
    ];
    for (const [table, prefix] of [
      ['runs', 'r-'],
      ['conversations', 'c-'],
    ] as const) {
      const rows: { id: string; origin_key: string; channel_id: string | null }[] = await dataSource.query(
        `SELECT id, origin_key, channel_id FROM ${table} ORDER BY id`,
      );
      expect(rows).toEqual(expected.map((row) => ({ ...row, id: `${prefix}${row.id}` })));
    }
  } finally {
    await dataSource.destroy();
  }
}

describe('migrations', () => {
  it('turn runs awaiting an approval into runs waiting for it, on SQLite and PostgreSQL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lg-migrate-held-'));
    const database = await createTestDatabase();
    try {
      await upgradeHeldRuns({ dataDir, databaseUrl: null });
      await upgradeHeldRuns({ dataDir: tmpdir(), databaseUrl: database.url });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await database.drop();
    }
  });

  it('give runs and conversations stored before the runs explorer their origin and channel columns, on SQLite and PostgreSQL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lg-migrate-origins-'));
    const database = await createTestDatabase();
    try {
      await backfillRunOrigins({ dataDir, databaseUrl: null });
      await backfillRunOrigins({ dataDir: tmpdir(), databaseUrl: database.url });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await database.drop();
    }
  });

  it('apply, revert and re-apply on a SQLite file in WAL mode', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lg-migrate-'));
    try {
      await exerciseMigrations({ dataDir, databaseUrl: null });
      const dataSource = new DataSource({
        ...dataSourceOptions({ dataDir, databaseUrl: null, secretKey }),
        migrationsRun: false,
      });
      await dataSource.initialize();
      expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      // The budget check's sum is answered from an index alone, not by reading every call's row.
      const plan: { detail: string }[] = await dataSource.query(
        `EXPLAIN QUERY PLAN SELECT SUM(input_tokens + output_tokens) FROM model_calls WHERE group_id = ? AND created_at >= ?`,
        ['g', '2026-01-01 00:00:00.000'],
      );
      expect(plan.map((row) => row.detail).join()).toContain('COVERING INDEX');
      // A page of the runs of one status (the explorer's `status=failed`) is read in order from an
      // index, not sorted whole: only ties of created_at are left to sort.
      const runsPlan: { detail: string }[] = await dataSource.query(
        `EXPLAIN QUERY PLAN SELECT * FROM runs r WHERE r.status = ? ORDER BY r.created_at DESC, r.id DESC LIMIT 50`,
        ['failed'],
      );
      const runsDetail = runsPlan.map((row) => row.detail).join(' | ');
      expect(runsDetail).toMatch(/USING INDEX \S+ \(status=\?\)/);
      expect(runsDetail).toContain('TEMP B-TREE FOR LAST TERM OF ORDER BY');
      // Partial indexes (only rows with a channel, a continuation) still answer the queries that use them.
      const usesIndex = async (sql: string, params: unknown[]) =>
        ((await dataSource.query(`EXPLAIN QUERY PLAN ${sql}`, params)) as { detail: string }[])
          .map((row) => row.detail)
          .join(' | ');
      expect(
        await usesIndex(`SELECT * FROM runs r WHERE r.channel_id = ? ORDER BY r.created_at DESC LIMIT 50`, ['c']),
      ).toMatch(/USING INDEX \S+ \(channel_id=\?\)/);
      expect(
        await usesIndex(`SELECT * FROM conversations c WHERE c.channel_id = ? ORDER BY c.created_at DESC LIMIT 50`, [
          'c',
        ]),
      ).toMatch(/USING INDEX \S+ \(channel_id=\?\)/);
      expect(
        await usesIndex(`SELECT * FROM runs WHERE status IN (?, ?) AND continuation_state IN (?, ?)`, [
          'completed',
          'failed',
          'pending',
          'dispatching',
        ]),
      ).toMatch(/USING INDEX \S+ \(continuation_state=\?\)/);
      await dataSource.destroy();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('apply, revert and re-apply on PostgreSQL', async () => {
    const database = await createTestDatabase();
    try {
      await exerciseMigrations({ dataDir: tmpdir(), databaseUrl: database.url });
    } finally {
      await database.drop();
    }
  });
});

/**
 * A calendar stored before feed passwords were sealed: the migration moves the password out of the
 * URL into password_sealed (read from the real database), and its revert puts it back.
 */
async function exerciseCalendarSealing(database: DatabaseOptions) {
  const options = dataSourceOptions({ ...database, secretKey });
  const sealIndex = MIGRATIONS.findIndex((M) => new M().name === 'SealCalendarPasswords1764900000000');
  const before = new DataSource({ ...options, migrations: MIGRATIONS.slice(0, sealIndex), migrationsRun: false });
  await before.initialize();
  const postgres = options.type === 'postgres';
  const params = (n: number) => Array.from({ length: n }, (_, i) => (postgres ? `$${i + 1}` : '?')).join(', ');
  const plainUrl = 'https://ana:s3cr%C3%A9t%20pass@cloud.example.com/dav/team.ics?export';
  const at = '2026-03-20 08:00:00.000';
  try {
    await before.runMigrations();
    for (const [id, url] of [
      ['c0000000-0000-4000-8000-000000000001', plainUrl],
      ['c0000000-0000-4000-8000-000000000002', 'https://cloud.example.com/open.ics'],
    ]) {
      await before.query(
        `INSERT INTO scheduler_calendars (id, name, url, poll_minutes, timezone, next_sync_at, event_count, created_at, updated_at) VALUES (${params(9)})`,
        [id, 'Team', url, 15, 'UTC', at, 0, at, at],
      );
    }
  } finally {
    await before.destroy();
  }

  const after = new DataSource({ ...options, migrationsRun: false });
  await after.initialize();
  try {
    await after.runMigrations();
    const rows: { url: string; password_sealed: string | null }[] = await after.query(
      'SELECT * FROM scheduler_calendars ORDER BY id',
    );
    expect(rows.map((row) => row.url)).toEqual([
      'https://ana@cloud.example.com/dav/team.ics?export',
      'https://cloud.example.com/open.ics',
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/s3cr|%C3%A9t|pass@/);
    expect(new SecretBox({ secretKey }).decrypt(rows[0]!.password_sealed!)).toBe('s3crét pass');
    expect(rows[1]!.password_sealed).toBeNull();

    for (let i = sealIndex; i < MIGRATIONS.length; i++) await after.undoLastMigration();
    const reverted: { url: string }[] = await after.query('SELECT url FROM scheduler_calendars ORDER BY id');
    expect(reverted.map((row) => row.url)).toEqual([plainUrl, 'https://cloud.example.com/open.ics']);
  } finally {
    await after.destroy();
  }
}

describe('calendar feed passwords stored before they were sealed', () => {
  it('are sealed by a migration on SQLite', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lg-migrate-'));
    try {
      await exerciseCalendarSealing({ dataDir, databaseUrl: null });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('are sealed by a migration on PostgreSQL', async () => {
    const database = await createTestDatabase();
    try {
      await exerciseCalendarSealing({ dataDir: tmpdir(), databaseUrl: database.url });
    } finally {
      await database.drop();
    }
  });
});

describe('the gateway on PostgreSQL (DATABASE_URL)', () => {
  it('runs migrations at start and keeps the admin and sessions across a restart', async () => {
    const database = await createTestDatabase();
    const env = { DATABASE_URL: database.url };
    try {
      const first = await startTestApp(env);
      const health = await request(first.url).get('/api/health').expect(200);
      expect(health.body).toMatchObject({ status: 'ok', database: 'postgres' });
      const token = await setupAdmin(first.url);
      await first.close();

      const second = await startTestApp(env);
      try {
        await request(second.url).get('/api/auth/status').expect(200, { needsSetup: false, setupCodeRequired: false });
        await request(second.url).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
        const login = await request(second.url).post('/api/auth/login').send(ADMIN).expect(200);
        await request(second.url)
          .post('/api/auth/logout')
          .set('Authorization', `Bearer ${login.body.token}`)
          .expect(204);
        await request(second.url).get('/api/auth/me').set('Authorization', `Bearer ${login.body.token}`).expect(401);
        // JSON columns (jsonb here) and booleans round-trip.
        const auth = { Authorization: `Bearer ${token}` };
        const created = await request(second.url)
          .post('/api/agent-groups')
          .set(auth)
          .send({
            name: 'PG',
            skills: ['http_request', 'web_browse'],
            channelStyles: { email: 'Formal.' },
            isDefault: true,
          })
          .expect(201);
        const groups = (await request(second.url).get('/api/agent-groups').set(auth).expect(200)).body;
        expect(groups).toEqual([
          expect.objectContaining({ name: 'Default', isDefault: false, skills: [], channelStyles: {} }),
          expect.objectContaining({
            id: created.body.id,
            skills: ['http_request', 'web_browse'],
            channelStyles: { email: 'Formal.' },
            isDefault: true,
          }),
        ]);
        const [row] = await second.app.get(DataSource).query('SELECT COUNT(*)::int AS n FROM users');
        expect(row.n).toBe(1);
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  });
});

import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { type GatewayProcess, startGatewayProcess } from '@loop-gateway/testing';
import { SQLITE_FILE_NAME } from '../src/database/data-source-options.js';
import { createTestDatabase } from './postgres.js';
import { startTestApp } from './test-app.js';
import { waitUntil } from './wait.js';

const ADMIN = { username: 'admin', password: 'correct horse battery' };
const CODE_LINE = /set-up code ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})/g;

/** The set-up codes the gateway printed so far, oldest first. */
const codesIn = (gateway: GatewayProcess) => [...gateway.output().matchAll(CODE_LINE)].map((match) => match[1]!);

/** The built gateway listening on every interface (HOST=0.0.0.0), as `npm start` does by default. */
function startExposed(dataDir?: string, env: Record<string, string> = {}) {
  return startGatewayProcess({ env: { HOST: '0.0.0.0', ...env }, dataDir });
}

function printedCode(gateway: GatewayProcess): Promise<string> {
  return waitUntil('the set-up code in the log', () => codesIn(gateway)[0]);
}

/** Waits for the start line, which comes after the set-up code would have been printed (LOG_LEVEL=info). */
const started = (gateway: GatewayProcess) =>
  waitUntil('the start line in the log', () => gateway.output().includes('listening on'));

describe('first set-up of a gateway listening beyond loopback (npm start)', () => {
  it('prints a one-time code in its log at start; set-up takes that code, once', async () => {
    const gateway = await startExposed();
    try {
      const code = await printedCode(gateway);
      await request(gateway.url).get('/api/auth/status').expect(200, { needsSetup: true, setupCodeRequired: true });
      await request(gateway.url).post('/api/auth/setup').send(ADMIN).expect(401);
      await request(gateway.url)
        .post('/api/auth/setup')
        .send({ ...ADMIN, setupCode: 'AAAA-BBBB-CCCC' })
        .expect(403);

      // Stored as a hash only: the code is nowhere in the database file.
      const db = new DataSource({
        type: 'better-sqlite3',
        database: join(gateway.dataDir, SQLITE_FILE_NAME),
        readonly: true,
      });
      await db.initialize();
      try {
        const settings = JSON.stringify(await db.query('SELECT key, value FROM settings'));
        expect(settings).toContain('setup.code');
        expect(settings).not.toContain(code);
        expect(settings).not.toContain(code.replaceAll('-', ''));
      } finally {
        await db.destroy();
      }

      // As typed by a person: case and separators do not matter.
      const created = await request(gateway.url)
        .post('/api/auth/setup')
        .send({ ...ADMIN, setupCode: code.toLowerCase().replaceAll('-', ' ') })
        .expect(201);
      await request(gateway.url).get('/api/auth/me').set('Authorization', `Bearer ${created.body.token}`).expect(200);
      await request(gateway.url).get('/api/auth/status').expect(200, { needsSetup: false, setupCodeRequired: false });
      await request(gateway.url)
        .post('/api/auth/setup')
        .send({ username: 'second', password: ADMIN.password, setupCode: code })
        .expect(409);
    } finally {
      await gateway.stop();
    }
  });

  it('prints a new code at each start until the admin exists, and none after', async () => {
    const first = await startExposed();
    const oldCode = await printedCode(first);
    await first.stop({ keepData: true });
    const second = await startExposed(first.dataDir);
    try {
      const newCode = await printedCode(second);
      expect(newCode).not.toBe(oldCode);
      await request(second.url)
        .post('/api/auth/setup')
        .send({ ...ADMIN, setupCode: oldCode })
        .expect(403);
      await request(second.url)
        .post('/api/auth/setup')
        .send({ ...ADMIN, setupCode: newCode })
        .expect(201);
    } finally {
      await second.stop({ keepData: true });
    }
    const third = await startExposed(first.dataDir, { LOG_LEVEL: 'info' });
    try {
      await started(third);
      expect(third.output()).not.toContain('set-up code');
      await request(third.url).get('/api/auth/status').expect(200, { needsSetup: false, setupCodeRequired: false });
      await request(third.url).post('/api/auth/login').send(ADMIN).expect(200);
    } finally {
      await third.stop();
    }
  });

  it('needs no code when it listens on loopback only', async () => {
    const gateway = await startGatewayProcess({ env: { LOG_LEVEL: 'info' } });
    try {
      await started(gateway);
      expect(gateway.output()).not.toContain('set-up code');
      await request(gateway.url).get('/api/auth/status').expect(200, { needsSetup: true, setupCodeRequired: false });
      await request(gateway.url).post('/api/auth/setup').send(ADMIN).expect(201);
    } finally {
      await gateway.stop();
    }
  });

  it('keeps the code in PostgreSQL, replaced at each start, so every instance checks the same one', async () => {
    const database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, HOST: '0.0.0.0' };
    const codeHash = async (gw: Awaited<ReturnType<typeof startTestApp>>) =>
      (
        (await gw.app.get(DataSource).query(`SELECT value FROM settings WHERE key = 'setup.code'`)) as {
          value: string;
        }[]
      )[0]?.value;
    try {
      const first = await startTestApp(env);
      const firstHash = await codeHash(first);
      await first.close();
      const second = await startTestApp(env);
      try {
        const secondHash = await codeHash(second);
        expect(firstHash).toMatch(/^[0-9a-f]{64}$/);
        expect(secondHash).toMatch(/^[0-9a-f]{64}$/);
        expect(secondHash).not.toBe(firstHash);
        await request(second.url)
          .post('/api/auth/setup')
          .send({ ...ADMIN, setupCode: 'AAAA-BBBB-CCCC' })
          .expect(403);
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  });
});

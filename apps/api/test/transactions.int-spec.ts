import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { Transactions } from '../src/database/transactions.js';
import { createTestDatabase } from './postgres.js';

const pause = () => new Promise((resolve) => setTimeout(resolve, 30));

/**
 * Two transactions at once, the first rolled back after the second committed: the second's row must
 * stay and the first's must go, on SQLite (one shared connection) as on PostgreSQL.
 */
async function concurrentCommitAndRollback(dataSource: DataSource): Promise<string[]> {
  await dataSource.query('CREATE TABLE notes (text VARCHAR(20) NOT NULL)');
  const transactions = new Transactions(dataSource);
  const failing = transactions.run(async (manager) => {
    await manager.query(`INSERT INTO notes (text) VALUES ('rolled back')`);
    await pause();
    throw new Error('changed my mind');
  });
  const committing = transactions.run(async (manager) => {
    await manager.query(`INSERT INTO notes (text) VALUES ('committed')`);
  });
  await expect(failing).rejects.toThrow('changed my mind');
  await committing;
  const rows: { text: string }[] = await dataSource.query('SELECT text FROM notes');
  return rows.map((row) => row.text);
}

describe('transactions', () => {
  it('keep apart on SQLite, where every query shares one connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-tx-'));
    const dataSource = new DataSource({
      ...dataSourceOptions({ dataDir: dir, databaseUrl: null, secretKey: randomBytes(32) }),
      migrationsRun: false,
    });
    await dataSource.initialize();
    try {
      expect(await concurrentCommitAndRollback(dataSource)).toEqual(['committed']);
    } finally {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keep apart on PostgreSQL', async () => {
    const database = await createTestDatabase();
    const dataSource = new DataSource({
      ...dataSourceOptions({ dataDir: '', databaseUrl: database.url, secretKey: randomBytes(32) }),
      migrationsRun: false,
    });
    await dataSource.initialize();
    try {
      expect(await concurrentCommitAndRollback(dataSource)).toEqual(['committed']);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });
});

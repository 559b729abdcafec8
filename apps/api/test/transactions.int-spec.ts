import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { sqliteConnection } from '../src/database/sqlite-table.js';
import { LoopSlices } from '../src/common/loop-slices.js';
import { Transactions } from '../src/database/transactions.js';
import { WalCheckpointer } from '../src/database/wal-checkpointer.js';
import { createTestDatabase } from './postgres.js';

const pause = () => new Promise((resolve) => setTimeout(resolve, 30));

/**
 * Two transactions at once, the first rolled back after the second committed: the second's row must
 * stay and the first's must go, on SQLite (one shared connection) as on PostgreSQL.
 */
async function concurrentCommitAndRollback(dataSource: DataSource): Promise<string[]> {
  await dataSource.query('CREATE TABLE notes (text VARCHAR(20) NOT NULL)');
  const transactions = new Transactions(dataSource, new WalCheckpointer(dataSource), new LoopSlices());
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

/** A SQLite file of its own (in WAL mode, as the gateway opens it), without the gateway's tables. */
async function sqliteDataSource(): Promise<{ dir: string; dataSource: DataSource }> {
  const dir = mkdtempSync(join(tmpdir(), 'lg-tx-'));
  const dataSource = new DataSource({
    ...dataSourceOptions({ dataDir: dir, databaseUrl: null, secretKey: randomBytes(32) }),
    migrationsRun: false,
  });
  await dataSource.initialize();
  return { dir, dataSource };
}

describe('transactions', () => {
  it('keep apart on SQLite, where every query shares one connection', async () => {
    const { dir, dataSource } = await sqliteDataSource();
    try {
      expect(await concurrentCommitAndRollback(dataSource)).toEqual(['committed']);
    } finally {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on SQLite, a prepared-statement write waits for an open transaction, so its rollback does not undo it', async () => {
    const { dir, dataSource } = await sqliteDataSource();
    const checkpointer = new WalCheckpointer(dataSource);
    try {
      await dataSource.query('CREATE TABLE notes (text VARCHAR(20) NOT NULL)');
      const transactions = new Transactions(dataSource, checkpointer, new LoopSlices());
      const insert = sqliteConnection(dataSource)!.prepare('INSERT INTO notes (text) VALUES (?)');
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      const failing = transactions.run(async (manager) => {
        await manager.query(`INSERT INTO notes (text) VALUES ('rolled back')`);
        opened();
        await pause();
        throw new Error('changed my mind');
      });
      await open; // the write comes while that transaction is open on the shared connection
      const written = transactions.write(() => insert.run('written'));
      await expect(failing).rejects.toThrow('changed my mind');
      await written;
      // With no transaction open, a write is committed by the time its promise resolves.
      await transactions.write(() => insert.run('at once'));
      const rows: { text: string }[] = await dataSource.query('SELECT text FROM notes');
      expect(rows.map((row) => row.text)).toEqual(['written', 'at once']);
    } finally {
      await checkpointer.onModuleDestroy();
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on SQLite, commits the writes of one loop turn together, each resolved once committed; one that fails is undone alone', async () => {
    const { dir, dataSource } = await sqliteDataSource();
    const checkpointer = new WalCheckpointer(dataSource);
    // Another connection to the same file sees only what is committed.
    const database = String((dataSource.options as { database: string }).database);
    const other = new DataSource({ type: 'better-sqlite3', database, readonly: true });
    const committed = () => {
      const rows = sqliteConnection(other)!.prepare('SELECT text FROM notes').all() as { text: string }[];
      return rows.map((row) => row.text);
    };
    try {
      await dataSource.query('CREATE TABLE notes (text VARCHAR(20) NOT NULL)');
      await other.initialize();
      const transactions = new Transactions(dataSource, checkpointer, new LoopSlices());
      const db = sqliteConnection(dataSource)!;
      const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
      const first = transactions.write(() => insert.run('first'));
      const failing = transactions.write(() => {
        insert.run('undone');
        throw new Error('changed my mind');
      });
      const last = transactions.write(() => {
        insert.run('last');
        return db.inTransaction;
      });
      expect(committed()).toEqual([]); // nothing runs before the end of the turn
      await first;
      expect(committed()).toEqual(['first', 'last']);
      expect(await last).toBe(true);
      await expect(failing).rejects.toThrow('changed my mind');
      // A later turn's write is a group (and a commit) of its own.
      await transactions.write(() => insert.run('later'));
      expect(committed()).toEqual(['first', 'last', 'later']);
    } finally {
      if (other.isInitialized) await other.destroy();
      await checkpointer.onModuleDestroy();
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

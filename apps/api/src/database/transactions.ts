import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { sqliteConnection } from './sqlite-table.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/**
 * Runs work in one database transaction. On SQLite, TypeORM gives every caller the same connection,
 * so two transactions begun at once would nest (the second as a savepoint inside the first): one's
 * commit would end the other's work early, and one's rollback would undo the other's. So on SQLite
 * transactions take turns (SQLite has a single writer anyway); PostgreSQL gives each its own connection.
 */
@Injectable()
export class Transactions {
  private tail: Promise<unknown> = Promise.resolve();
  /** SQLite: transactions queued or open through `run`; while none is, `write` runs at once. */
  private pending = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly checkpointer: WalCheckpointer,
  ) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type === 'postgres') return this.dataSource.transaction(work);
    return this.inTurn(() => this.dataSource.transaction(work));
  }

  /**
   * SQLite only: synchronous work on the connection's prepared statements (see SqliteTable) in one
   * transaction, in turn with `run`'s. Nothing else runs on the connection meanwhile (better-sqlite3
   * is synchronous), so when no `run` transaction is open it commits before this returns.
   */
  write<T>(work: () => T): Promise<T> {
    const db = sqliteConnection(this.dataSource);
    if (!db) return Promise.reject(new Error('Transactions.write is for SQLite'));
    this.checkpointer.noticeWrite();
    const transaction = db.transaction(work);
    if (this.pending === 0) {
      try {
        return Promise.resolve(transaction());
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return this.inTurn(async () => transaction());
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const result = this.tail.then(work).finally(() => (this.pending -= 1));
    this.tail = result.catch(() => undefined);
    return result;
  }
}

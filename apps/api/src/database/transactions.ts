import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { LoopSlices } from '../common/loop-slices.js';
import { type Database, sqliteConnection } from './sqlite-table.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/** A write waiting for its group's commit. */
interface GroupedWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

type Outcome = { value: unknown } | { error: Error };

/**
 * Runs work in one database transaction. On SQLite, TypeORM gives every caller the same connection,
 * so two transactions begun at once would nest (the second as a savepoint inside the first): one's
 * commit would end the other's work early, and one's rollback would undo the other's. So on SQLite
 * transactions take turns (SQLite has a single writer anyway); PostgreSQL gives each its own connection.
 */
@Injectable()
export class Transactions implements OnModuleDestroy {
  private tail: Promise<unknown> = Promise.resolve();
  /** SQLite: transactions queued or open through `run`; while one is, `write`s wait for it. */
  private pending = 0;
  /** SQLite: the writes asked for in this turn of the event loop, committed together at its end. */
  private group: GroupedWrite[] = [];
  /** better-sqlite3's transaction wrapper, made once per connection: BEGIN…COMMIT, or a savepoint inside a transaction. */
  private readonly wrappers = new WeakMap<Database, (work: () => unknown) => unknown>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly checkpointer: WalCheckpointer,
    private readonly slices: LoopSlices,
  ) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type === 'postgres') return this.dataSource.transaction(work);
    return this.inTurn(() => this.dataSource.transaction(work));
  }

  /**
   * SQLite only: synchronous work on the connection's prepared statements (see SqliteTable) in one
   * transaction, in turn with `run`'s; resolves (or rejects) once it is committed (or undone).
   * Group commit: the writes asked for in one turn of the event loop run together at its end, each in
   * a savepoint of one transaction, so a busy gateway pays one commit (and writes each page to the
   * WAL once) for many runs' steps instead of one per step. A write that throws is undone alone; a
   * commit that fails fails every write of its group. Nothing else runs on the connection while the
   * group does (better-sqlite3 is synchronous). What each writer does next is bulk work: it goes on in
   * turn (see LoopSlices), not all of a group's writers at once after the commit.
   */
  write<T>(work: () => T): Promise<T> {
    const db = sqliteConnection(this.dataSource);
    if (!db) return Promise.reject(new Error('Transactions.write is for SQLite'));
    this.checkpointer.noticeWrite();
    return new Promise<T>((resolve, reject) => {
      if (this.group.length === 0) setImmediate(() => this.commitGroup(db));
      this.group.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Writes still waiting for the end of the loop turn are committed before the connection closes. */
  onModuleDestroy(): void {
    const db = sqliteConnection(this.dataSource);
    if (db) this.commitGroup(db);
  }

  private commitGroup(db: Database): void {
    const group = this.group;
    if (group.length === 0) return;
    this.group = [];
    if (this.pending === 0) this.commit(db, group);
    else void this.inTurn(async () => this.commit(db, group));
  }

  private commit(db: Database, group: GroupedWrite[]): void {
    let transaction = this.wrappers.get(db);
    if (!transaction) {
      transaction = db.transaction((work: () => unknown) => work());
      this.wrappers.set(db, transaction);
    }
    if (group.length === 1) {
      const [write] = group as [GroupedWrite];
      try {
        this.settle(write, { value: transaction(write.work) });
      } catch (error) {
        this.settle(write, { error: error as Error });
      }
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      transaction(() => {
        for (const write of group) {
          try {
            outcomes.push({ value: transaction(write.work) });
          } catch (error) {
            outcomes.push({ error: error as Error });
          }
        }
      });
    } catch (error) {
      for (const write of group) write.reject(error as Error);
      return;
    }
    group.forEach((write, i) => this.settle(write, outcomes[i]!));
  }

  private settle(write: GroupedWrite, outcome: Outcome): void {
    void this.slices
      .turn()
      .then(() => ('error' in outcome ? write.reject(outcome.error) : write.resolve(outcome.value)));
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const result = this.tail.then(work).finally(() => (this.pending -= 1));
    this.tail = result.catch(() => undefined);
    return result;
  }
}

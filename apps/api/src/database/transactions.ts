import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Runs work in one database transaction. On SQLite, TypeORM gives every caller the same connection,
 * so two transactions begun at once would nest (the second as a savepoint inside the first): one's
 * commit would end the other's work early, and one's rollback would undo the other's. So on SQLite
 * transactions take turns (SQLite has a single writer anyway); PostgreSQL gives each its own connection.
 */
@Injectable()
export class Transactions {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type === 'postgres') return this.dataSource.transaction(work);
    const result = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = result.catch(() => undefined);
    return result;
  }
}

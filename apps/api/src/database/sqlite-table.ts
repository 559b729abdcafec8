import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

/** What is used of a better-sqlite3 statement and connection (the package ships no types). */
interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
export interface Database {
  prepare(sql: string): Statement;
  transaction<A extends unknown[], T>(work: (...args: A) => T): (...args: A) => T;
  pragma(statement: string, options?: { simple?: boolean }): unknown;
  readonly inTransaction: boolean;
}

/** The better-sqlite3 connection under TypeORM's SQLite driver; null on PostgreSQL. */
export function sqliteConnection(dataSource: DataSource): Database | null {
  if (dataSource.options.type !== 'better-sqlite3') return null;
  return (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
}

/**
 * Prepared statements for one entity's table on SQLite, for the hot path: rows are written and read
 * with TypeORM's own column conversions (dates, booleans, JSON transformers), so what is stored is
 * the same as through TypeORM, without its query building and hydration per statement. Each distinct
 * SQL text is prepared once. Repositories use it only on SQLite; PostgreSQL keeps TypeORM.
 *
 * `where` clauses are SQL over the table's column names with `?` parameters (strings and numbers).
 */
export class SqliteTable<T extends ObjectLiteral> {
  private readonly statements = new Map<string, Statement>();
  private readonly columns: ColumnMetadata[];
  private readonly byProperty: Map<string, ColumnMetadata>;
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly db: Database,
    entity: EntityTarget<T>,
  ) {
    const metadata = dataSource.getMetadata(entity);
    this.table = `"${metadata.tableName}"`;
    this.columns = metadata.columns;
    this.byProperty = new Map(metadata.columns.map((column) => [column.propertyName, column]));
  }

  /** A table on SQLite, null on PostgreSQL. */
  static of<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>): SqliteTable<T> | null {
    const db = sqliteConnection(dataSource);
    return db ? new SqliteTable(dataSource, db, entity) : null;
  }

  /** Inserts a row; properties left undefined take the column's default. */
  insert(row: Partial<T>): void {
    const names: string[] = [];
    const values: unknown[] = [];
    for (const column of this.columns) {
      const value = row[column.propertyName as keyof T];
      if (value === undefined) continue;
      names.push(`"${column.databaseName}"`);
      values.push(this.toDatabase(column, value));
    }
    const sql = `INSERT INTO ${this.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
    this.statement(sql).run(...values);
  }

  /** Sets the defined properties of `patch` on the rows `where` selects; the number of rows changed. */
  update(patch: Partial<T>, where: string, params: unknown[]): number {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [property, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const column = this.column(property);
      sets.push(`"${column.databaseName}" = ?`);
      values.push(this.toDatabase(column, value));
    }
    if (sets.length === 0) return 0;
    return this.statement(`UPDATE ${this.table} SET ${sets.join(', ')} WHERE ${where}`).run(...values, ...params)
      .changes;
  }

  /** The first row `where` selects (it may end with ORDER BY / LIMIT), as an entity. */
  one(where: string, params: unknown[]): T | null {
    const row = this.statement(`SELECT * FROM ${this.table} WHERE ${where}`).get(...params);
    return row ? this.toEntity(row as Record<string, unknown>) : null;
  }

  /** Every row `where` selects, as entities. */
  many(where: string, params: unknown[]): T[] {
    const rows = this.statement(`SELECT * FROM ${this.table} WHERE ${where}`).all(...params);
    return rows.map((row) => this.toEntity(row as Record<string, unknown>));
  }

  private toEntity(row: Record<string, unknown>): T {
    const entity = {} as Record<string, unknown>;
    for (const column of this.columns) {
      entity[column.propertyName] = this.dataSource.driver.prepareHydratedValue(row[column.databaseName], column);
    }
    return entity as T;
  }

  private toDatabase(column: ColumnMetadata, value: unknown): unknown {
    return this.dataSource.driver.preparePersistentValue(value, column);
  }

  private column(property: string): ColumnMetadata {
    const column = this.byProperty.get(property);
    if (!column) throw new Error(`${this.table} has no column for ${property}`);
    return column;
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** `?, ?, ?` for an IN list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

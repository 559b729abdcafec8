import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { SecretBox } from '../crypto/secret-box.js';
import { migrations } from './migrations/index.js';

export const SQLITE_FILE_NAME = 'loop-gateway.sqlite';

/**
 * SQLite (WAL) in DATA_DIR by default; PostgreSQL when DATABASE_URL is set. Both run the same
 * migrations at start; the schema is never synchronized from the entities.
 */
export function dataSourceOptions(config: Pick<AppConfig, 'dataDir' | 'databaseUrl' | 'secretKey'>): DataSourceOptions {
  const common = { migrations: migrations(new SecretBox(config)), migrationsRun: true, synchronize: false } as const;
  if (config.databaseUrl) {
    return { type: 'postgres', url: config.databaseUrl, extra: { max: 10 }, ...common };
  }
  return {
    type: 'better-sqlite3',
    database: join(config.dataDir, SQLITE_FILE_NAME),
    prepareDatabase: (db: { pragma(statement: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Temporary data in memory, not in files: group commit gives each write a savepoint, whose
      // journal of the pages it changes otherwise spills to a temporary file (a pwrite per page).
      db.pragma('temp_store = MEMORY');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    },
    ...common,
  };
}

import type { QueryRunner } from 'typeorm';

/**
 * Column types that mean the same on SQLite and PostgreSQL, so one migration serves both.
 * Timestamps are timezone-aware on PostgreSQL and UTC strings on SQLite (how TypeORM writes Dates there).
 */
export function columnTypes(queryRunner: QueryRunner) {
  const postgres = queryRunner.connection.driver.options.type === 'postgres';
  return {
    id: 'varchar',
    timestamp: postgres ? 'timestamptz' : 'datetime',
    json: postgres ? 'jsonb' : 'text',
  } as const;
}

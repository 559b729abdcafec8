import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/** Indexes that only hold the rows their queries look for. */
const PARTIAL: { table: string; columns: string[]; where: string }[] = [
  // Only runs with a continuation (reply, job output, task) have a state; the rest are never looked up by it.
  { table: 'runs', columns: ['continuation_state'], where: 'continuation_state IS NOT NULL' },
  // The lists filter on one channel (equality): runs and conversations from no channel are never looked up by it.
  { table: 'runs', columns: ['channel_id', 'created_at'], where: 'channel_id IS NOT NULL' },
  { table: 'conversations', columns: ['channel_id', 'created_at'], where: 'channel_id IS NOT NULL' },
];

/**
 * Every index a row enters is pages written per run: runs from the API and the console (no channel, no
 * continuation) no longer enter the continuation-state and channel indexes, which keep serving the
 * queries that use them (`continuation_state IN (…)`, `channel_id = …` imply IS NOT NULL).
 */
export class PartialRunIndexes1766600000000 implements MigrationInterface {
  name = 'PartialRunIndexes1766600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const { table, columns, where } of PARTIAL) {
      await dropIndexOn(queryRunner, table, columns);
      await queryRunner.createIndex(table, new TableIndex({ columnNames: columns, where }));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const { table, columns } of PARTIAL) {
      await dropIndexOn(queryRunner, table, columns);
      await queryRunner.createIndex(table, new TableIndex({ columnNames: columns }));
    }
  }
}

/** PostgreSQL lists an index's columns in table order, not the index's: they are compared as sets. */
async function dropIndexOn(queryRunner: QueryRunner, table: string, columns: string[]): Promise<void> {
  const key = (names: string[]) => [...names].sort().join();
  const index = (await queryRunner.getTable(table))?.indices.find(
    (candidate) => key(candidate.columnNames) === key(columns),
  );
  if (index) await queryRunner.dropIndex(table, index);
}

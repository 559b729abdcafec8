import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';
import type { RunOrigin } from '@loop-gateway/contracts';
import { originKey } from '../../common/origin-key.js';

/**
 * The runs explorer and webhook redelivery. Runs get their origin as one word (`origin_key`: console,
 * api, webhook, …, or the channel type) and their channel as columns the list filters on (the origin
 * itself stays JSON), and `retry_of` for a run started by retrying another. Deliveries get
 * `redelivery_of` / `redelivered_by`, and each attempt the headers it sent (the signature left out).
 */
export class RunsExplorer1766100000000 implements MigrationInterface {
  name = 'RunsExplorer1766100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('runs', [
      new TableColumn({ name: 'origin_key', type: 'varchar', length: '20', isNullable: true }),
      new TableColumn({ name: 'channel_id', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'retry_of', type: 'varchar', length: '36', isNullable: true }),
    ]);
    await queryRunner.addColumns('conversations', [
      new TableColumn({ name: 'origin_key', type: 'varchar', length: '20', isNullable: true }),
      new TableColumn({ name: 'channel_id', type: 'varchar', length: '36', isNullable: true }),
    ]);
    await backfillOrigins(queryRunner, 'runs');
    await backfillOrigins(queryRunner, 'conversations');
    await queryRunner.createIndex('runs', new TableIndex({ columnNames: ['origin_key', 'created_at'] }));
    await queryRunner.createIndex('runs', new TableIndex({ columnNames: ['channel_id', 'created_at'] }));
    await queryRunner.createIndex('runs', new TableIndex({ columnNames: ['group_id', 'created_at'] }));
    await queryRunner.createIndex('conversations', new TableIndex({ columnNames: ['created_at'] }));
    await queryRunner.createIndex('conversations', new TableIndex({ columnNames: ['origin_key', 'created_at'] }));
    await queryRunner.createIndex('conversations', new TableIndex({ columnNames: ['channel_id', 'created_at'] }));
    await queryRunner.addColumns('webhook_deliveries', [
      new TableColumn({ name: 'redelivery_of', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'redelivered_by', type: 'varchar', length: '100', isNullable: true }),
    ]);
    await queryRunner.addColumn(
      'webhook_delivery_attempts',
      new TableColumn({ name: 'request_headers', type: 'text', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhook_delivery_attempts', 'request_headers');
    await queryRunner.dropColumn('webhook_deliveries', 'redelivered_by');
    await queryRunner.dropColumn('webhook_deliveries', 'redelivery_of');
    const conversations = await queryRunner.getTable('conversations');
    for (const columns of ['created_at', 'origin_key,created_at', 'channel_id,created_at']) {
      const index = conversations?.indices.find((i) => i.columnNames.join() === columns);
      if (index) await queryRunner.dropIndex('conversations', index);
    }
    await queryRunner.dropColumn('conversations', 'channel_id');
    await queryRunner.dropColumn('conversations', 'origin_key');
    const runs = await queryRunner.getTable('runs');
    for (const columns of ['origin_key,created_at', 'channel_id,created_at', 'group_id,created_at']) {
      const index = runs?.indices.find((i) => i.columnNames.join() === columns);
      if (index) await queryRunner.dropIndex('runs', index);
    }
    await queryRunner.dropColumn('runs', 'retry_of');
    await queryRunner.dropColumn('runs', 'channel_id');
    await queryRunner.dropColumn('runs', 'origin_key');
  }
}

/** Sets origin_key and channel_id from the JSON origin: one UPDATE per distinct origin (channels, jobs, tasks). */
async function backfillOrigins(queryRunner: QueryRunner, table: 'runs' | 'conversations'): Promise<void> {
  // JSON text on SQLite; jsonb (read back as an object) on PostgreSQL.
  const origins = (await queryRunner.query(`SELECT DISTINCT origin FROM ${table}`)) as { origin: unknown }[];
  for (const { origin } of origins) {
    const parsed = typeof origin === 'string' ? parseOrigin(origin) : ((origin ?? { kind: 'api' }) as RunOrigin);
    await queryRunner.query(
      `UPDATE ${table} SET origin_key = ${param(queryRunner, 1)}, channel_id = ${param(queryRunner, 2)} WHERE origin = ${param(queryRunner, 3)}`,
      [originKey(parsed), parsed.channelId ?? null, typeof origin === 'string' ? origin : JSON.stringify(origin)],
    );
  }
}

function parseOrigin(text: string): RunOrigin {
  try {
    return JSON.parse(text) as RunOrigin;
  } catch {
    return { kind: 'api' };
  }
}

/** A positional parameter: `$n` on PostgreSQL, `?` on SQLite. */
function param(queryRunner: QueryRunner, n: number): string {
  return queryRunner.connection.driver.options.type === 'postgres' ? `$${n}` : '?';
}

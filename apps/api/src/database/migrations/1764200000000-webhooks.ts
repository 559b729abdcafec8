import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types.js';

/** Webhooks, their outbound delivery queue, every delivery attempt, and inbound idempotency keys. */
export class Webhooks1764200000000 implements MigrationInterface {
  name = 'Webhooks1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const id = (name: string, nullable = false) => ({ name, type: t.id, length: '36', isNullable: nullable });
    const webhookFk = {
      columnNames: ['webhook_id'],
      referencedTableName: 'webhooks',
      referencedColumnNames: ['id'],
      onDelete: 'CASCADE',
    };
    await queryRunner.createTable(
      new Table({
        name: 'webhooks',
        columns: [
          { ...id('id'), isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'platform', type: 'varchar', length: '20' },
          { name: 'events', type: t.json },
          { name: 'target_url', type: 'varchar', length: '2000', isNullable: true },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'token_hint', type: 'varchar', length: '16' },
          { name: 'secret_sealed', type: 'text' },
          { name: 'enabled', type: 'boolean' },
          { name: 'disabled_reason', type: 'varchar', length: '300', isNullable: true },
          { name: 'rate_limit_per_minute', type: 'integer' },
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
          { name: 'last_used_at', type: t.timestamp, isNullable: true },
        ],
        uniques: [{ columnNames: ['token_hash'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          { ...id('id'), isPrimary: true },
          id('webhook_id'),
          { name: 'event', type: 'varchar', length: '50' },
          { name: 'body', type: 'text' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'attempts', type: 'integer' },
          { name: 'next_attempt_at', type: t.timestamp },
          { name: 'last_status_code', type: 'integer', isNullable: true },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
        ],
        foreignKeys: [webhookFk],
        indices: [{ columnNames: ['status', 'next_attempt_at'] }, { columnNames: ['webhook_id', 'created_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_delivery_attempts',
        columns: [
          { ...id('id'), isPrimary: true },
          id('delivery_id'),
          id('webhook_id'),
          { name: 'attempt', type: 'integer' },
          { name: 'status_code', type: 'integer', isNullable: true },
          { name: 'duration_ms', type: 'integer' },
          { name: 'response_excerpt', type: 'text', isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'created_at', type: t.timestamp },
        ],
        foreignKeys: [
          {
            columnNames: ['delivery_id'],
            referencedTableName: 'webhook_deliveries',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ columnNames: ['delivery_id'] }, { columnNames: ['webhook_id', 'created_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_idempotency_keys',
        columns: [
          { ...id('webhook_id'), isPrimary: true },
          { name: 'key', type: 'varchar', length: '255', isPrimary: true },
          { name: 'request_hash', type: 'varchar', length: '64' },
          id('run_id'),
          id('conversation_id'),
          { name: 'created_at', type: t.timestamp },
        ],
        foreignKeys: [webhookFk],
        indices: [{ columnNames: ['created_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_idempotency_keys');
    await queryRunner.dropTable('webhook_delivery_attempts');
    await queryRunner.dropTable('webhook_deliveries');
    await queryRunner.dropTable('webhooks');
  }
}

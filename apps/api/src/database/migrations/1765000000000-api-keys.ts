import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types.js';

/** API keys for machines, and the Idempotency-Key records of POST /api/runs. */
export class ApiKeys1765000000000 implements MigrationInterface {
  name = 'ApiKeys1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          { name: 'id', type: t.id, length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'token_hint', type: 'varchar', length: '16' },
          { name: 'scope', type: 'varchar', length: '10' },
          { name: 'rate_limit_per_minute', type: 'integer', isNullable: true },
          { name: 'user_id', type: t.id, length: '36' },
          { name: 'created_at', type: t.timestamp },
          { name: 'expires_at', type: t.timestamp, isNullable: true },
          { name: 'last_used_at', type: t.timestamp, isNullable: true },
          { name: 'last_used_ip', type: 'varchar', length: '64', isNullable: true },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ columnNames: ['user_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'run_idempotency_keys',
        columns: [
          // Whose key it is: the API key or the user of the session that sent it.
          { name: 'caller', type: 'varchar', length: '64', isPrimary: true },
          { name: 'key', type: 'varchar', length: '255', isPrimary: true },
          { name: 'request_hash', type: 'varchar', length: '64' },
          { name: 'run_id', type: t.id, length: '36' },
          { name: 'conversation_id', type: t.id, length: '36' },
          { name: 'created_at', type: t.timestamp },
        ],
        indices: [{ columnNames: ['created_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('run_idempotency_keys');
    await queryRunner.dropTable('api_keys');
  }
}

import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types.js';

/** Conversations, runs, their history, tool calls and model calls (usage). */
export class Runs1763900000000 implements MigrationInterface {
  name = 'Runs1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const id = (name: string, nullable = false) => ({ name, type: t.id, length: '36', isNullable: nullable });
    await queryRunner.createTable(
      new Table({
        name: 'conversations',
        columns: [
          { ...id('id'), isPrimary: true },
          id('group_id', true),
          { name: 'origin', type: t.json },
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'runs',
        columns: [
          { ...id('id'), isPrimary: true },
          id('conversation_id'),
          id('group_id', true),
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'origin', type: t.json },
          { name: 'input', type: 'text' },
          { name: 'reply', type: 'text', isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'model', type: 'varchar', length: '100', isNullable: true },
          { name: 'iterations', type: 'integer', default: 0 },
          { name: 'input_tokens', type: 'integer', default: 0 },
          { name: 'output_tokens', type: 'integer', default: 0 },
          { name: 'created_at', type: t.timestamp },
          { name: 'started_at', type: t.timestamp, isNullable: true },
          { name: 'finished_at', type: t.timestamp, isNullable: true },
          { name: 'duration_ms', type: 'integer', isNullable: true },
        ],
        foreignKeys: [
          { columnNames: ['conversation_id'], referencedTableName: 'conversations', referencedColumnNames: ['id'] },
        ],
        indices: [{ columnNames: ['status'] }, { columnNames: ['created_at'] }, { columnNames: ['conversation_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'conversation_messages',
        columns: [
          { ...id('id'), isPrimary: true },
          id('conversation_id'),
          id('run_id'),
          { name: 'seq', type: 'integer' },
          { name: 'role', type: 'varchar', length: '20' },
          { name: 'content', type: t.json },
          { name: 'created_at', type: t.timestamp },
        ],
        foreignKeys: [
          { columnNames: ['conversation_id'], referencedTableName: 'conversations', referencedColumnNames: ['id'] },
        ],
        uniques: [{ columnNames: ['conversation_id', 'seq'] }],
        indices: [{ columnNames: ['run_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'tool_calls',
        columns: [
          { name: 'id', type: 'varchar', length: '100', isPrimary: true },
          id('run_id'),
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'input', type: t.json },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'output', type: 'text', isNullable: true },
          { name: 'is_error', type: 'boolean', default: false },
          { name: 'created_at', type: t.timestamp },
          { name: 'started_at', type: t.timestamp, isNullable: true },
          { name: 'finished_at', type: t.timestamp, isNullable: true },
        ],
        foreignKeys: [
          { columnNames: ['run_id'], referencedTableName: 'runs', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
        indices: [{ columnNames: ['run_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'model_calls',
        columns: [
          { ...id('id'), isPrimary: true },
          id('run_id'),
          id('group_id', true),
          { name: 'channel_type', type: 'varchar', length: '20', isNullable: true },
          { name: 'model', type: 'varchar', length: '100' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'input_tokens', type: 'integer', default: 0 },
          { name: 'output_tokens', type: 'integer', default: 0 },
          { name: 'cache_creation_tokens', type: 'integer', default: 0 },
          { name: 'cache_read_tokens', type: 'integer', default: 0 },
          { name: 'duration_ms', type: 'integer' },
          { name: 'created_at', type: t.timestamp },
        ],
        indices: [
          { columnNames: ['group_id', 'created_at'] },
          { columnNames: ['created_at'] },
          { columnNames: ['run_id'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['model_calls', 'tool_calls', 'conversation_messages', 'runs', 'conversations']) {
      await queryRunner.dropTable(table);
    }
  }
}

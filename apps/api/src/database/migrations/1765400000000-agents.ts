import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types.js';

/**
 * Agent to agent: the agents (one per conversation: a top-level run's, and each sub-agent's) and the
 * A2A messages between them, stored before they are delivered.
 */
export class Agents1765400000000 implements MigrationInterface {
  name = 'Agents1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'agents',
        columns: [
          { name: 'id', type: t.id, length: '36', isPrimary: true },
          { name: 'role', type: 'varchar', length: '64', isNullable: true },
          { name: 'parent_id', type: t.id, length: '36', isNullable: true },
          { name: 'root_id', type: t.id, length: '36' },
          { name: 'conversation_id', type: t.id, length: '36', isUnique: true },
          { name: 'group_id', type: t.id, length: '36', isNullable: true },
          { name: 'depth', type: 'integer' },
          { name: 'parent_run_id', type: t.id, length: '36', isNullable: true },
          { name: 'current_run_id', type: t.id, length: '36', isNullable: true },
          { name: 'created_at', type: t.timestamp },
        ],
        indices: [{ columnNames: ['parent_run_id'] }, { columnNames: ['root_id'] }, { columnNames: ['created_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'a2a_messages',
        columns: [
          { name: 'id', type: t.id, length: '36', isPrimary: true },
          { name: 'conversation_id', type: t.id, length: '36' },
          { name: 'type', type: 'varchar', length: '20' },
          { name: 'from_agent_id', type: t.id, length: '36' },
          { name: 'to_agent_id', type: t.id, length: '36' },
          { name: 'text', type: 'text' },
          { name: 'from_run_id', type: t.id, length: '36', isNullable: true },
          { name: 'run_id', type: t.id, length: '36', isNullable: true },
          // A tool call sends at most one message; a question gets at most one answer.
          { name: 'tool_call_id', type: 'varchar', length: '100', isNullable: true, isUnique: true },
          { name: 'reply_to', type: t.id, length: '36', isNullable: true, isUnique: true },
          { name: 'created_at', type: t.timestamp },
        ],
        indices: [
          { columnNames: ['conversation_id', 'created_at'] },
          { columnNames: ['from_agent_id'] },
          { columnNames: ['to_agent_id'] },
          { columnNames: ['created_at'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('a2a_messages');
    await queryRunner.dropTable('agents');
  }
}

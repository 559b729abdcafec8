import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { columnTypes } from '../column-types.js';

/**
 * Conversations that stay inside the model's window: summaries of compacted history (with the last
 * message seq each covers), the request size behind each answer, a group's own context window, and
 * when a chat's conversation was closed (`/new`) so its next message starts a fresh one.
 */
export class ConversationContext1764950000000 implements MigrationInterface {
  name = 'ConversationContext1764950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'conversation_summaries',
        columns: [
          { name: 'id', type: t.id, length: '36', isPrimary: true },
          { name: 'conversation_id', type: t.id, length: '36' },
          { name: 'run_id', type: t.id, length: '36' },
          { name: 'covers_seq', type: 'integer' },
          { name: 'text', type: 'text' },
          { name: 'summarized_messages', type: 'integer' },
          { name: 'tokens_before', type: 'integer' },
          { name: 'tokens_after', type: 'integer' },
          { name: 'created_at', type: t.timestamp },
        ],
        foreignKeys: [
          { columnNames: ['conversation_id'], referencedTableName: 'conversations', referencedColumnNames: ['id'] },
        ],
        indices: [{ columnNames: ['conversation_id', 'covers_seq'] }, { columnNames: ['run_id'] }],
      }),
    );
    await queryRunner.addColumn(
      'conversation_messages',
      new TableColumn({ name: 'context_tokens', type: 'integer', isNullable: true }),
    );
    await queryRunner.addColumn(
      'agent_groups',
      new TableColumn({ name: 'context_window_tokens', type: 'integer', isNullable: true }),
    );
    await queryRunner.addColumn(
      'conversations',
      new TableColumn({ name: 'closed_at', type: t.timestamp, isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('conversations', 'closed_at');
    await queryRunner.dropColumn('agent_groups', 'context_window_tokens');
    await queryRunner.dropColumn('conversation_messages', 'context_tokens');
    await queryRunner.dropTable('conversation_summaries');
  }
}

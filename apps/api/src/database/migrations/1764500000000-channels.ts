import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types.js';

/**
 * Channels (Telegram today; email and WhatsApp plug in later) and every inbound message, stored
 * before it is acknowledged: the (channel, external id) pair is unique, so a message the platform
 * delivers again is never answered twice. A channel's agent group stays in agent_group_channels.
 */
export class Channels1764500000000 implements MigrationInterface {
  name = 'Channels1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const id = (name: string, nullable = false) => ({ name, type: t.id, length: '36', isNullable: nullable });
    await queryRunner.createTable(
      new Table({
        name: 'channels',
        columns: [
          { ...id('id'), isPrimary: true },
          { name: 'type', type: 'varchar', length: '20' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'config_sealed', type: 'text' },
          { name: 'allowed_senders', type: t.json },
          { name: 'enabled', type: 'boolean' },
          { name: 'state', type: 'varchar', length: '20' },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'channel_messages',
        columns: [
          { ...id('id'), isPrimary: true },
          id('channel_id'),
          { name: 'external_id', type: 'varchar', length: '200' },
          { name: 'chat_id', type: 'varchar', length: '200' },
          { name: 'thread_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'sender', type: 'varchar', length: '200' },
          { name: 'sender_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'text', type: 'text' },
          { name: 'status', type: 'varchar', length: '10' },
          { name: 'reason', type: 'text', isNullable: true },
          id('run_id', true),
          id('conversation_id', true),
          { name: 'reply', type: 'text', isNullable: true },
          { name: 'received_at', type: t.timestamp },
          { name: 'answered_at', type: t.timestamp, isNullable: true },
        ],
        foreignKeys: [
          {
            columnNames: ['channel_id'],
            referencedTableName: 'channels',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        uniques: [{ columnNames: ['channel_id', 'external_id'] }],
        indices: [{ columnNames: ['channel_id', 'chat_id', 'received_at'] }, { columnNames: ['status'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('channel_messages');
    await queryRunner.dropTable('channels');
  }
}

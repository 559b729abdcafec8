import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types.js';

/**
 * What an adapter keeps between restarts, per channel and key, sealed with SecretBox: the email
 * adapter's UID cursor, WhatsApp's paired session and its signal keys. Deleted with the channel.
 */
export class ChannelAdapterState1764700000000 implements MigrationInterface {
  name = 'ChannelAdapterState1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'channel_adapter_state',
        columns: [
          { name: 'channel_id', type: t.id, length: '36', isPrimary: true },
          { name: 'key', type: 'varchar', length: '200', isPrimary: true },
          { name: 'value_sealed', type: 'text' },
          { name: 'updated_at', type: t.timestamp },
        ],
        foreignKeys: [
          {
            columnNames: ['channel_id'],
            referencedTableName: 'channels',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('channel_adapter_state');
  }
}

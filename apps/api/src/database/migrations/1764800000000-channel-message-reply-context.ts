import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * What an adapter needs to reply to a stored message beyond its chat and thread (email: the subject
 * and the References chain), so a reply that a restart interrupted still lands in the right thread.
 */
export class ChannelMessageReplyContext1764800000000 implements MigrationInterface {
  name = 'ChannelMessageReplyContext1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'channel_messages',
      new TableColumn({ name: 'reply_context', type: 'text', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('channel_messages', 'reply_context');
  }
}

import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Approvals decided from a chat: a channel's approvers (sender ids on that channel) and whether it is
 * the approvals chat (its approvers hear of every held call), and the channel a decision came from.
 */
export class ChatApprovals1765600000000 implements MigrationInterface {
  name = 'ChatApprovals1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('channels', [
      new TableColumn({ name: 'approvers', type: 'text', default: "'[]'" }),
      new TableColumn({ name: 'approvals_chat', type: 'boolean', default: false }),
    ]);
    await queryRunner.addColumn(
      'approvals',
      new TableColumn({ name: 'decided_channel_id', type: 'varchar', length: '36', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('approvals', 'decided_channel_id');
    await queryRunner.dropColumn('channels', 'approvals_chat');
    await queryRunner.dropColumn('channels', 'approvers');
  }
}

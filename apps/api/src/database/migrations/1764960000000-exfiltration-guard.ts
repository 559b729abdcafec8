import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnTypes } from '../column-types.js';

/**
 * The exfiltration guard: what made a conversation's context untrusted (null while it holds none), and
 * the hosts a group trusts as destinations besides TOOL_TRUSTED_DESTINATIONS.
 */
export class ExfiltrationGuard1764960000000 implements MigrationInterface {
  name = 'ExfiltrationGuard1764960000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.addColumn(
      'conversations',
      new TableColumn({ name: 'untrusted_source', type: 'varchar', length: '200', isNullable: true }),
    );
    await queryRunner.addColumn(
      'agent_groups',
      new TableColumn({ name: 'trusted_destinations', type: t.json, default: "'[]'" }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('agent_groups', 'trusted_destinations');
    await queryRunner.dropColumn('conversations', 'untrusted_source');
  }
}

import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/** Skills: the version each tool call ran, and the tool revision an approval was given for. */
export class SkillVersions1765100000000 implements MigrationInterface {
  name = 'SkillVersions1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'tool_calls',
      new TableColumn({ name: 'tool_version', type: 'varchar', length: '100', isNullable: true }),
    );
    await queryRunner.addColumn(
      'approvals',
      new TableColumn({ name: 'tool_revision', type: 'varchar', length: '100', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('approvals', 'tool_revision');
    await queryRunner.dropColumn('tool_calls', 'tool_version');
  }
}

import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types.js';

/** The activity feed's events, kept so a reload of the console shows what happened before it. */
export class ActivityEvents1765500000000 implements MigrationInterface {
  name = 'ActivityEvents1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'activity_events',
        columns: [
          { name: 'id', type: t.id, length: '36', isPrimary: true },
          { name: 'event', type: 'varchar', length: '60' },
          { name: 'payload', type: 'text' },
          { name: 'created_at', type: t.timestamp },
        ],
        indices: [{ columnNames: ['created_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('activity_events');
  }
}

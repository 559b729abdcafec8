import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * A job firing whose result went to the outbound webhook queue keeps the delivery's id, so its
 * delivery state follows that delivery (queued → delivered or failed) instead of staying "queued".
 */
export class JobRunDelivery1766200000000 implements MigrationInterface {
  name = 'JobRunDelivery1766200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'scheduler_job_runs',
      new TableColumn({ name: 'delivery_id', type: 'varchar', length: '36', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('scheduler_job_runs', 'delivery_id');
  }
}

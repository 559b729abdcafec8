import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Container mode: whether a run's agent calls ran in a container (`isolated`) and how its last
 * container ended (`container_exit`, a sentence such as "exit code 0" or "killed after CONTAINER_TIMEOUT_MS").
 */
export class RunContainers1765300000000 implements MigrationInterface {
  name = 'RunContainers1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('runs', [
      new TableColumn({ name: 'isolated', type: 'boolean', default: false }),
      new TableColumn({ name: 'container_exit', type: 'text', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('runs', ['isolated', 'container_exit']);
  }
}

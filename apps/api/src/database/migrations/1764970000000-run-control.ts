import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnTypes } from '../column-types.js';

/**
 * Run control: a run waits for something named (`waiting` with `waiting_for`, replacing
 * `awaiting_approval`), and what must happen when it ends is stored with it (`continuation`, carried
 * out once: `continuation_state`). Runs stored as `awaiting_approval` become `waiting` for their
 * pending approval; runs a channel message, job firing or task iteration still waited for get the
 * continuation that now answers it.
 */
export class RunControl1764970000000 implements MigrationInterface {
  name = 'RunControl1764970000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.addColumns('runs', [
      new TableColumn({ name: 'waiting_for', type: t.json, isNullable: true }),
      new TableColumn({ name: 'continuation', type: t.json, isNullable: true }),
      new TableColumn({ name: 'continuation_state', type: 'varchar', length: '20', isNullable: true }),
    ]);
    await queryRunner.createIndex('runs', new TableIndex({ columnNames: ['continuation_state'] }));
    const json = (sql: string) => (t.json === 'jsonb' ? `((${sql}))::jsonb` : `(${sql})`);
    await queryRunner.query(
      `UPDATE runs SET status = 'waiting', waiting_for = ${json(
        `SELECT '{"kind":"approval","approvalId":"' || a.id || '"}' FROM approvals a
          WHERE a.run_id = runs.id AND a.status = 'pending' ORDER BY a.created_at DESC LIMIT 1`,
      )} WHERE status = 'awaiting_approval'`,
    );
    // Runs whose origin was still waiting for them get the continuation that now does that work.
    const origins: [string, string][] = [
      [
        `SELECT '{"kind":"job-output","jobId":"' || o.job_id || '","firingId":"' || o.id || '"}'`,
        `scheduler_job_runs o WHERE o.status = 'running'`,
      ],
      [
        `SELECT '{"kind":"channel-reply","channelId":"' || o.channel_id || '","messageId":"' || o.id || '"}'`,
        `channel_messages o WHERE o.status = 'received'`,
      ],
      [
        `SELECT '{"kind":"task-iteration","taskId":"' || o.task_id || '","iterationId":"' || o.id || '"}'`,
        `task_iterations o WHERE o.status = 'running'`,
      ],
    ];
    for (const [select, from] of origins) {
      await queryRunner.query(
        `UPDATE runs SET continuation_state = 'pending', continuation = ${json(`${select} FROM ${from} AND o.run_id = runs.id LIMIT 1`)}
          WHERE continuation IS NULL AND id IN (SELECT o.run_id FROM ${from})`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE runs SET status = 'awaiting_approval' WHERE status = 'waiting'`);
    await queryRunner.query(`UPDATE runs SET status = 'failed' WHERE status = 'cancelled'`);
    await queryRunner.query(`UPDATE approvals SET status = 'rejected' WHERE status = 'withdrawn'`);
    const index = (await queryRunner.getTable('runs'))?.indices.find((i) =>
      i.columnNames.includes('continuation_state'),
    );
    if (index) await queryRunner.dropIndex('runs', index);
    await queryRunner.dropColumns('runs', ['waiting_for', 'continuation', 'continuation_state']);
  }
}

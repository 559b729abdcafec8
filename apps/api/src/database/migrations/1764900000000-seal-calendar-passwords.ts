import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import type { SecretBox } from '../../crypto/secret-box.js';
import { sealFeedPassword, unsealFeedUrl } from '../../scheduler/calendars/feed-password.js';

interface Row {
  id: string;
  url: string;
  password_sealed?: string | null;
}

/**
 * Calendar feed passwords move out of the URL into their own column, sealed like every other
 * credential. Rows stored before are sealed here, so the migration needs the SecretBox.
 */
export function sealCalendarPasswords(secrets: SecretBox) {
  return class SealCalendarPasswords1764900000000 implements MigrationInterface {
    name = 'SealCalendarPasswords1764900000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.addColumn(
        'scheduler_calendars',
        new TableColumn({ name: 'password_sealed', type: 'text', isNullable: true }),
      );
      const rows: Row[] = await queryRunner.query(`SELECT id, url FROM scheduler_calendars`);
      for (const row of rows) {
        const sealed = sealFeedPassword(row.url, secrets);
        if (!sealed.passwordSealed) continue;
        await update(queryRunner, row.id, sealed.url, sealed.passwordSealed);
      }
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      const rows: Row[] = await queryRunner.query(
        `SELECT id, url, password_sealed FROM scheduler_calendars WHERE password_sealed IS NOT NULL`,
      );
      for (const row of rows) {
        const url = unsealFeedUrl({ url: row.url, passwordSealed: row.password_sealed ?? null }, secrets);
        await update(queryRunner, row.id, url, null);
      }
      await queryRunner.dropColumn('scheduler_calendars', 'password_sealed');
    }
  };
}

async function update(queryRunner: QueryRunner, id: string, url: string, passwordSealed: string | null) {
  const postgres = queryRunner.connection.driver.options.type === 'postgres';
  const [p1, p2, p3] = postgres ? ['$1', '$2', '$3'] : ['?', '?', '?'];
  await queryRunner.query(`UPDATE scheduler_calendars SET url = ${p1}, password_sealed = ${p2} WHERE id = ${p3}`, [
    url,
    passwordSealed,
    id,
  ]);
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../../database/json-column.js';

/**
 * A revision of a custom skill that loaded (manifest + handler, keyed by `SkillTool.revision`): a run
 * that pinned it keeps running this code after the files change, also after a restart.
 */
@Entity('skill_revisions')
export class SkillRevision {
  @PrimaryColumn({ type: 'varchar', length: 64 }) revision!: string;
  @Column({ name: 'skill_name', type: 'varchar', length: 64 }) skillName!: string;
  @Column({ type: 'varchar', length: 100 }) version!: string;
  @Column({ type: 'text', transformer: jsonColumn<Record<string, unknown>>({}) }) manifest!: Record<string, unknown>;
  @Column({ type: 'text' }) handler!: string;
  @Column({ name: 'created_at' }) createdAt!: Date;
}

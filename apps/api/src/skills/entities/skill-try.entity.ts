import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../../database/json-column.js';

/** One "Try it" run of a custom skill from the console or API: what went in, what came out, who ran it. */
@Entity('skill_tries')
export class SkillTry {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'skill_name', type: 'varchar', length: 64 }) skillName!: string;
  @Column({ type: 'varchar', length: 100 }) version!: string;
  @Column({ type: 'text', transformer: jsonColumn<Record<string, unknown>>({}) }) input!: Record<string, unknown>;
  /** The result as the model would read it (JSON), or the error. */
  @Column({ type: 'text' }) content!: string;
  @Column({ name: 'is_error', type: 'boolean' }) isError!: boolean;
  @Column({ name: 'duration_ms', type: 'integer' }) durationMs!: number;
  @Column({ name: 'tried_by', type: 'varchar', length: 100 }) triedBy!: string;
  @Column({ name: 'created_at' }) createdAt!: Date;
}

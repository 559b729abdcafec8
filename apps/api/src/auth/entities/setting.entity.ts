import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Small key/value settings. The `setup.completed` row makes the one-time set-up race-free. */
@Entity('settings')
export class Setting {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ name: 'updated_at' })
  updatedAt!: Date;
}

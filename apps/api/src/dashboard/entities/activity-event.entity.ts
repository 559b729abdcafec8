import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A catalog event as it was emitted, kept (bounded) so the console's activity feed survives a reload. */
@Entity('activity_events')
export class ActivityEvent {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 60 }) event!: string;
  /** The payload as JSON. */
  @Column({ type: 'text' }) payload!: string;
  @Column({ name: 'created_at' }) createdAt!: Date;
}

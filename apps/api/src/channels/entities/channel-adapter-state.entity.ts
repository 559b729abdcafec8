import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One value an adapter keeps between restarts (a mail cursor, a WhatsApp session key), sealed. */
@Entity('channel_adapter_state')
export class ChannelAdapterStateEntry {
  @PrimaryColumn({ name: 'channel_id', type: 'varchar', length: 36 }) channelId!: string;
  @PrimaryColumn({ type: 'varchar', length: 200 }) key!: string;
  @Column({ name: 'value_sealed', type: 'text' }) valueSealed!: string;
  @Column({ name: 'updated_at' }) updatedAt!: Date;
}

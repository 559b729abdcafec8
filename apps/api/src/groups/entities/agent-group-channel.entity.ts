import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which group answers a channel; a channel without a row is served by the default group. */
@Entity('agent_group_channels')
export class AgentGroupChannel {
  @PrimaryColumn({ name: 'channel_id', type: 'varchar', length: 36 })
  channelId!: string;

  @Column({ name: 'group_id', type: 'varchar', length: 36 })
  groupId!: string;

  @Column({ name: 'assigned_at' })
  assignedAt!: Date;
}

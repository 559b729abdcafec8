import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Not } from 'typeorm';
import { SqliteTable } from '../database/sqlite-table.js';
import { Transactions } from '../database/transactions.js';
import { AgentGroupChannel } from './entities/agent-group-channel.entity.js';
import { AgentGroup } from './entities/agent-group.entity.js';

export interface AgentGroupWithChannels {
  group: AgentGroup;
  channelIds: string[];
}

/** All SQL for agent groups and their channel assignments. */
@Injectable()
export class GroupsRepository {
  private tables?: { groups: SqliteTable<AgentGroup>; assignments: SqliteTable<AgentGroupChannel> } | null;
  /**
   * SQLite: the default group, kept between runs (every run without a group or channel asks for it),
   * forgotten when a group is saved or deleted. Not on PostgreSQL, where another instance may change it.
   */
  private defaultGroup?: AgentGroup | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  /** Prepared statements on SQLite for the look-ups every run makes (its group); null on PostgreSQL. */
  private get sqlite() {
    if (this.tables === undefined) {
      const groups = SqliteTable.of(this.dataSource, AgentGroup);
      this.tables = groups && { groups, assignments: SqliteTable.of(this.dataSource, AgentGroupChannel)! };
    }
    return this.tables;
  }

  async list(): Promise<AgentGroupWithChannels[]> {
    const [groups, assignments] = await Promise.all([
      this.dataSource.getRepository(AgentGroup).find({ order: { createdAt: 'ASC' } }),
      this.dataSource.getRepository(AgentGroupChannel).find({ order: { assignedAt: 'ASC' } }),
    ]);
    return groups.map((group) => ({
      group,
      channelIds: assignments.filter((a) => a.groupId === group.id).map((a) => a.channelId),
    }));
  }

  async findWithChannels(id: string): Promise<AgentGroupWithChannels | null> {
    const group = await this.findById(id);
    if (!group) return null;
    const assignments = await this.dataSource.getRepository(AgentGroupChannel).find({ where: { groupId: id } });
    return { group, channelIds: assignments.map((a) => a.channelId) };
  }

  async findById(id: string): Promise<AgentGroup | null> {
    const sqlite = this.sqlite;
    if (sqlite) return sqlite.groups.one('"id" = ?', [id]);
    return this.dataSource.getRepository(AgentGroup).findOneBy({ id });
  }

  findByName(name: string): Promise<AgentGroup | null> {
    return this.dataSource.getRepository(AgentGroup).findOneBy({ name });
  }

  async findDefault(): Promise<AgentGroup | null> {
    const sqlite = this.sqlite;
    if (sqlite) {
      if (this.defaultGroup === undefined) this.defaultGroup = sqlite.groups.one('"is_default" = 1 LIMIT 1', []);
      // A copy: what a caller changes of it is not the kept one.
      return this.defaultGroup && { ...this.defaultGroup };
    }
    return this.dataSource.getRepository(AgentGroup).findOneBy({ isDefault: true });
  }

  /** The group assigned to a channel, else the default group. */
  async findForChannel(channelId: string | null): Promise<AgentGroup | null> {
    if (channelId) {
      const sqlite = this.sqlite;
      const assignment = sqlite
        ? sqlite.assignments.one('"channel_id" = ?', [channelId])
        : await this.dataSource.getRepository(AgentGroupChannel).findOneBy({ channelId });
      if (assignment) return this.findById(assignment.groupId);
    }
    return this.findDefault();
  }

  /** Saves a group; when it is the default, the previous default stops being one, atomically. */
  async save(group: AgentGroup): Promise<void> {
    await this.changingGroups(async (manager) => {
      if (group.isDefault) await this.clearOtherDefaults(manager, group.id);
      await manager.getRepository(AgentGroup).save(group);
    });
  }

  async delete(id: string): Promise<void> {
    await this.changingGroups(async (manager) => {
      await manager.getRepository(AgentGroupChannel).delete({ groupId: id });
      await manager.getRepository(AgentGroup).delete({ id });
    });
  }

  /** A change of groups in one transaction; the kept default group is forgotten once it is over (done or undone). */
  private async changingGroups(work: (manager: EntityManager) => Promise<void>): Promise<void> {
    try {
      await this.transactions.run(work);
    } finally {
      this.defaultGroup = undefined;
    }
  }

  /** Points a channel at a group, moving it from any group it had. */
  async assign(channelId: string, groupId: string, at: Date): Promise<void> {
    await this.transactions.run(async (manager) => {
      await manager.getRepository(AgentGroupChannel).delete({ channelId });
      await manager.getRepository(AgentGroupChannel).insert({ channelId, groupId, assignedAt: at });
    });
  }

  /** Returns false when the channel was not assigned to this group. */
  async unassign(channelId: string, groupId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(AgentGroupChannel).delete({ channelId, groupId });
    return (result.affected ?? 0) > 0;
  }

  async groupIdOfChannel(channelId: string): Promise<string | null> {
    const assignment = await this.dataSource.getRepository(AgentGroupChannel).findOneBy({ channelId });
    return assignment?.groupId ?? null;
  }

  /** Removes a channel's assignment, whichever group it had. */
  async unassignChannel(channelId: string): Promise<void> {
    await this.dataSource.getRepository(AgentGroupChannel).delete({ channelId });
  }

  private async clearOtherDefaults(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(AgentGroup).update({ isDefault: true, id: Not(id) }, { isDefault: false });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Like } from 'typeorm';
import { Setting } from '../auth/entities/setting.entity.js';

const ENABLED_PREFIX = 'tools.enabled.';
/** Agent Skills (SKILL.md folders) keep their choice apart: a folder may share a name with nothing else, but its row outlives it. */
export const AGENT_SKILL_PREFIX = 'agent-skills.enabled.';

/**
 * The operator's enabled/disabled choice per tool, as `tools.enabled.<name>` rows in the settings table
 * (`agent-skills.enabled.<name>` for Agent Skills).
 */
@Injectable()
export class ToolsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async enabledStates(prefix = ENABLED_PREFIX): Promise<Map<string, boolean>> {
    const rows = await this.dataSource.getRepository(Setting).findBy({ key: Like(`${prefix}%`) });
    return new Map(rows.map((row) => [row.key.slice(prefix.length), row.value === 'true']));
  }

  async saveEnabled(name: string, enabled: boolean, at: Date, prefix = ENABLED_PREFIX): Promise<void> {
    await this.dataSource
      .getRepository(Setting)
      .save({ key: `${prefix}${name}`, value: String(enabled), updatedAt: at });
  }

  /** Forgets the choice (a deleted Agent Skill: one installed later under its name starts enabled). */
  async forgetEnabled(name: string, prefix = ENABLED_PREFIX): Promise<void> {
    await this.dataSource.getRepository(Setting).delete({ key: `${prefix}${name}` });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Like } from 'typeorm';
import { Setting } from '../auth/entities/setting.entity.js';

const ENABLED_PREFIX = 'tools.enabled.';

/** The operator's enabled/disabled choice per tool, as `tools.enabled.<name>` rows in the settings table. */
@Injectable()
export class ToolsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async enabledStates(): Promise<Map<string, boolean>> {
    const rows = await this.dataSource.getRepository(Setting).findBy({ key: Like(`${ENABLED_PREFIX}%`) });
    return new Map(rows.map((row) => [row.key.slice(ENABLED_PREFIX.length), row.value === 'true']));
  }

  async saveEnabled(name: string, enabled: boolean, at: Date): Promise<void> {
    await this.dataSource
      .getRepository(Setting)
      .save({ key: `${ENABLED_PREFIX}${name}`, value: String(enabled), updatedAt: at });
  }
}

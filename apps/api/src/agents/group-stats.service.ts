import { Injectable, NotFoundException } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { GroupsService } from '../groups/groups.service.js';
import { windowStarts } from '../usage/time-windows.js';
import { UsageService } from '../usage/usage.service.js';
import type { BudgetUseDto, GroupStatsResponseDto } from './dto/group-stats.dto.js';
import { RunsRepository } from './runs.repository.js';

@Injectable()
export class GroupStatsService {
  constructor(
    private readonly groups: GroupsService,
    private readonly runs: RunsRepository,
    private readonly usage: UsageService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async forGroup(id: string): Promise<GroupStatsResponseDto> {
    const group = await this.groups.findById(id);
    if (!group) throw new NotFoundException(`Agent group ${id} not found`);
    const { dayStart, monthStart } = windowStarts(this.clock.now(), this.config.timezone);
    const [runs, tokens, costMonthUsd] = await Promise.all([
      this.runs.groupRunCounts(id, dayStart),
      this.usage.groupUsage(id),
      this.usage.groupCostSince(id, monthStart),
    ]);
    return {
      groupId: id,
      runs,
      tokens,
      costMonthUsd,
      budget: {
        day: budgetUse(group.budgetMaxTokensDay, tokens.today),
        month: budgetUse(group.budgetMaxTokensMonth, tokens.month),
      },
    };
  }
}

function budgetUse(limit: number | null, used: number): BudgetUseDto {
  return { limit, used, remaining: limit === null ? null : Math.max(0, limit - used) };
}

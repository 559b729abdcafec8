import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { DataSource, LessThan } from 'typeorm';
import { SkillTry } from './entities/skill-try.entity.js';

/** How many tries are kept per skill: the oldest beyond go. */
export const KEPT_TRIES_PER_SKILL = 50;

/** All SQL for "Try it" records. */
@Injectable()
export class SkillTriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get tries() {
    return this.dataSource.getRepository(SkillTry);
  }

  /** Stores a try and drops the skill's tries beyond the last KEPT_TRIES_PER_SKILL. */
  async insert(record: SkillTry): Promise<void> {
    await this.tries.insert(record as QueryDeepPartialEntity<SkillTry>);
    const [oldestKept] = await this.tries.find({
      select: { createdAt: true },
      where: { skillName: record.skillName },
      order: { createdAt: 'DESC' },
      skip: KEPT_TRIES_PER_SKILL - 1,
      take: 1,
    });
    if (oldestKept) await this.tries.delete({ skillName: record.skillName, createdAt: LessThan(oldestKept.createdAt) });
  }

  /** A skill's tries, newest first. */
  list(skillName: string): Promise<SkillTry[]> {
    return this.tries.find({ where: { skillName }, order: { createdAt: 'DESC' }, take: KEPT_TRIES_PER_SKILL });
  }
}

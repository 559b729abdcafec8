import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { DataSource } from 'typeorm';
import { SkillRevision } from './entities/skill-revision.entity.js';

/** All SQL for the stored revisions of custom skills. */
@Injectable()
export class SkillRevisionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get revisions() {
    return this.dataSource.getRepository(SkillRevision);
  }

  /** Stores a revision once (the same code loaded again is already there). */
  async save(revision: SkillRevision): Promise<void> {
    await this.revisions
      .createQueryBuilder()
      .insert()
      .values(revision as QueryDeepPartialEntity<SkillRevision>)
      .orIgnore()
      .execute();
  }

  find(skillName: string, revision: string): Promise<SkillRevision | null> {
    return this.revisions.findOneBy({ skillName, revision });
  }
}

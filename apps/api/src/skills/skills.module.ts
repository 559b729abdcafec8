import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { SkillRevision } from './entities/skill-revision.entity.js';
import { SkillTry } from './entities/skill-try.entity.js';
import { SkillSandbox } from './sandbox/skill-sandbox.js';
import { SkillRevisionsRepository } from './skill-revisions.repository.js';
import { SkillStore } from './skill-store.js';
import { SkillTriesRepository } from './skill-tries.repository.js';
import { SkillsController } from './skills.controller.js';
import { SkillsService } from './skills.service.js';

/** Custom skills (files in DATA_DIR/skills, run in the sandbox) and the skills API over every tool. */
@Module({
  imports: [TypeOrmModule.forFeature([SkillTry, SkillRevision])],
  controllers: [SkillsController],
  providers: [
    SkillsService,
    SkillTriesRepository,
    SkillRevisionsRepository,
    {
      provide: SkillStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SkillStore(join(config.dataDir, 'skills')),
    },
    {
      provide: SkillSandbox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SkillSandbox(config.skillWorkers),
    },
  ],
  exports: [SkillsService],
})
export class SkillsModule {}

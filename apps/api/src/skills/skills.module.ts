import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { SkillRevision } from './entities/skill-revision.entity.js';
import { SkillTry } from './entities/skill-try.entity.js';
import { ContainerPool } from '../containers/container-pool.js';
import { ContainerSkillRunner } from '../containers/container-skill-runner.js';
import { SKILL_CALL_RUNNER, SkillSandbox } from './sandbox/skill-sandbox.js';
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
    // Where skill calls run: in the calling run's container in container mode, else in the sandbox.
    // Install-time checks of a handler stay in the sandbox (operator's code, not an agent's choice).
    {
      provide: SKILL_CALL_RUNNER,
      inject: [AppConfig, ContainerPool, SkillSandbox],
      useFactory: (config: AppConfig, pool: ContainerPool, sandbox: SkillSandbox) =>
        config.container.enabled ? new ContainerSkillRunner(pool) : sandbox,
    },
  ],
  exports: [SkillsService],
})
export class SkillsModule {}

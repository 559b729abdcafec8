import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { SkillSandbox } from './sandbox/skill-sandbox.js';
import { SkillStore } from './skill-store.js';
import { SkillsController } from './skills.controller.js';
import { SkillsService } from './skills.service.js';

/** Custom skills (files in DATA_DIR/skills, run in the sandbox) and the skills API over every tool. */
@Module({
  controllers: [SkillsController],
  providers: [
    SkillsService,
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

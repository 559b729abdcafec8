import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { AgentSkillStore } from './agent-skill-store.js';
import { AgentSkillsController } from './agent-skills.controller.js';
import { AgentSkillsService } from './agent-skills.service.js';

/** Agent Skills (SKILL.md folders in DATA_DIR/agent-skills), `load_skill` and `read_skill_file`. */
@Module({
  controllers: [AgentSkillsController],
  providers: [
    AgentSkillsService,
    {
      provide: AgentSkillStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new AgentSkillStore(join(config.dataDir, 'agent-skills')),
    },
  ],
  exports: [AgentSkillsService],
})
export class AgentSkillsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelDirectory } from './channel-directory.js';
import { AgentGroupChannel } from './entities/agent-group-channel.entity.js';
import { AgentGroup } from './entities/agent-group.entity.js';
import { GroupsController } from './groups.controller.js';
import { GroupsRepository } from './groups.repository.js';
import { GroupsService } from './groups.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AgentGroup, AgentGroupChannel])],
  controllers: [GroupsController],
  providers: [GroupsService, GroupsRepository, ChannelDirectory],
  exports: [GroupsService, ChannelDirectory],
})
export class GroupsModule {}

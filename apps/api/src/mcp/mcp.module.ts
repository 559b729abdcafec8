import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { McpServer } from './entities/mcp-server.entity.js';
import { McpServersController } from './mcp-servers.controller.js';
import { McpServersRepository } from './mcp-servers.repository.js';
import { McpServersService } from './mcp-servers.service.js';

/** MCP servers as tool providers (stdio child processes or Streamable HTTP), their tools in the registry. */
@Module({
  imports: [TypeOrmModule.forFeature([McpServer])],
  controllers: [McpServersController],
  providers: [McpServersService, McpServersRepository],
})
export class McpModule {}

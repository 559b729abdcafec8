import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { McpServer } from './entities/mcp-server.entity.js';

/** All SQL for MCP servers. */
@Injectable()
export class McpServersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(): Promise<McpServer[]> {
    return this.dataSource.getRepository(McpServer).find({ order: { name: 'ASC' } });
  }

  findById(id: string): Promise<McpServer | null> {
    return this.dataSource.getRepository(McpServer).findOneBy({ id });
  }

  findByName(name: string): Promise<McpServer | null> {
    return this.dataSource.getRepository(McpServer).findOneBy({ name });
  }

  async save(server: McpServer): Promise<void> {
    await this.dataSource.getRepository(McpServer).save(server);
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.getRepository(McpServer).delete({ id });
  }
}

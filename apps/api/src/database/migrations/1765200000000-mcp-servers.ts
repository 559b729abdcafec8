import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types.js';

/** MCP servers the gateway connects to as tool providers; env and headers sealed (they hold secrets). */
export class McpServers1765200000000 implements MigrationInterface {
  name = 'McpServers1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'mcp_servers',
        columns: [
          { name: 'id', type: t.id, length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '40', isUnique: true },
          { name: 'transport', type: 'varchar', length: '10' },
          { name: 'command', type: 'varchar', length: '1000', isNullable: true },
          { name: 'args', type: t.json },
          { name: 'env_sealed', type: 'text', isNullable: true },
          { name: 'url', type: 'varchar', length: '2000', isNullable: true },
          { name: 'headers_sealed', type: 'text', isNullable: true },
          { name: 'enabled', type: 'boolean' },
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('mcp_servers');
  }
}

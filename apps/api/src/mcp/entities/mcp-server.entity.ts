import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../../database/json-column.js';

export type McpTransport = 'stdio' | 'http';

@Entity('mcp_servers')
export class McpServer {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The prefix of its tools' names (`<name>__<tool>`). */
  @Column({ type: 'varchar', length: 40, unique: true })
  name!: string;

  @Column({ type: 'varchar', length: 10 })
  transport!: McpTransport;

  /** stdio: the program to start. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  command!: string | null;

  @Column({ type: 'text', transformer: jsonColumn<string[]>([]) })
  args!: string[];

  /** stdio: the whole environment of the process, a JSON object sealed with SecretBox (it holds secrets). */
  @Column({ name: 'env_sealed', type: 'text', nullable: true })
  envSealed!: string | null;

  /** http: the Streamable HTTP endpoint. */
  @Column({ type: 'varchar', length: 2000, nullable: true })
  url!: string | null;

  /** http: headers sent with every request (Authorization…), a JSON object sealed with SecretBox. */
  @Column({ name: 'headers_sealed', type: 'text', nullable: true })
  headersSealed!: string | null;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'updated_at' })
  updatedAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ChannelType } from '@loop-gateway/contracts';
import { jsonColumn } from '../../database/json-column.js';

export type ChannelStyles = Partial<Record<ChannelType, string>>;

@Entity('agent_groups')
export class AgentGroup {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  name!: string;

  /** null: the default from prompts/system-prompt.md. */
  @Column({ name: 'system_prompt', type: 'text', nullable: true })
  systemPrompt!: string | null;

  /** null: DEFAULT_MODEL. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  model!: string | null;

  /** null: the model's known window, else CONTEXT_WINDOW_TOKENS. */
  @Column({ name: 'context_window_tokens', type: 'integer', nullable: true })
  contextWindowTokens!: number | null;

  /** The group's own Anthropic key, sealed with SecretBox; never leaves the service in the clear. */
  @Column({ name: 'api_key_sealed', type: 'text', nullable: true })
  apiKeySealed!: string | null;

  @Column({ type: 'text', transformer: jsonColumn<string[]>([]) })
  skills!: string[];

  @Column({ name: 'channel_styles', type: 'text', transformer: jsonColumn<ChannelStyles>({}) })
  channelStyles!: ChannelStyles;

  /** Hosts (host, host:port, *.domain) tools may send to without approval after untrusted input, besides TOOL_TRUSTED_DESTINATIONS. */
  @Column({ name: 'trusted_destinations', type: 'text', transformer: jsonColumn<string[]>([]) })
  trustedDestinations!: string[];

  @Column({ name: 'budget_max_tokens_day', type: 'integer', nullable: true })
  budgetMaxTokensDay!: number | null;

  @Column({ name: 'budget_max_tokens_month', type: 'integer', nullable: true })
  budgetMaxTokensMonth!: number | null;

  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault!: boolean;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'updated_at' })
  updatedAt!: Date;
}

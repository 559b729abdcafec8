import { ApiProperty } from '@nestjs/swagger';
import { CONFIG_SCHEMA, type ConfigVariable } from '../../config/config.schema.js';

export class SettingEntryDto {
  @ApiProperty({ enum: Object.keys(CONFIG_SCHEMA), example: 'PORT' })
  name!: ConfigVariable;

  @ApiProperty({ description: 'What the variable does (as in .env.example)' })
  description!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The value in effect (its default when not set); null for a secret. Passwords in URLs read ***.',
  })
  value!: string | null;

  @ApiProperty({ enum: ['environment', 'default'], description: 'Set in the environment (or .env), or the default' })
  source!: 'environment' | 'default';

  @ApiProperty({ description: 'A secret: only whether it is set is shown' })
  secret!: boolean;

  @ApiProperty({ description: 'Whether it has a non-empty value' })
  set!: boolean;
}

export class ContainerModeSettingsDto {
  @ApiProperty({ description: 'AGENT_CONTAINER_MODE' })
  enabled!: boolean;

  @ApiProperty({
    enum: ['off', 'ready', 'unavailable'],
    description: 'off, ready, or unavailable (engine unreachable or image missing: `problem` says which)',
  })
  state!: 'off' | 'ready' | 'unavailable';

  @ApiProperty({ type: String, nullable: true, description: 'What is wrong, in a sentence' })
  problem!: string | null;

  @ApiProperty({ example: 'loop-gateway-agent:latest' })
  image!: string;

  @ApiProperty({ example: 'unix:///var/run/docker.sock' })
  dockerHost!: string;
}

export class SettingsResponseDto {
  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ enum: ['sqlite', 'postgres'] })
  database!: 'sqlite' | 'postgres';

  @ApiProperty({ description: 'The data folder (DATA_DIR, resolved)', example: '/var/lib/loop-gateway' })
  dataDir!: string;

  @ApiProperty({ type: ContainerModeSettingsDto })
  containerMode!: ContainerModeSettingsDto;

  @ApiProperty({ type: [SettingEntryDto], description: 'Every documented environment variable, in .env.example order' })
  variables!: SettingEntryDto[];
}

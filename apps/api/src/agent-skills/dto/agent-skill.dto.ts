import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsObject, IsString, MaxLength } from 'class-validator';
import { Optional } from '../../common/validation.js';

/** One file of an upload as JSON. */
export class AgentSkillFileDto {
  @ApiProperty({ example: 'SKILL.md', description: "Path inside the skill's folder, '/'-separated (no '..')" })
  path!: string;

  @ApiProperty({ description: 'The file content: text, or base64 when `encoding` is "base64"' })
  content!: string;

  @ApiPropertyOptional({ enum: ['utf8', 'base64'], default: 'utf8' })
  encoding?: 'utf8' | 'base64';
}

/**
 * An Agent Skill upload: either `archive` (a zip, base64) or `files` (each with its path), never both.
 * The name is the one in SKILL.md's front matter.
 */
export class AgentSkillUploadDto {
  @ApiPropertyOptional({
    description:
      'A zip of the skill folder, base64-encoded: SKILL.md at its root, or inside one top-level folder (which is dropped)',
    format: 'byte',
  })
  @Optional()
  @IsString()
  @MaxLength(1024 * 1024)
  archive?: string;

  @ApiPropertyOptional({ type: [AgentSkillFileDto], description: 'The files, one of them SKILL.md' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsObject({ each: true, message: 'files must be a list of {path, content, encoding?} objects' })
  files?: AgentSkillFileDto[];

  @ApiPropertyOptional({ default: true, description: 'Whether the skill is offered to the model once installed' })
  @Optional()
  @IsBoolean()
  enabled?: boolean;
}

export class AgentSkillToggleDto {
  @ApiPropertyOptional({ description: 'The new state; left out: the opposite of the current one' })
  @Optional()
  @IsBoolean()
  enabled?: boolean;
}

export class AgentSkillFileInfoDto {
  @ApiProperty({ example: 'reference/forms.md' }) path!: string;
  @ApiProperty() size!: number;
}

export class AgentSkillResponseDto {
  @ApiProperty({ example: 'pdf-forms', description: 'The folder name (and, when valid, the SKILL.md name)' })
  name!: string;
  @ApiProperty({ description: 'From SKILL.md; empty when it could not be read' }) description!: string;
  @ApiProperty({ description: 'Offered to the model (listed in the system prompt) when enabled and valid' })
  enabled!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Why the folder is not a valid Agent Skill' })
  error!: string | null;
  @ApiProperty({ type: String, nullable: true }) license!: string | null;
  @ApiProperty({ type: String, nullable: true }) compatibility!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) metadata!: Record<string, string>;
  @ApiProperty({ type: [String], description: '`allowed-tools` from SKILL.md (shown; approvals still apply)' })
  allowedTools!: string[];
  @ApiProperty({ type: [AgentSkillFileInfoDto], description: 'Every file of the folder, SKILL.md included' })
  files!: AgentSkillFileInfoDto[];
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) updatedAt!: string | null;
}

export class AgentSkillDetailDto extends AgentSkillResponseDto {
  @ApiProperty({ type: String, nullable: true, description: 'The instructions (SKILL.md after the front matter)' })
  body!: string | null;
}

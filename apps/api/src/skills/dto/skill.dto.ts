import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { NestedObject, Optional } from '../../common/validation.js';
import { IsHostEntries } from '../../groups/dto/host-entries.validator.js';
import type { RiskLevel } from '../../tools/tool.js';

export const SKILL_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
/** Semantic version: 1.2.3, with an optional pre-release (1.2.3-beta.1) and build (+abc). */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
export const MAX_HANDLER_CHARS = 256 * 1024;
export const MIN_TIMEOUT_MS = 100;
export const MAX_TIMEOUT_MS = 60_000;

/** Why a value is not a JSON Schema for a tool's input (an object schema), or null when it is one. */
export function inputSchemaProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON Schema object';
  const schema = value as Record<string, unknown>;
  if (schema.type !== 'object') return 'must be a JSON Schema of type object (the input is an object)';
  const properties = schema.properties;
  if (properties !== undefined) {
    if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
      return 'properties must be an object of property schemas';
    }
    for (const [name, property] of Object.entries(properties)) {
      if (typeof property !== 'object' || property === null || Array.isArray(property)) {
        return `properties.${name} must be a schema object`;
      }
    }
  }
  const required = schema.required;
  if (required !== undefined && (!Array.isArray(required) || !required.every((entry) => typeof entry === 'string'))) {
    return 'required must be a list of property names';
  }
  if (JSON.stringify(schema).length > 50_000) return 'must be at most 50,000 characters of JSON';
  return null;
}

function IsInputSchema(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isInputSchema',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => inputSchemaProblem(value) === null,
        defaultMessage: (args: ValidationArguments) => `${args.property} ${inputSchemaProblem(args.value) ?? ''}`,
      },
    });
}

export class SkillPermissionsDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['api.example.com'],
    description:
      'Hosts the skill may fetch (host, host:port, host:* or *.domain), through the same address guard as http_request',
  })
  @Optional()
  @ArrayMaxSize(50)
  @IsHostEntries()
  fetch?: string[];
}

/** What a skill is: skill.json on disk, and the `manifest` of an install or update. */
export class SkillManifestDto {
  @ApiProperty({ example: 'my-tool', pattern: SKILL_NAME.source })
  @Matches(SKILL_NAME, {
    message: 'name must start with a lowercase letter and use only a-z, 0-9, _ and - (at most 64 characters)',
  })
  name!: string;

  @ApiProperty({ example: 'Does something useful', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  description!: string;

  @ApiProperty({ example: '1.0.0', description: 'Semantic version (1.2.3)' })
  @Matches(SEMVER, { message: 'version must be a semantic version such as 1.0.0' })
  version!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { type: 'object', properties: { query: { type: 'string' } } },
    description: 'JSON Schema of the input the model sends ("type": "object")',
  })
  @IsInputSchema()
  inputSchema!: Record<string, unknown>;

  @ApiPropertyOptional({
    enum: ['low', 'medium', 'high'],
    default: 'medium',
    description: 'high: every call needs a human’s approval by default',
  })
  @Optional()
  @IsIn(['low', 'medium', 'high'], { message: 'riskLevel must be one of low, medium, high' })
  riskLevel?: RiskLevel;

  @ApiPropertyOptional({ default: 5000, minimum: MIN_TIMEOUT_MS, maximum: MAX_TIMEOUT_MS })
  @Optional()
  @IsInt()
  @Min(MIN_TIMEOUT_MS)
  @Max(MAX_TIMEOUT_MS)
  timeoutMs?: number;

  @ApiPropertyOptional({ type: SkillPermissionsDto, description: 'Capabilities the skill gets; none by default' })
  @Optional()
  @NestedObject(() => SkillPermissionsDto)
  permissions?: SkillPermissionsDto;
}

export class SkillCreateDto {
  @ApiProperty({ type: SkillManifestDto })
  @NestedObject(() => SkillManifestDto)
  manifest!: SkillManifestDto;

  @ApiProperty({
    example: 'module.exports = async ({ query }) => ({ result: query.toUpperCase() });',
    description: 'CommonJS source exporting the handler: module.exports = async (input) => result (any JSON)',
    maxLength: MAX_HANDLER_CHARS,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_HANDLER_CHARS)
  handler!: string;
}

/** A new version: manifest fields to change (the name stays) and/or a new handler. */
export class SkillManifestUpdateDto {
  @ApiPropertyOptional({ example: 'Does something useful', maxLength: 2000 })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: '1.1.0' })
  @Optional()
  @Matches(SEMVER, { message: 'version must be a semantic version such as 1.0.0' })
  version?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @Optional()
  @IsInputSchema()
  inputSchema?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: ['low', 'medium', 'high'] })
  @Optional()
  @IsIn(['low', 'medium', 'high'], { message: 'riskLevel must be one of low, medium, high' })
  riskLevel?: RiskLevel;

  @ApiPropertyOptional({ minimum: MIN_TIMEOUT_MS, maximum: MAX_TIMEOUT_MS })
  @Optional()
  @IsInt()
  @Min(MIN_TIMEOUT_MS)
  @Max(MAX_TIMEOUT_MS)
  timeoutMs?: number;

  @ApiPropertyOptional({ type: SkillPermissionsDto })
  @Optional()
  @NestedObject(() => SkillPermissionsDto)
  permissions?: SkillPermissionsDto;
}

export class SkillUpdateDto {
  @ApiPropertyOptional({ type: SkillManifestUpdateDto })
  @Optional()
  @NestedObject(() => SkillManifestUpdateDto)
  manifest?: SkillManifestUpdateDto;

  @ApiPropertyOptional({ maxLength: MAX_HANDLER_CHARS })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_HANDLER_CHARS)
  handler?: string;
}

export class SkillToggleDto {
  @ApiPropertyOptional({ description: 'The state to set; left out: the opposite of the current one' })
  @Optional()
  @IsBoolean()
  enabled?: boolean;
}

export class SkillTryDto {
  @ApiProperty({ type: 'object', additionalProperties: true, example: { query: 'hello' } })
  @IsInputObject()
  input!: Record<string, unknown>;
}

function IsInputObject(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isInputObject',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value),
        defaultMessage: (args: ValidationArguments) => `${args.property} must be a JSON object`,
      },
    });
}

export class SkillPermissionsResponseDto {
  @ApiProperty({ type: [String] }) fetch!: string[];
}

export class SkillResponseDto {
  @ApiProperty({ example: 'my-tool' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ example: '1.0.0', description: 'Built-in tools carry the gateway’s version' }) version!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) inputSchema!: Record<string, unknown>;
  @ApiProperty({
    enum: ['builtin', 'custom', 'mcp'],
    description: 'Built in, a custom skill, or a tool of an MCP server',
  })
  source!: 'builtin' | 'custom' | 'mcp';
  @ApiProperty({ type: String, nullable: true, description: 'The MCP server the tool comes from (source `mcp`)' })
  server!: string | null;
  @ApiProperty({ description: 'Disabled skills are not offered to the model' }) enabled!: boolean;
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) riskLevel!: RiskLevel;
  @ApiProperty({ description: 'Whether calls need a human’s approval by default (without an approval rule)' })
  requiresApproval!: boolean;
  @ApiProperty({ example: 'every call', description: 'Which calls need approval by default ("no call" if none)' })
  approvalDefault!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Time limit of one call (custom skills)' })
  timeoutMs!: number | null;
  @ApiProperty({ type: SkillPermissionsResponseDto }) permissions!: SkillPermissionsResponseDto;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the skill on disk does not load; the last good version (if any) stays in use',
  })
  loadError!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The handler source (custom skills)' })
  handler!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) installedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) updatedAt!: string | null;
}

export class SkillTryResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'my-tool' }) skillName!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The sample input it ran with' })
  input!: Record<string, unknown>;
  @ApiProperty({ description: 'Whether the call failed' }) isError!: boolean;
  @ApiProperty({ description: 'The result as JSON, or the error (the model gets it marked as untrusted data)' })
  content!: string;
  @ApiProperty({ description: 'The skill version that ran' }) version!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ description: 'Who ran it (the user, also for an API key)' }) triedBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

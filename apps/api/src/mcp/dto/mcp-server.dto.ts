import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import type { McpServerState } from '@loop-gateway/contracts';
import { IsHttpUrl, Optional, UpdateType } from '../../common/validation.js';
import type { McpTransport } from '../entities/mcp-server.entity.js';

/** A server's name prefixes its tools' names (`<server>__<tool>`), so it is short and plain. */
export const MCP_SERVER_NAME = /^[a-z0-9][a-z0-9-]{0,29}$/;
const MAX_ENTRIES = 50;
const MAX_VALUE_CHARS = 8000;

/**
 * An object of string values with names matching `key` (environment variable or header names), at most
 * 50 entries; the message names the first entry that is wrong.
 */
function IsStringMap(key: RegExp, what: string) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isStringMap',
      target: object.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => mapProblem(value, key, what) === null,
        defaultMessage: (args?: ValidationArguments) => `${propertyName} ${mapProblem(args?.value, key, what) ?? ''}`,
      },
    });
}

function mapProblem(value: unknown, key: RegExp, what: string): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of strings';
  const entries = Object.entries(value);
  if (entries.length > MAX_ENTRIES) return `must have at most ${MAX_ENTRIES} entries`;
  for (const [name, entry] of entries) {
    if (!key.test(name)) return `has "${name}", which is not a valid ${what} name`;
    if (typeof entry !== 'string') return `.${name} must be a string`;
    if (entry.length > MAX_VALUE_CHARS || /[\0]/.test(entry))
      return `.${name} must be a string of at most ${MAX_VALUE_CHARS} characters without NUL`;
    if (what === 'header' && /[\r\n]/.test(entry)) return `.${name} must not contain line breaks`;
  }
  return null;
}

export class McpServerCreateDto {
  @ApiProperty({
    example: 'files',
    description: 'Lowercase letters, digits and hyphens (≤ 30); its tools are named <name>__<tool>',
  })
  @IsString()
  @Matches(MCP_SERVER_NAME, {
    message: 'name must be 1-30 lowercase letters, digits or hyphens, starting with a letter or digit',
  })
  name!: string;

  @ApiProperty({
    enum: ['stdio', 'http'],
    description: 'stdio: a program the gateway starts; http: a Streamable HTTP endpoint',
  })
  @IsIn(['stdio', 'http'], { message: 'transport must be "stdio" or "http"' })
  transport!: McpTransport;

  @ApiPropertyOptional({
    example: 'npx',
    description: 'stdio: the program to start (give a full path, or PATH in env)',
  })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  command?: string;

  @ApiPropertyOptional({ type: [String], example: ['-y', '@modelcontextprotocol/server-filesystem', '/srv/files'] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(4000, { each: true })
  args?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { PATH: '/usr/local/bin:/usr/bin:/bin', API_TOKEN: 'secret' },
    description:
      'stdio: the whole environment of the process (nothing of the gateway’s is passed). Write-only: stored encrypted, only the names are returned. Sending it replaces all of it.',
    writeOnly: true,
  })
  @Optional()
  @IsStringMap(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'environment variable')
  env?: Record<string, string>;

  @ApiPropertyOptional({ example: 'https://mcp.example.com/mcp', description: 'http: the Streamable HTTP endpoint' })
  @Optional()
  @IsHttpUrl()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { Authorization: 'Bearer secret' },
    description:
      'http: headers sent with every request. Write-only: stored encrypted, only the names are returned. Sending it replaces all of them.',
    writeOnly: true,
  })
  @Optional()
  @IsStringMap(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'header')
  headers?: Record<string, string>;

  @ApiPropertyOptional({ default: true, description: 'A disabled server is not started; its tools are not offered' })
  @Optional()
  @IsBoolean()
  enabled?: boolean;
}

export class McpServerUpdateDto extends UpdateType(McpServerCreateDto) {}

export class McpToolResponseDto {
  @ApiProperty({ example: 'files__read_file', description: 'The name the agent, groups and approval rules use' })
  name!: string;
  @ApiProperty({ example: 'read_file', description: 'The name on the server' })
  serverToolName!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) inputSchema!: Record<string, unknown>;
  @ApiProperty({ description: 'The server says it only reads (readOnlyHint), so calls need no approval by default' })
  readOnly!: boolean;
  @ApiProperty() enabled!: boolean;
}

export class McpServerResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['stdio', 'http'] }) transport!: McpTransport;
  @ApiProperty({ type: String, nullable: true }) command!: string | null;
  @ApiProperty({ type: [String] }) args!: string[];
  @ApiProperty({
    type: [String],
    description: 'The names of the environment variables given (values are never returned)',
  })
  envKeys!: string[];
  @ApiProperty({ type: String, nullable: true }) url!: string | null;
  @ApiProperty({ type: [String], description: 'The names of the headers given (values are never returned)' })
  headerNames!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty({
    enum: ['connecting', 'ready', 'error', 'stopped'],
    description: 'Its tools are registered only while ready; after an error it reconnects with backoff',
  })
  state!: McpServerState;
  @ApiProperty({ type: String, nullable: true, description: 'Why it is not ready (the last failure)' }) error!:
    string | null;
  @ApiProperty({ type: [McpToolResponseDto] }) tools!: McpToolResponseDto[];
  @ApiProperty({
    type: [String],
    description: 'Tools the server offers that could not be registered, with the reason',
  })
  skippedTools!: string[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

import { Injectable, Logger } from '@nestjs/common';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppConfig } from '../config/app-config.js';

/** apps/api/roles: the predefined roles, edited as files. */
export const ROLES_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../roles');

/** What a sub-agent works as: its system prompt, its model (else its group's) and the skills it may use. */
export interface AgentRole {
  name: string;
  description: string;
  systemPrompt: string;
  model: string | null;
  /** The tools it may use, within its group's; null: all of the group's. */
  skills: string[] | null;
  source: 'builtin' | 'custom';
}

const ROLE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/**
 * The roles: the shipped ones (apps/api/roles/<name>.md) and the operator's (AGENT_ROLES_DIR, default
 * DATA_DIR/roles), which add roles or replace a shipped one of the same name. Read from disk when
 * asked, so an edited file counts from the next delegation on.
 */
@Injectable()
export class AgentRoles {
  private readonly logger = new Logger(AgentRoles.name);

  constructor(private readonly config: AppConfig) {}

  async list(): Promise<AgentRole[]> {
    const roles = new Map<string, AgentRole>();
    for (const [dir, source] of [
      [ROLES_DIR, 'builtin'],
      [this.config.agentRolesDir, 'custom'],
    ] as const) {
      for (const role of await this.readDir(dir, source)) roles.set(role.name, role);
    }
    return [...roles.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async find(name: string): Promise<AgentRole | null> {
    return (await this.list()).find((role) => role.name === name) ?? null;
  }

  private async readDir(dir: string, source: AgentRole['source']): Promise<AgentRole[]> {
    const files = await readdir(dir).catch(() => [] as string[]);
    const roles: AgentRole[] = [];
    for (const file of files.filter((name) => name.endsWith('.md')).sort()) {
      const name = basename(file, '.md');
      if (!ROLE_NAME.test(name)) {
        this.logger.warn(`Role file ${join(dir, file)} skipped: a role name is lower case letters, digits, - and _`);
        continue;
      }
      roles.push({ name, source, ...parseRole(await readFile(join(dir, file), 'utf8')) });
    }
    return roles;
  }
}

/**
 * A role file: an optional front matter (`description:`, `model:`, `skills:` as a comma-separated
 * list, empty for none) between `---` lines, then the system prompt.
 */
export function parseRole(markdown: string): Omit<AgentRole, 'name' | 'source'> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(markdown);
  const fields = new Map<string, string>();
  for (const line of (match?.[1] ?? '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const skills = fields.get('skills');
  return {
    description: fields.get('description') ?? '',
    systemPrompt: markdown.slice(match?.[0].length ?? 0).trim(),
    model: fields.get('model') || null,
    skills:
      skills === undefined
        ? null
        : skills
            .split(',')
            .map((skill) => skill.trim())
            .filter(Boolean),
  };
}

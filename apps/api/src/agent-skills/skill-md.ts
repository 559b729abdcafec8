import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

/** The YAML parser loads with the first SKILL.md read: a gateway without Agent Skills never loads it. */
let yaml: typeof Yaml | undefined;
const loadYaml = () => (yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

export const SKILL_MD = 'SKILL.md';
/** An Agent Skill's name: 1–64 lowercase letters, digits and single hyphens, not at either end. */
export const AGENT_SKILL_NAME = /^(?=.{1,64}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
const NAME_RULE = '1–64 lowercase letters, digits and hyphens, not starting or ending with one, no "--"';
const FIELDS = ['name', 'description', 'license', 'compatibility', 'metadata', 'allowed-tools'];

/** A SKILL.md as read: its front matter (checked) and the instructions after it. */
export interface SkillDocument {
  name: string;
  description: string;
  license: string | null;
  compatibility: string | null;
  metadata: Record<string, string>;
  /** `allowed-tools`, split on spaces (pre-approved tools, as the format names them; shown, not enforced). */
  allowedTools: string[];
  body: string;
}

/** Why a SKILL.md is not a valid Agent Skill, naming the field. */
export class SkillMdError extends Error {}

/**
 * Reads a SKILL.md: YAML front matter between `---` lines, then Markdown instructions. Checks the
 * fields as the Agent Skills format defines them and that `name` is the folder's name (`folder` null:
 * an upload, whose folder will take the name); throws a SkillMdError naming what is wrong.
 */
export function parseSkillMd(text: string, folder: string | null): SkillDocument {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) throw new SkillMdError(`${SKILL_MD} must start with YAML front matter between "---" lines`);
  const document = loadYaml().parseDocument(match[1]!, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new SkillMdError(`${SKILL_MD} front matter is not valid YAML: ${document.errors[0]!.message.split('\n')[0]}`);
  }
  const raw: unknown = document.toJS({ maxAliasCount: 10 });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SkillMdError(`${SKILL_MD} front matter must be a mapping of fields`);
  }
  const fields = raw as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !FIELDS.includes(key));
  if (unknown.length > 0) {
    throw new SkillMdError(`${unknown[0]} is not a SKILL.md field (allowed: ${FIELDS.join(', ')})`);
  }
  const name = fields.name;
  if (typeof name !== 'string' || !AGENT_SKILL_NAME.test(name)) {
    throw new SkillMdError(`name must be ${NAME_RULE}`);
  }
  if (folder !== null && name !== folder)
    throw new SkillMdError(`name "${name}" must equal the folder's name "${folder}"`);
  const description = fields.description;
  if (typeof description !== 'string' || description.trim() === '') {
    throw new SkillMdError('description is required: what the skill does and when to use it');
  }
  if (description.length > 1024) throw new SkillMdError('description must be at most 1024 characters');
  const license = optionalString(fields, 'license', 1000);
  const compatibility = optionalString(fields, 'compatibility', 500);
  const metadata = fields.metadata ?? {};
  if (
    typeof metadata !== 'object' ||
    metadata === null ||
    Array.isArray(metadata) ||
    Object.values(metadata).some((value) => typeof value !== 'string')
  ) {
    throw new SkillMdError('metadata must map names to strings');
  }
  const allowed = optionalString(fields, 'allowed-tools', 1000);
  return {
    name,
    description: description.trim(),
    license,
    compatibility,
    metadata: metadata as Record<string, string>,
    allowedTools: allowed ? allowed.split(/\s+/).filter(Boolean) : [],
    body: text.slice(match[0].length).trim(),
  };
}

function optionalString(fields: Record<string, unknown>, key: string, max: number): string | null {
  const value = fields[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new SkillMdError(`${key} must be a string`);
  if (value.length > max) throw new SkillMdError(`${key} must be at most ${max} characters`);
  return value;
}

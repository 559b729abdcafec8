import type { RiskLevel, Tool, ToolContext, ToolResult } from '../tools/tool.js';
import type { AgentSkillsService } from './agent-skills.service.js';

export const AGENT_SKILL_TOOLS = { load: 'load_skill', read: 'read_skill_file' } as const;
/** Most of a resource file the model gets in one call. */
export const READ_SKILL_FILE_MAX_BYTES = 64 * 1024;

function input(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The skills this call may use: those its run was offered, else every enabled one. */
function offered(context: Pick<ToolContext, 'agentSkills'>, service: AgentSkillsService): readonly string[] {
  return context.agentSkills ?? service.enabledNames();
}

function unknownSkill(name: unknown, names: readonly string[]): ToolResult {
  return {
    content: `There is no Agent Skill "${String(name)}" for this run.${names.length ? ` Available: ${names.join(', ')}.` : ''}`,
    isError: true,
  };
}

/**
 * `load_skill`: an Agent Skill's instructions (SKILL.md after its front matter) and the list of its
 * files, when the model decides the task needs them. The operator installed them: they are
 * instructions, not outside data.
 */
export class LoadSkillTool implements Tool {
  readonly name = AGENT_SKILL_TOOLS.load;
  readonly description =
    'Loads the full instructions of one of the Agent Skills listed in the system prompt, by name. Call it before a task that matches a skill’s description, then follow the instructions.';
  readonly inputSchema = {
    type: 'object',
    properties: { name: { type: 'string', description: 'The skill’s name, as listed' } },
    required: ['name'],
    additionalProperties: false,
  };
  readonly riskLevel: RiskLevel = 'low';

  constructor(private readonly skills: AgentSkillsService) {}

  execute(value: unknown, context: ToolContext): Promise<ToolResult> {
    const { name } = input(value);
    const names = offered(context, this.skills);
    const found = typeof name === 'string' && names.includes(name) ? this.skills.document(name) : null;
    if (!found) return Promise.resolve(unknownSkill(name, names));
    const resources = found.files.filter((file) => file.path !== 'SKILL.md');
    const listing = resources.length
      ? `\n\nFiles in the skill’s folder (read one with read_skill_file):\n${resources.map((file) => `- ${file.path} (${file.size} bytes)`).join('\n')}`
      : '';
    return Promise.resolve({
      content: `# Agent Skill: ${found.doc.name}\n\n${found.doc.body || '(SKILL.md has no instructions after its front matter)'}${listing}`,
    });
  }
}

/**
 * `read_skill_file`: one file of an Agent Skill's folder (a reference, a template, a script to read),
 * confined to the folder and capped in size. Marked untrusted like other tool output: a file may come
 * from anywhere the skill came from.
 */
export class ReadSkillFileTool implements Tool {
  readonly name = AGENT_SKILL_TOOLS.read;
  readonly description =
    'Reads a file from an Agent Skill’s folder (a path its instructions or load_skill’s file list name), as text.';
  readonly inputSchema = {
    type: 'object',
    properties: {
      skill: { type: 'string', description: 'The skill’s name' },
      path: { type: 'string', description: 'The file’s path inside the skill’s folder, e.g. reference/forms.md' },
    },
    required: ['skill', 'path'],
    additionalProperties: false,
  };
  readonly riskLevel: RiskLevel = 'low';

  constructor(private readonly skills: AgentSkillsService) {}

  async execute(value: unknown, context: ToolContext): Promise<ToolResult> {
    const { skill, path } = input(value);
    const names = offered(context, this.skills);
    if (typeof skill !== 'string' || !names.includes(skill) || !this.skills.document(skill)) {
      return unknownSkill(skill, names);
    }
    if (typeof path !== 'string' || path === '') return { content: 'path must be a file path', isError: true };
    const read = await this.skills.readFile(skill, path.replace(/^\.\//, ''), READ_SKILL_FILE_MAX_BYTES);
    if (!read) return { content: `The skill "${skill}" has no file "${path}".`, isError: true };
    if (read.text === null) {
      return { content: `${path} is a binary file (${read.size} bytes); it cannot be shown as text.`, untrusted: true };
    }
    const cut = read.truncated
      ? `\n\n[cut: the file has ${read.size} bytes; the first ${READ_SKILL_FILE_MAX_BYTES} are shown]`
      : '';
    return { content: `${read.text}${cut}`, untrusted: true };
  }
}

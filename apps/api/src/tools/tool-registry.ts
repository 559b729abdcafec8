import { Injectable } from '@nestjs/common';
import type { ToolSpec } from '../agents/model/model-provider.js';
import type { Tool } from './tool.js';

/** Finds an earlier revision of a versioned tool (a custom skill's code that has since changed). */
export type RevisionSource = (name: string, revision: string) => Promise<Tool | undefined>;

/**
 * Names a group's `skills` may list besides the registered tools: Agent Skills, and tools of an MCP
 * server that is configured but not ready yet. Returns what the name is (for messages), or null.
 */
export type NameSource = (name: string) => string | null;

/** Every tool the gateway has, by name. Disabled tools stay listed but are not offered to the model. */
@Injectable()
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  private readonly disabled = new Set<string>();
  private readonly revisionSources: RevisionSource[] = [];
  private readonly specOf = new WeakMap<Tool, ToolSpec>();
  private readonly nameSources: NameSource[] = [];

  register(tool: Tool): void {
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) throw new Error(`Invalid tool name "${tool.name}"`);
    if (this.tools.has(tool.name)) throw new Error(`A tool named "${tool.name}" is already registered`);
    this.tools.set(tool.name, tool);
  }

  /** A new version of a registered tool (a skill's): same name, the operator's enabled choice kept. */
  replace(tool: Tool): void {
    if (!this.tools.has(tool.name)) throw new Error(`No tool named "${tool.name}" is registered`);
    this.tools.set(tool.name, tool);
  }

  unregister(name: string): void {
    this.tools.delete(name);
    this.disabled.delete(name);
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  /** Adds names that are not registered tools but may be named in a group's `skills` (see NameSource). */
  addNameSource(source: NameSource): void {
    this.nameSources.push(source);
  }

  /**
   * What a name is, when it is one a group's `skills` may list or a new skill may not take: "a tool"
   * for a registered one, else what a name source says (an Agent Skill, an MCP server's tool); null: unknown.
   */
  claimed(name: string): string | null {
    if (this.tools.has(name)) return 'a tool';
    for (const source of this.nameSources) {
      const what = source(name);
      if (what) return what;
    }
    return null;
  }

  /** Where `pinned` finds revisions that are no longer current (the skills service adds its store). */
  addRevisionSource(source: RevisionSource): void {
    this.revisionSources.push(source);
  }

  /**
   * The revision of each registered tool that has one, for a run to pin when it starts: the run keeps
   * calling that code (see `pinned`) after the tool is reloaded.
   */
  revisions(): Record<string, string> {
    return Object.fromEntries(
      [...this.tools.values()].flatMap((tool) => (tool.revision ? [[tool.name, tool.revision]] : [])),
    );
  }

  /**
   * The tool as a run pinned it: the current one when it is that revision (or the run pinned none),
   * else that earlier revision from a revision source. A removed tool stays removed; a revision no
   * source knows any more falls back to the current code (an approval still checks its revision).
   */
  async pinned(name: string, revision: string | undefined): Promise<Tool | undefined> {
    const current = this.tools.get(name);
    if (!current || !revision || current.revision === undefined || current.revision === revision) return current;
    for (const source of this.revisionSources) {
      const earlier = await source(name, revision);
      if (earlier) return earlier;
    }
    return current;
  }

  list(): { tool: Tool; enabled: boolean }[] {
    return [...this.tools.values()].map((tool) => ({ tool, enabled: !this.disabled.has(tool.name) }));
  }

  isEnabled(name: string): boolean {
    return this.tools.has(name) && !this.disabled.has(name);
  }

  setEnabled(name: string, enabled: boolean): void {
    if (enabled) this.disabled.delete(name);
    else this.disabled.add(name);
  }

  /**
   * The tools a group's runs may use: enabled ones, limited to the group's skills when it names any.
   */
  available(skills: string[]): Tool[] {
    return [...this.tools.values()].filter(
      (tool) => !this.disabled.has(tool.name) && (skills.length === 0 || skills.includes(tool.name)),
    );
  }

  /** What the model is told of each tool; one object per tool, made once (each run's every call asks). */
  specs(tools: Tool[]): ToolSpec[] {
    return tools.map((tool) => {
      let spec = this.specOf.get(tool);
      if (!spec) {
        spec = { name: tool.name, description: tool.description, input_schema: tool.inputSchema };
        this.specOf.set(tool, spec);
      }
      return spec;
    });
  }
}

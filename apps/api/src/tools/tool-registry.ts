import { Injectable } from '@nestjs/common';
import type { ToolSpec } from '../agents/model/model-provider.js';
import type { Tool } from './tool.js';

/** Every tool the gateway has, by name. Disabled tools stay listed but are not offered to the model. */
@Injectable()
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  private readonly disabled = new Set<string>();

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

  specs(tools: Tool[]): ToolSpec[] {
    return tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.inputSchema }));
  }
}

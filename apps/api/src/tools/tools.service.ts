import { Inject, Injectable, NotFoundException, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { BUILTIN_TOOLS } from './builtin-tools.js';
import type { ToolResponseDto } from './dto/tool.dto.js';
import type { Tool } from './tool.js';
import { ToolRegistry } from './tool-registry.js';
import { ToolsRepository } from './tools.repository.js';

@Injectable()
export class ToolsService implements OnModuleInit {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly repository: ToolsRepository,
    private readonly clock: Clock,
    @Inject(BUILTIN_TOOLS) private readonly builtins: Tool[],
  ) {}

  /** Registers the built-in tools and applies the operator's stored enabled/disabled choices. */
  async onModuleInit(): Promise<void> {
    for (const tool of this.builtins) this.registry.register(tool);
    for (const [name, enabled] of await this.repository.enabledStates()) this.registry.setEnabled(name, enabled);
  }

  /** Applies the operator's stored choice to tools registered later (an MCP server's, on each connect). */
  async restoreEnabled(names: string[]): Promise<void> {
    const states = await this.repository.enabledStates();
    for (const name of names) {
      const enabled = states.get(name);
      if (enabled !== undefined) this.registry.setEnabled(name, enabled);
    }
  }

  list(): ToolResponseDto[] {
    return this.registry.list().map(({ tool, enabled }) => toResponse(tool, enabled));
  }

  async setEnabled(name: string, enabled: boolean): Promise<ToolResponseDto> {
    const tool = this.registry.get(name);
    if (!tool) throw new NotFoundException(`Tool "${name}" not found`);
    await this.repository.saveEnabled(name, enabled, this.clock.now());
    this.registry.setEnabled(name, enabled);
    return toResponse(tool, enabled);
  }
}

function toResponse(tool: Tool, enabled: boolean): ToolResponseDto {
  const acts = typeof tool.acts === 'function';
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
    riskLevel: tool.riskLevel,
    enabled,
    acts,
    approvalDefault: acts ? (tool.actsWhen ?? 'calls that act on the world') : 'no call',
  };
}

import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { SecretBox } from '../crypto/secret-box.js';
import { contextWindowFor } from '../agents/context-window.js';
import { formatHostEntry, parseHostEntry } from '../tools/net/host-list.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import { ChannelDirectory } from './channel-directory.js';
import type { AgentGroupCreateDto, AgentGroupResponseDto, AgentGroupUpdateDto } from './dto/agent-group.dto.js';
import type { AgentGroup } from './entities/agent-group.entity.js';
import { type AgentGroupWithChannels, GroupsRepository } from './groups.repository.js';

export const DEFAULT_GROUP_NAME = 'Default';

@Injectable()
export class GroupsService implements OnApplicationBootstrap {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly secrets: SecretBox,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly channels: ChannelDirectory,
    private readonly tools: ToolRegistry,
  ) {}

  /** There is always a default group, so a channel without one still gets answered. */
  async onApplicationBootstrap(): Promise<void> {
    if (await this.groups.findDefault()) return;
    const existing = await this.groups.findByName(DEFAULT_GROUP_NAME);
    if (existing) return this.groups.save({ ...existing, isDefault: true });
    await this.create({ name: DEFAULT_GROUP_NAME, isDefault: true }).catch((error: unknown) => {
      if (!(error instanceof ConflictException)) throw error; // another instance created it first
    });
  }

  async list(): Promise<AgentGroupResponseDto[]> {
    return (await this.groups.list()).map((entry) => this.toResponse(entry));
  }

  async get(id: string): Promise<AgentGroupResponseDto> {
    return this.toResponse(await this.require(id));
  }

  async create(body: AgentGroupCreateDto): Promise<AgentGroupResponseDto> {
    this.requireKnownSkills(body.skills);
    await this.requireFreeName(body.name);
    const now = this.clock.now();
    const group: AgentGroup = {
      id: randomUUID(),
      name: body.name,
      systemPrompt: body.systemPrompt ?? null,
      model: body.model ?? null,
      apiKeySealed: body.apiKey ? this.secrets.encrypt(body.apiKey) : null,
      skills: body.skills ?? [],
      trustedDestinations: normalizedHosts(body.trustedDestinations ?? []),
      channelStyles: { ...body.channelStyles },
      budgetMaxTokensDay: body.budgetMaxTokensDay ?? null,
      budgetMaxTokensMonth: body.budgetMaxTokensMonth ?? null,
      contextWindowTokens: body.contextWindowTokens ?? null,
      isDefault: body.isDefault ?? false,
      createdAt: now,
      updatedAt: now,
    };
    await this.groups.save(group);
    return this.toResponse({ group, channelIds: [] });
  }

  async update(id: string, body: AgentGroupUpdateDto): Promise<AgentGroupResponseDto> {
    this.requireKnownSkills(body.skills);
    const { group, channelIds } = await this.require(id);
    if (body.name !== undefined && body.name !== group.name) await this.requireFreeName(body.name);
    if (body.isDefault === false && group.isDefault) {
      throw new ConflictException('A group stops being the default only when another group is made the default');
    }
    const updated: AgentGroup = {
      ...group,
      ...pick(body, [
        'name',
        'systemPrompt',
        'model',
        'skills',
        'budgetMaxTokensDay',
        'budgetMaxTokensMonth',
        'contextWindowTokens',
        'isDefault',
      ]),
      channelStyles: body.channelStyles ? { ...body.channelStyles } : group.channelStyles,
      trustedDestinations: body.trustedDestinations
        ? normalizedHosts(body.trustedDestinations)
        : group.trustedDestinations,
      apiKeySealed:
        body.apiKey === undefined
          ? group.apiKeySealed
          : body.apiKey === null
            ? null
            : this.secrets.encrypt(body.apiKey),
      updatedAt: this.clock.now(),
    };
    await this.groups.save(updated);
    return this.toResponse({ group: updated, channelIds });
  }

  /**
   * A group's skills are names the gateway knows: built-in tools, loaded custom skills, Agent Skills,
   * and tools of a configured MCP server (also while it is not ready: `<server>__<tool>`).
   */
  private requireKnownSkills(skills: string[] | undefined): void {
    const unknown = (skills ?? []).filter((name) => !this.tools.claimed(name));
    if (unknown.length > 0) {
      throw new BadRequestException(
        `skills: ${unknown.map((name) => `"${name}"`).join(', ')} ${unknown.length > 1 ? 'are not skills' : 'is not a skill'} (GET /api/skills lists them)`,
      );
    }
  }

  async remove(id: string): Promise<void> {
    const { group } = await this.require(id);
    if (group.isDefault)
      throw new ConflictException('The default group cannot be deleted; make another group the default first');
    await this.groups.delete(id);
  }

  async assign(id: string, channelId: string): Promise<AgentGroupResponseDto> {
    await this.require(id);
    if (!(await this.channels.exists(channelId))) throw new NotFoundException(`Channel ${channelId} not found`);
    await this.groups.assign(channelId, id, this.clock.now());
    return this.get(id);
  }

  async unassign(id: string, channelId: string): Promise<AgentGroupResponseDto> {
    await this.require(id);
    if (!(await this.groups.unassign(channelId, id))) {
      throw new NotFoundException(`Channel ${channelId} is not assigned to this group`);
    }
    return this.get(id);
  }

  /** The group each assigned channel has (channel id → group id). */
  async assignments(): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    for (const { group, channelIds } of await this.groups.list())
      for (const channelId of channelIds) map.set(channelId, group.id);
    return map;
  }

  /** The group a channel is assigned to, or null (the default group answers it). */
  async groupOfChannel(channelId: string): Promise<string | null> {
    return this.groups.groupIdOfChannel(channelId);
  }

  /** Points a channel at a group (null: back to the default group), for the channels module. */
  async setChannelGroup(channelId: string, groupId: string | null): Promise<void> {
    if (groupId) await this.groups.assign(channelId, groupId, this.clock.now());
    else await this.groups.unassignChannel(channelId);
  }

  findById(id: string): Promise<AgentGroup | null> {
    return this.groups.findById(id);
  }

  /** The group that answers a channel (or the default group), for the pipeline. */
  async resolveForChannel(channelId: string | null): Promise<AgentGroup> {
    const group = await this.groups.findForChannel(channelId);
    if (!group) throw new Error('No default agent group exists');
    return group;
  }

  /** The API key a group's model calls use: its own, else the global one. Never logged or returned. */
  apiKeyFor(group: AgentGroup): string | null {
    return group.apiKeySealed ? this.secrets.decrypt(group.apiKeySealed) : this.config.anthropicApiKey;
  }

  modelFor(group: AgentGroup): string {
    return group.model ?? this.config.defaultModel;
  }

  /** The context window of the group's model, in tokens. */
  contextWindowFor(group: AgentGroup, model = this.modelFor(group)): number {
    return contextWindowFor(model, group.contextWindowTokens, this.config.contextWindowTokens);
  }

  private async require(id: string): Promise<AgentGroupWithChannels> {
    const found = await this.groups.findWithChannels(id);
    if (!found) throw new NotFoundException(`Agent group ${id} not found`);
    return found;
  }

  private async requireFreeName(name: string): Promise<void> {
    if (await this.groups.findByName(name))
      throw new ConflictException(`An agent group named "${name}" already exists`);
  }

  private toResponse({ group, channelIds }: AgentGroupWithChannels): AgentGroupResponseDto {
    return {
      id: group.id,
      name: group.name,
      systemPrompt: group.systemPrompt,
      model: this.modelFor(group),
      hasApiKey: group.apiKeySealed !== null,
      skills: group.skills,
      trustedDestinations: group.trustedDestinations,
      budgetMaxTokensDay: group.budgetMaxTokensDay,
      budgetMaxTokensMonth: group.budgetMaxTokensMonth,
      contextWindowTokens: group.contextWindowTokens,
      effectiveContextWindowTokens: this.contextWindowFor(group),
      channelStyles: group.channelStyles,
      isDefault: group.isDefault,
      channelIds,
      createdAt: group.createdAt.toISOString(),
      updatedAt: group.updatedAt.toISOString(),
    };
  }
}

/** Host entries written the one way, duplicates dropped (the DTO has checked that each parses). */
function normalizedHosts(entries: string[]): string[] {
  return [...new Set(entries.map((entry) => formatHostEntry(parseHostEntry(entry)!)))];
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(
    keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]),
  ) as Partial<Pick<T, K>>;
}

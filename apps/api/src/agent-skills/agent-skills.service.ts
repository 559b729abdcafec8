import {
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationShutdown,
  type OnModuleInit,
  BadRequestException,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import { AGENT_SKILL_PREFIX, ToolsRepository } from '../tools/tools.repository.js';
import type { Tool } from '../tools/tool.js';
import { ToolsService } from '../tools/tools.service.js';
import { LoadSkillTool, ReadSkillFileTool, AGENT_SKILL_TOOLS } from './agent-skill-tools.js';
import { AgentSkillStore, FolderTaken, type SkillFileInfo, type SkillFileRead } from './agent-skill-store.js';
import { uploadedFiles } from './agent-skill-upload.js';
import type {
  AgentSkillDetailDto,
  AgentSkillResponseDto,
  AgentSkillToggleDto,
  AgentSkillUploadDto,
} from './dto/agent-skill.dto.js';
import { parseSkillMd, SKILL_MD, SkillMdError, type SkillDocument } from './skill-md.js';
import { FolderReloader } from '../common/folder-reloader.js';

/** A folder under DATA_DIR/agent-skills as last read: a valid skill (`doc`) or the reason it is not. */
interface Entry {
  doc: SkillDocument | null;
  error: string | null;
  files: SkillFileInfo[];
  updatedAt: Date | null;
  hash: string;
}

/** What the system prompt lists of one Agent Skill. */
export interface AgentSkillSummary {
  name: string;
  description: string;
}

/**
 * Agent Skills: folders with a SKILL.md under DATA_DIR/agent-skills, installed by the API or copied in,
 * read again when they change on disk. Progressive disclosure: runs see only the names and descriptions
 * of the enabled, valid skills their group allows (in the system prompt); the model reads a skill's
 * instructions with `load_skill` and its files with `read_skill_file` when it needs them. A folder that
 * is not a valid skill is listed with the reason and offered to no run.
 */
@Injectable()
export class AgentSkillsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AgentSkillsService.name);
  private readonly entries = new Map<string, Entry>();
  private enabled = new Map<string, boolean>();
  private readonly folders: FolderReloader;
  private readonly tools: Tool[];

  constructor(
    private readonly store: AgentSkillStore,
    private readonly registry: ToolRegistry,
    private readonly toolsService: ToolsService,
    private readonly settings: ToolsRepository,
    private readonly clock: Clock,
  ) {
    this.tools = [new LoadSkillTool(this), new ReadSkillFileTool(this)];
    this.folders = new FolderReloader(store.dir, (name) => this.load(name), this.logger, 'Agent Skill');
  }

  async onModuleInit(): Promise<void> {
    for (const tool of this.tools) this.registry.register(tool);
    await this.toolsService.restoreEnabled(this.tools.map((tool) => tool.name));
    this.registry.addNameSource((name) => (this.entries.get(name)?.doc ? `the Agent Skill "${name}"` : null));
    this.enabled = await this.settings.enabledStates(AGENT_SKILL_PREFIX);
    await this.store.ensure();
    for (const name of await this.store.names()) await this.reload(name);
    this.folders.watch();
  }

  onApplicationShutdown(): void {
    this.folders.close();
  }

  list(): AgentSkillResponseDto[] {
    return [...this.entries.keys()].sort().map((name) => this.response(name, this.entries.get(name)!));
  }

  get(name: string): AgentSkillDetailDto {
    const entry = this.require(name);
    return { ...this.response(name, entry), body: entry.doc?.body ?? null };
  }

  async install(body: AgentSkillUploadDto): Promise<AgentSkillDetailDto> {
    const files = uploadedFiles(body);
    const skillMd = files.find((file) => file.path === SKILL_MD)!;
    let doc: SkillDocument;
    try {
      doc = parseSkillMd(skillMd.data.toString('utf8'), null);
    } catch (error) {
      if (error instanceof SkillMdError) throw new BadRequestException(`${SKILL_MD}: ${error.message}`);
      throw error;
    }
    if (this.entries.has(doc.name) || (await this.store.exists(doc.name))) {
      throw new ConflictException(`An Agent Skill named "${doc.name}" is already installed; delete it first`);
    }
    const claim = this.registry.claimed(doc.name);
    if (claim) throw new ConflictException(`"${doc.name}" is the name of ${claim}`);
    try {
      await this.store.install(doc.name, files);
    } catch (error) {
      if (error instanceof FolderTaken) throw new ConflictException(error.message);
      throw error;
    }
    if (body.enabled === false) await this.saveEnabled(doc.name, false);
    await this.reload(doc.name);
    this.logger.log({ agentSkill: doc.name, files: files.length }, 'Agent Skill installed');
    return this.get(doc.name);
  }

  async toggle(name: string, body: AgentSkillToggleDto): Promise<AgentSkillDetailDto> {
    this.require(name);
    await this.saveEnabled(name, body.enabled ?? !this.isEnabled(name));
    return this.get(name);
  }

  async remove(name: string): Promise<void> {
    this.require(name);
    await this.store.remove(name);
    await this.settings.forgetEnabled(name, AGENT_SKILL_PREFIX);
    this.enabled.delete(name);
    await this.reload(name);
    this.logger.log({ agentSkill: name }, 'Agent Skill deleted');
  }

  /**
   * The skills a run is offered: valid and enabled, and named in the group's `skills` (all, when it
   * names none) and the role's skills (when the run has a role that limits them). Empty when
   * `load_skill` is disabled: without it the model could not use them.
   */
  catalog(groupSkills: string[], roleSkills?: string[]): AgentSkillSummary[] {
    if (!this.registry.isEnabled(AGENT_SKILL_TOOLS.load)) return [];
    return [...this.entries.entries()]
      .filter(([name, entry]) => entry.doc && this.isEnabled(name))
      .filter(([name]) => groupSkills.length === 0 || groupSkills.includes(name))
      .filter(([name]) => !roleSkills || roleSkills.includes(name))
      .map(([name, entry]) => ({ name, description: entry.doc!.description }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** `load_skill` and `read_skill_file`, for a run that is offered Agent Skills (those enabled). */
  runTools(): Tool[] {
    return this.tools.filter((tool) => this.registry.isEnabled(tool.name));
  }

  /** A valid, enabled skill's document, or null. */
  document(name: string): { doc: SkillDocument; files: SkillFileInfo[] } | null {
    const entry = this.entries.get(name);
    return entry?.doc && this.isEnabled(name) ? { doc: entry.doc, files: entry.files } : null;
  }

  /** Names of the valid, enabled skills (what a call may use when its run did not record an offer). */
  enabledNames(): string[] {
    return [...this.entries.entries()].filter(([name, entry]) => entry.doc && this.isEnabled(name)).map(([n]) => n);
  }

  readFile(name: string, path: string, maxBytes: number): Promise<SkillFileRead | null> {
    return this.store.readFile(name, path, maxBytes);
  }

  /** Reads a folder again and applies what changed; one at a time per folder. */
  reload(name: string): Promise<void> {
    return this.folders.reload(name);
  }

  private async load(name: string): Promise<void> {
    const known = this.entries.get(name);
    if (!(await this.store.exists(name))) {
      if (known) {
        this.entries.delete(name);
        this.logger.log({ agentSkill: name }, 'Agent Skill folder gone');
      }
      return;
    }
    const files = await this.store.files(name);
    let text: string | null = null;
    let updatedAt: Date | null = null;
    let readError: string | null = null;
    try {
      ({ text, updatedAt } = await this.store.readSkillMd(name));
    } catch (error) {
      readError = (error as Error).message;
    }
    const hash = createHash('sha256')
      .update(text ?? `\0${readError}`)
      .update(JSON.stringify(files))
      .digest('hex');
    if (known?.hash === hash) return;
    let doc: SkillDocument | null = null;
    let error = readError;
    if (text !== null) {
      try {
        doc = parseSkillMd(text, name);
      } catch (problem) {
        error = `${SKILL_MD}: ${(problem as Error).message}`;
      }
    }
    if (doc) {
      const claim = this.registry.claimed(name);
      if (claim && !claim.startsWith('the Agent Skill')) {
        doc = null;
        error = `"${name}" is the name of ${claim}; rename the folder and its SKILL.md name`;
      }
    }
    this.entries.set(name, { doc, error, files, updatedAt, hash });
    if (error) this.logger.warn({ agentSkill: name, error }, 'Agent Skill is not valid');
    else
      this.logger.log({ agentSkill: name, files: files.length }, known ? 'Agent Skill reloaded' : 'Agent Skill loaded');
  }

  private isEnabled(name: string): boolean {
    return this.enabled.get(name) ?? true;
  }

  private async saveEnabled(name: string, enabled: boolean): Promise<void> {
    await this.settings.saveEnabled(name, enabled, this.clock.now(), AGENT_SKILL_PREFIX);
    this.enabled.set(name, enabled);
  }

  private require(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new NotFoundException(`Agent Skill "${name}" not found`);
    return entry;
  }

  private response(name: string, entry: Entry): AgentSkillResponseDto {
    return {
      name,
      description: entry.doc?.description ?? '',
      enabled: this.isEnabled(name),
      error: entry.error,
      license: entry.doc?.license ?? null,
      compatibility: entry.doc?.compatibility ?? null,
      metadata: entry.doc?.metadata ?? {},
      allowedTools: entry.doc?.allowedTools ?? [],
      files: entry.files,
      updatedAt: entry.updatedAt?.toISOString() ?? null,
    };
  }
}

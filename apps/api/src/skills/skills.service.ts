import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { createHash, randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { EventBus } from '../events/event-bus.js';
import { AddressGuard } from '../tools/net/address-guard.js';
import type { Tool } from '../tools/tool.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import { ToolsService } from '../tools/tools.service.js';
import {
  SKILL_NAME,
  SkillManifestDto,
  type SkillCreateDto,
  type SkillResponseDto,
  type SkillToggleDto,
  type SkillTryDto,
  type SkillTryResponseDto,
  type SkillUpdateDto,
} from './dto/skill.dto.js';
import type { SkillTry } from './entities/skill-try.entity.js';
import { SKILL_CALL_RUNNER, type SkillCallRunner, SkillSandbox } from './sandbox/skill-sandbox.js';
import { SkillRevisionsRepository } from './skill-revisions.repository.js';
import { SkillStore } from './skill-store.js';
import { SkillTriesRepository } from './skill-tries.repository.js';
import { type LoadedSkill, SkillTool } from './skill-tool.js';
import { FolderReloader } from '../common/folder-reloader.js';

/** Earlier revisions kept in memory for runs that pinned them (the rest are read from the database). */
const CACHED_REVISIONS = 32;

/** A custom skill: the version in use (the last good one), and why the files on disk do not load, if so. */
interface CustomSkill {
  tool: SkillTool | null;
  /** What was last read from disk (good or not), so an unchanged folder is not reloaded. */
  hash: string | null;
  loadError: string | null;
  /** The manifest as far as it could be read, for listing a skill that never loaded. */
  shown: { description: string; version: string } | null;
  installedAt: Date | null;
  updatedAt: Date | null;
}

/**
 * Skills: the built-in tools plus custom skills from `DATA_DIR/skills`, each custom skill a SkillTool
 * in the registry (so it passes the executor and the approval gate like every tool). The API writes
 * the files; a watcher reloads a folder changed on disk. A skill that does not load keeps its last good
 * version in use and shows the error.
 */
@Injectable()
export class SkillsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SkillsService.name);
  private readonly custom = new Map<string, CustomSkill>();
  private readonly folders: FolderReloader;
  /** Earlier revisions runs still use, by revision, the most recently used last. */
  private readonly earlier = new Map<string, SkillTool>();

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ToolRegistry,
    private readonly tools: ToolsService,
    private readonly store: SkillStore,
    private readonly sandbox: SkillSandbox,
    @Inject(SKILL_CALL_RUNNER) private readonly callRunner: SkillCallRunner,
    private readonly guard: AddressGuard,
    private readonly events: EventBus,
    private readonly tries: SkillTriesRepository,
    private readonly revisions: SkillRevisionsRepository,
    private readonly clock: Clock,
  ) {
    this.folders = new FolderReloader(store.dir, (name) => this.load(name), this.logger, 'Skill');
  }

  async onModuleInit(): Promise<void> {
    this.registry.addRevisionSource((name, revision) => this.earlierRevision(name, revision));
    await this.store.ensure();
    for (const name of await this.store.names()) await this.reload(name);
    this.folders.watch();
  }

  async onApplicationShutdown(): Promise<void> {
    this.folders.close();
    await this.sandbox.close();
  }

  list(): SkillResponseDto[] {
    const listed = this.registry
      .list()
      .filter(({ tool }) => !this.custom.has(tool.name))
      .map(({ tool, enabled }) => this.builtinResponse(tool, enabled));
    const custom = [...this.custom.entries()].map(([name, skill]) => this.customResponse(name, skill));
    return [...listed, ...custom].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Names a group may list in its `skills`: every tool and custom skill the gateway knows. */
  knows(name: string): boolean {
    return this.registry.get(name) !== undefined || this.custom.has(name);
  }

  async install(body: SkillCreateDto): Promise<SkillResponseDto> {
    const name = body.manifest.name;
    if (this.registry.get(name) && !this.custom.has(name)) {
      throw new ConflictException(`"${name}" is the name of a built-in tool`);
    }
    const claim = this.registry.claimed(name);
    if (claim && claim !== 'a tool' && !this.custom.has(name)) throw new ConflictException(`"${name}" is ${claim}`);
    if (this.custom.has(name) || (await this.store.exists(name))) {
      throw new ConflictException(`A skill named "${name}" is already installed; PUT /api/skills/${name} updates it`);
    }
    await this.checkHandler(body.handler);
    await this.store.write(name, manifestJson(body.manifest), body.handler);
    await this.reload(name);
    return this.get(name);
  }

  async update(name: string, body: SkillUpdateDto): Promise<SkillResponseDto> {
    const skill = this.requireCustom(name);
    if (!body.manifest && body.handler === undefined) {
      throw new BadRequestException('Send manifest fields and/or a handler for the new version');
    }
    const current = skill.tool?.skill;
    if (!current) throw new ConflictException(`"${name}" has no working version to update; fix its files on disk`);
    const changes = body.manifest ?? {};
    const manifest = plainToInstance(SkillManifestDto, {
      ...manifestJson(current.manifest),
      ...manifestJson(changes as SkillManifestDto),
      name,
      version: changes.version ?? nextPatch(current.manifest.version),
    });
    const handler = body.handler ?? current.handler;
    if (body.handler !== undefined) await this.checkHandler(handler);
    await this.store.write(name, manifestJson(manifest), handler);
    await this.reload(name);
    return this.get(name);
  }

  async remove(name: string): Promise<void> {
    this.requireCustom(name);
    await this.store.remove(name);
    await this.reload(name);
  }

  async toggle(name: string, body: SkillToggleDto): Promise<SkillResponseDto> {
    const skill = this.custom.get(name);
    if (!this.registry.get(name)) {
      if (skill)
        throw new ConflictException(`"${name}" never loaded (${skill.loadError ?? 'no version'}); fix it first`);
      throw new NotFoundException(`Skill "${name}" not found`);
    }
    const enabled = body.enabled ?? !this.registry.isEnabled(name);
    await this.tools.setEnabled(name, enabled);
    const tool = this.registry.get(name)!;
    this.events.emit('skill:updated', { name, version: this.versionOf(tool), enabled });
    return this.get(name);
  }

  /** Runs a custom skill once with a sample input, through the sandbox like a model's call, and stores the try. */
  async try(name: string, body: SkillTryDto, triedBy: string): Promise<SkillTryResponseDto> {
    const tool = this.requireCustom(name).tool;
    if (!tool) throw new ConflictException(`"${name}" has no working version`);
    const started = performance.now();
    const result = await tool.execute(body.input, { signal: AbortSignal.timeout(tool.timeoutMs) });
    const record: SkillTry = {
      id: randomUUID(),
      skillName: name,
      version: tool.version,
      input: body.input,
      content: result.content,
      isError: !!result.isError,
      durationMs: Math.round(performance.now() - started),
      triedBy,
      createdAt: this.clock.now(),
    };
    await this.tries.insert(record);
    this.logger.log({ skill: name, version: tool.version, isError: record.isError }, 'Skill tried');
    return tryResponse(record);
  }

  /** A custom skill's stored tries, newest first. */
  async listTries(name: string): Promise<SkillTryResponseDto[]> {
    this.requireCustom(name);
    return (await this.tries.list(name)).map(tryResponse);
  }

  private get(name: string): SkillResponseDto {
    const found = this.list().find((skill) => skill.name === name);
    if (!found) throw new NotFoundException(`Skill "${name}" not found`);
    return found;
  }

  private requireCustom(name: string): CustomSkill {
    const skill = this.custom.get(name);
    if (skill) return skill;
    if (this.registry.get(name)) {
      throw new ConflictException(
        `"${name}" is a built-in tool: it can be enabled or disabled, not changed or deleted`,
      );
    }
    throw new NotFoundException(`Skill "${name}" not found`);
  }

  private async checkHandler(handler: string): Promise<void> {
    try {
      await this.sandbox.check(handler, this.config.skillMemoryMb);
    } catch (error) {
      throw new BadRequestException(`handler ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Reads a skill folder again and applies what changed; one at a time per skill. */
  reload(name: string): Promise<void> {
    return this.folders.reload(name);
  }

  private async load(name: string): Promise<void> {
    const known = this.custom.get(name);
    if (!(await this.store.exists(name))) {
      if (!known) return;
      this.custom.delete(name);
      if (known.tool) this.registry.unregister(name);
      this.events.emit('skill:removed', { name });
      this.logger.log({ skill: name }, 'Skill removed');
      return;
    }
    let files;
    try {
      files = await this.store.read(name);
    } catch (error) {
      return this.failed(name, known, null, null, error);
    }
    const hash = createHash('sha256').update(files.manifestText).update('\0').update(files.handler).digest('hex');
    if (known?.hash === hash) return;
    let raw: unknown;
    try {
      raw = JSON.parse(files.manifestText);
    } catch (error) {
      return this.failed(name, known, hash, null, new Error(`skill.json is not JSON: ${(error as Error).message}`));
    }
    const shown = shownManifest(raw);
    try {
      const manifest = await validManifest(raw);
      if (!SKILL_NAME.test(name) || manifest.name !== name) {
        throw new Error(`the folder name and the manifest's name must be the same valid skill name ("${name}")`);
      }
      const existing = this.registry.get(name);
      if (existing && !(existing instanceof SkillTool)) throw new Error(`"${name}" is the name of a built-in tool`);
      await this.sandbox.check(files.handler, this.config.skillMemoryMb).catch((error: Error) => {
        throw new Error(`handler.js ${error.message}`);
      });
      const tool = this.skillTool({ manifest, handler: files.handler });
      // Kept, so a run that pinned this revision runs it after the files change (also after a restart).
      await this.revisions.save({
        revision: tool.revision,
        skillName: name,
        version: tool.version,
        manifest: manifestJson(manifest),
        handler: files.handler,
        createdAt: this.clock.now(),
      });
      if (existing) this.registry.replace(tool);
      else this.registry.register(tool);
      this.custom.set(name, {
        tool,
        hash,
        loadError: null,
        shown,
        installedAt: files.installedAt,
        updatedAt: files.updatedAt,
      });
      if (known?.tool) {
        this.events.emit('skill:updated', { name, version: tool.version, enabled: this.registry.isEnabled(name) });
      } else {
        this.events.emit('skill:installed', { name, version: tool.version });
      }
      this.logger.log({ skill: name, version: tool.version }, known?.tool ? 'Skill updated' : 'Skill loaded');
    } catch (error) {
      this.failed(name, known, hash, shown, error, files);
    }
  }

  private skillTool(loaded: LoadedSkill): SkillTool {
    return new SkillTool(loaded, this.callRunner, this.guard, this.config.skillMemoryMb);
  }

  /** An earlier revision of a custom skill that a run pinned: from memory, or rebuilt from the stored one. */
  private async earlierRevision(name: string, revision: string): Promise<SkillTool | undefined> {
    let tool = this.earlier.get(revision);
    if (!tool) {
      const stored = await this.revisions.find(name, revision);
      if (!stored) return undefined;
      tool = this.skillTool({ manifest: plainToInstance(SkillManifestDto, stored.manifest), handler: stored.handler });
    }
    this.earlier.delete(revision);
    this.earlier.set(revision, tool);
    if (this.earlier.size > CACHED_REVISIONS) this.earlier.delete(this.earlier.keys().next().value!);
    return tool;
  }

  /** A skill that does not load: listed with the reason; its last good version stays in use. */
  private failed(
    name: string,
    known: CustomSkill | undefined,
    hash: string | null,
    shown: CustomSkill['shown'],
    error: unknown,
    files?: { installedAt: Date; updatedAt: Date },
  ): void {
    const loadError = error instanceof Error ? error.message : String(error);
    this.custom.set(name, {
      tool: known?.tool ?? null,
      hash,
      loadError,
      shown: known?.shown ?? shown,
      installedAt: known?.installedAt ?? files?.installedAt ?? null,
      updatedAt: files?.updatedAt ?? known?.updatedAt ?? null,
    });
    this.events.emit('skill:error', { name, error: loadError });
    this.logger.warn({ skill: name, error: loadError }, 'Skill did not load');
  }

  private versionOf(tool: Tool): string {
    return tool instanceof SkillTool ? tool.version : this.config.version;
  }

  private builtinResponse(tool: Tool, enabled: boolean): SkillResponseDto {
    const acts = typeof tool.acts === 'function';
    const server = tool.mcpServer ?? null;
    return {
      name: tool.name,
      description: tool.description,
      version: server ? (tool.version ?? '') : this.config.version,
      inputSchema: tool.inputSchema,
      source: server ? 'mcp' : 'builtin',
      server,
      enabled,
      riskLevel: tool.riskLevel,
      requiresApproval: acts,
      approvalDefault: acts ? (tool.actsWhen ?? 'calls that act on the world') : 'no call',
      timeoutMs: tool.timeoutMs ?? null,
      permissions: { fetch: [] },
      loadError: null,
      handler: null,
      installedAt: null,
      updatedAt: null,
    };
  }

  private customResponse(name: string, skill: CustomSkill): SkillResponseDto {
    const tool = skill.tool;
    const manifest = tool?.skill.manifest;
    return {
      name,
      description: manifest?.description ?? skill.shown?.description ?? '',
      version: manifest?.version ?? skill.shown?.version ?? '',
      inputSchema: manifest?.inputSchema ?? {},
      source: 'custom',
      server: null,
      enabled: this.registry.isEnabled(name),
      riskLevel: tool?.riskLevel ?? 'medium',
      requiresApproval: tool?.riskLevel === 'high',
      approvalDefault: tool?.actsWhen ?? 'no call',
      timeoutMs: manifest?.timeoutMs ?? (tool ? tool.timeoutMs - 3000 : null),
      permissions: { fetch: manifest?.permissions?.fetch ?? [] },
      loadError: skill.loadError,
      handler: tool?.skill.handler ?? null,
      installedAt: skill.installedAt?.toISOString() ?? null,
      updatedAt: skill.updatedAt?.toISOString() ?? null,
    };
  }
}

function tryResponse(record: SkillTry): SkillTryResponseDto {
  return { ...record, createdAt: record.createdAt.toISOString() };
}

/** The manifest as stored in skill.json: the known fields only, in a stable order. */
function manifestJson(manifest: Partial<SkillManifestDto>): Record<string, unknown> {
  const fields = ['name', 'description', 'version', 'inputSchema', 'riskLevel', 'timeoutMs', 'permissions'] as const;
  return Object.fromEntries(
    fields.filter((field) => manifest[field] !== undefined).map((field) => [field, plain(manifest[field])]),
  );
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** Validates a manifest read from disk with the same rules as the API's; throws naming the fields. */
async function validManifest(raw: unknown): Promise<SkillManifestDto> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('skill.json must be an object');
  const manifest = plainToInstance(SkillManifestDto, raw);
  const errors = await validate(manifest, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new Error(`skill.json: ${messages(errors).join('; ')}`);
  return manifest;
}

function messages(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((message) => (prefix ? `${prefix}.${message}` : message)),
    ...messages(error.children ?? [], `${prefix ? `${prefix}.` : ''}${error.property}`),
  ]);
}

function shownManifest(raw: unknown): CustomSkill['shown'] {
  const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    description: typeof fields.description === 'string' ? fields.description : '',
    version: typeof fields.version === 'string' ? fields.version : '',
  };
}

/** 1.2.3 → 1.2.4 (a pre-release or build suffix is dropped). */
function nextPatch(version: string): string {
  const [major, minor, patch] = version.split(/[-+]/)[0]!.split('.').map(Number);
  return `${major}.${minor}.${(patch ?? 0) + 1}`;
}

import { createHash } from 'node:crypto';
import type { AddressGuard } from '../tools/net/address-guard.js';
import { parseHostEntry } from '../tools/net/host-list.js';
import type { RiskLevel, Tool, ToolContext, ToolResult } from '../tools/tool.js';
import type { SkillManifestDto } from './dto/skill.dto.js';
import { skillFetcher } from './sandbox/skill-fetch.js';
import { SkillCallError, type SandboxFetcher, type SkillCallRunner } from './sandbox/skill-sandbox.js';

export const DEFAULT_SKILL_TIMEOUT_MS = 5000;
export const MAX_SKILL_RESULT_BYTES = 256 * 1024;
/** The executor's own timeout comes after the sandbox's, so the sandbox's clearer message wins. */
const EXECUTOR_GRACE_MS = 3000;

/** A custom skill's code and manifest as loaded: one version. */
export interface LoadedSkill {
  manifest: SkillManifestDto;
  handler: string;
}

/**
 * A custom skill as a Tool in the registry: its handler runs in the sandbox (never in the gateway's
 * process; in container mode, in the calling run's container), its result reaches the model as
 * untrusted data, and a high risk level makes every call wait for approval by default. A skill with `permissions.fetch` names those hosts as its destinations,
 * so the exfiltration guard holds its calls like http_request's.
 */
export class SkillTool implements Tool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
  readonly riskLevel: RiskLevel;
  readonly timeoutMs: number;
  readonly version: string;
  readonly revision: string;
  readonly acts?: (input: unknown) => boolean;
  readonly actsWhen?: string;
  readonly destinations?: (input: unknown) => URL[];
  private readonly fetcher: SandboxFetcher | undefined;
  private readonly callTimeoutMs: number;

  constructor(
    readonly skill: LoadedSkill,
    private readonly sandbox: SkillCallRunner,
    guard: AddressGuard,
    private readonly memoryMb: number,
  ) {
    const { manifest } = skill;
    this.name = manifest.name;
    this.description = manifest.description;
    this.inputSchema = manifest.inputSchema;
    this.riskLevel = manifest.riskLevel ?? 'medium';
    this.version = manifest.version;
    this.revision = createHash('sha256')
      .update(JSON.stringify(manifest))
      .update('\0')
      .update(skill.handler)
      .digest('hex')
      .slice(0, 16);
    this.callTimeoutMs = manifest.timeoutMs ?? DEFAULT_SKILL_TIMEOUT_MS;
    this.timeoutMs = this.callTimeoutMs + EXECUTOR_GRACE_MS;
    if (this.riskLevel === 'high') {
      this.acts = () => true;
      this.actsWhen = 'every call (risk level high)';
    }
    const hosts = manifest.permissions?.fetch ?? [];
    if (hosts.length > 0) {
      this.fetcher = skillFetcher(hosts, guard);
      const urls = hosts.map(hostUrl);
      this.destinations = () => urls;
    }
  }

  async execute(input: unknown, context: Pick<ToolContext, 'signal'> & Partial<ToolContext>): Promise<ToolResult> {
    try {
      const value = await this.sandbox.run({
        code: this.skill.handler,
        input,
        limits: { memoryMb: this.memoryMb, timeoutMs: this.callTimeoutMs, maxResultBytes: MAX_SKILL_RESULT_BYTES },
        ...(this.fetcher ? { fetch: this.fetcher } : {}),
        signal: context.signal,
        ...(context.runId ? { runId: context.runId } : {}),
      });
      return { content: JSON.stringify(value), untrusted: true };
    } catch (error) {
      if (!(error instanceof SkillCallError)) throw error;
      // The message may quote the skill's own error text: it is outside content too.
      return {
        content: `Skill "${this.name}" ${this.version} failed: ${error.message}`,
        isError: true,
        untrusted: true,
      };
    }
  }
}

/** A URL standing for a permissions.fetch entry, for the exfiltration guard (`*.d` → any.d, `:*` → 443). */
function hostUrl(entry: string): URL {
  const parsed = parseHostEntry(entry)!;
  const host = `${parsed.subdomains ? 'any.' : ''}${parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host}`;
  const port = parsed.ports === '*' ? 443 : (parsed.ports[parsed.ports.length - 1] ?? 443);
  return new URL(`${port === 80 ? 'http' : 'https'}://${host}:${port}/`);
}

import { Injectable } from '@nestjs/common';
import { RunsService } from '../agents/runs.service.js';
import { AppConfig } from '../config/app-config.js';
import { GroupsService } from '../groups/groups.service.js';
import { HostList } from '../tools/net/host-list.js';
import type { Tool, ToolContext } from '../tools/tool.js';

/** `taint`: hold after the run read untrusted content; `strict`: always; `off`: never. */
export type ExfiltrationMode = 'taint' | 'strict' | 'off';

export const UNTRUSTED_CONTENT_REASON = 'the run has read untrusted content';

/**
 * Why a request to `destination` must wait for a human, or null when it may go. The lethal trifecta:
 * once the context holds untrusted content (`untrustedSource`), a prompt injection can make any request
 * carry the run's secrets out (a GET query, a header, a page address), so every request to a host the
 * operator did not list as a trusted destination is held, whatever its method.
 */
export function exfiltrationHold(
  mode: ExfiltrationMode,
  untrustedSource: string | null,
  destination: URL,
  trusted: HostList,
): string | null {
  if (mode === 'off' || trusted.covers(destination)) return null;
  const host = destination.host; // with the port when it is not the scheme's default
  if (mode === 'strict') return `EXFILTRATION_GUARD=strict and ${host} is not a trusted destination`;
  if (!untrustedSource) return null;
  return `${UNTRUSTED_CONTENT_REASON} (${untrustedSource}) and ${host} is not a trusted destination`;
}

/**
 * The exfiltration part of the approval gate: whether a call that sends a request must be held, where
 * an allowed call may be redirected, and the record that a conversation read untrusted content.
 * Trusted destinations are TOOL_TRUSTED_DESTINATIONS plus the run's group's own list; they are not
 * TOOL_ALLOWED_HOSTS, which only opens private addresses to the tools.
 */
@Injectable()
export class ExfiltrationGuard {
  private readonly globalTrusted: readonly string[];

  constructor(
    private readonly config: AppConfig,
    private readonly groups: GroupsService,
    private readonly runs: RunsService,
  ) {
    this.globalTrusted = config.toolTrustedDestinations;
  }

  get mode(): ExfiltrationMode {
    return this.config.exfiltrationGuard;
  }

  /** Why this call must be held (its first untrusted destination), or null. */
  async holdReason(tool: Tool, input: unknown, context: ToolContext): Promise<string | null> {
    const destinations = this.mode === 'off' ? [] : (tool.destinations?.(input) ?? []);
    if (destinations.length === 0) return null;
    const source = await this.untrustedSource(context);
    if (this.mode === 'taint' && !source) return null;
    const trusted = await this.trustedFor(context);
    for (const destination of destinations) {
      const reason = exfiltrationHold(this.mode, source, destination, trusted);
      if (reason) return reason;
    }
    return null;
  }

  /**
   * Where a call may be redirected to another origin. A call a person approved goes only to trusted
   * destinations besides the origin they saw; any other call wherever it could go without a hold.
   */
  async redirectRule(context: ToolContext, approved: boolean): Promise<((url: URL) => boolean) | null> {
    if (!approved && this.mode === 'off') return null;
    const trusted = await this.trustedFor(context);
    if (approved) return (url) => trusted.covers(url);
    const source = await this.untrustedSource(context);
    if (this.mode === 'taint' && !source) return null;
    return (url) => exfiltrationHold(this.mode, source, url, trusted) === null;
  }

  /** The conversation now holds content from outside; the mark outlives this run and any compaction. */
  markUntrusted(context: ToolContext, tool: Tool): Promise<void> {
    return this.runs.markUntrusted(context.conversationId, `outside data from ${tool.name}`);
  }

  private untrustedSource(context: ToolContext): Promise<string | null> {
    return this.runs.untrustedSource(context.conversationId);
  }

  private async trustedFor(context: ToolContext): Promise<HostList> {
    const group = context.groupId
      ? await this.groups.findById(context.groupId)
      : await this.groups.resolveForChannel(context.origin.channelId ?? null).catch(() => null);
    return new HostList([...this.globalTrusted, ...(group?.trustedDestinations ?? [])]);
  }
}

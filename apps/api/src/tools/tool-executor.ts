import { Injectable, Logger } from '@nestjs/common';
import type { RunWait } from '../agents/run-wait.js';
import { untrustedBlock } from '../common/untrusted.js';
import type { Tool, ToolContext, ToolResult } from './tool.js';
import { ToolRegistry } from './tool-registry.js';

export interface ToolCallRequest {
  id: string;
  name: string;
  input: unknown;
}

/**
 * What a gate decides about a tool call: let it run, stop it with a result, or hold it (the run waits
 * for `wait`, e.g. a human's approval).
 */
export type GateVerdict = { kind: 'allow' } | { kind: 'deny'; result: ToolResult } | { kind: 'hold'; wait: RunWait };

/**
 * A check every tool call passes before it runs (the approval gate hooks in here). It is asked again
 * for the same call (same id) when a held run resumes, so it must answer from what it stored.
 */
export interface ToolCallGate {
  check(call: ToolCallRequest, tool: Tool, context: ToolContext): Promise<GateVerdict>;
  /** Where an allowed call may be redirected (`ToolContext.mayFollow`); null: no limit from this gate. */
  redirectRule?(call: ToolCallRequest, tool: Tool, context: ToolContext): Promise<((url: URL) => boolean) | null>;
  /** Told, before the model sees it, that a call returned outside content (`ToolResult.untrusted`). */
  untrustedResult?(call: ToolCallRequest, tool: Tool, context: ToolContext): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_OUTPUT_CHARS = 100_000;
const ALLOW: GateVerdict = { kind: 'allow' };

/**
 * The one place where tool calls happen: look-up, gates (`check`), then the call itself (`run`) with
 * its timeout, output cap, errors turned into a result the model can read, and untrusted content
 * marked as such. The agent runner calls the two steps apart so a held call can pause its run.
 */
@Injectable()
export class ToolExecutor {
  private readonly logger = new Logger(ToolExecutor.name);
  private readonly gates: ToolCallGate[] = [];

  constructor(private readonly registry: ToolRegistry) {}

  addGate(gate: ToolCallGate): void {
    this.gates.push(gate);
  }

  /** Asks every gate in turn; the first that does not allow the call decides. */
  async check(call: ToolCallRequest, context: ToolContext): Promise<GateVerdict> {
    const tool = await this.tool(call, context);
    if (!tool || !this.registry.isEnabled(call.name)) {
      return { kind: 'deny', result: { content: `Tool "${call.name}" is not available.`, isError: true } };
    }
    for (const gate of this.gates) {
      const verdict = await gate.check(call, tool, context);
      if (verdict.kind !== 'allow') return verdict;
    }
    return ALLOW;
  }

  /** Checks and runs a call in one go, for callers that cannot pause: a held call is answered as such. */
  async execute(call: ToolCallRequest, context: ToolContext): Promise<ToolResult> {
    const verdict = await this.check(call, context);
    if (verdict.kind === 'deny') return verdict.result;
    if (verdict.kind === 'hold') {
      return { content: `Tool "${call.name}" is waiting for a human's approval.`, isError: true };
    }
    return this.run(call, context);
  }

  /** The tool a call names, in the revision its run pinned. */
  private tool(call: ToolCallRequest, context: ToolContext): Promise<Tool | undefined> {
    return this.registry.pinned(call.name, context.pins?.[call.name]);
  }

  /** Every gate's redirect rule, all of which must agree; undefined when none limits redirects. */
  private async redirectRule(
    call: ToolCallRequest,
    tool: Tool,
    context: ToolContext,
  ): Promise<((url: URL) => boolean) | undefined> {
    const rules: ((url: URL) => boolean)[] = context.mayFollow ? [context.mayFollow] : [];
    for (const gate of this.gates) {
      const rule = await gate.redirectRule?.(call, tool, context);
      if (rule) rules.push(rule);
    }
    return rules.length > 0 ? (url) => rules.every((rule) => rule(url)) : undefined;
  }

  /** Runs a call the gates allowed. */
  async run(call: ToolCallRequest, context: ToolContext): Promise<ToolResult> {
    const tool = await this.tool(call, context);
    if (!tool) return { content: `Tool "${call.name}" is not available.`, isError: true };
    const timeoutMs = tool.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    const abort = () => controller.abort();
    context.signal.addEventListener('abort', abort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<ToolResult>((resolve) => {
        timer = setTimeout(() => {
          // Settle first: a tool that answers the abort synchronously must not win the race.
          resolve({ content: `Tool "${call.name}" timed out after ${timeoutMs} ms.`, isError: true });
          controller.abort();
        }, timeoutMs);
      });
      const mayFollow = await this.redirectRule(call, tool, context);
      const result = await Promise.race([
        tool.execute(call.input, { ...context, signal: controller.signal, ...(mayFollow ? { mayFollow } : {}) }),
        timeout,
      ]);
      if (result.untrusted) for (const gate of this.gates) await gate.untrustedResult?.(call, tool, context);
      return present(tool.version ? { ...result, toolVersion: tool.version } : result);
    } catch (error) {
      this.logger.warn({ err: error, tool: call.name, runId: context.runId }, 'Tool call failed');
      return {
        content: `Tool "${call.name}" failed: ${error instanceof Error ? error.message : String(error)}`,
        isError: true,
      };
    } finally {
      clearTimeout(timer);
      context.signal.removeEventListener('abort', abort);
    }
  }
}

function present(result: ToolResult): ToolResult {
  let content = result.content;
  if (content.length > MAX_OUTPUT_CHARS) {
    content = `${content.slice(0, MAX_OUTPUT_CHARS)}\n[output truncated: ${content.length} characters in all]`;
  }
  if (result.untrusted) content = untrustedBlock(content);
  return { ...result, content };
}

import { randomUUID } from 'node:crypto';
import { type SandboxCall, type SkillCallRunner, SkillCallError } from '../skills/sandbox/skill-sandbox.js';
import type { SandboxFetchRequest } from '../skills/sandbox/sandbox-protocol.js';
import { type AgentContainer, ContainerFailure, type RunnerMessage } from './agent-container.js';
import { type ContainerPool, ContainerModeError } from './container-pool.js';

/** What the runner answers to a `skill` request (agent-runner/runner.js). */
type SkillResult =
  { type: 'skill_result'; ok: true; value: string } | { type: 'skill_result'; ok: false; error: string };

/** Extra time the gateway gives the runner over a call's own limit before it gives up on the answer. */
const ANSWER_GRACE_MS = 2000;

/**
 * Custom skills in container mode: the handler of the revision the run pinned is sent over the
 * protocol and runs inside the container of the run that called it (a worker thread with the skill's
 * memory and time limits, no network). A skill's `fetch` comes back to the gateway as a brokered
 * call, checked against its permissions.fetch hosts and the address guard as without containers.
 * A call outside a run (an operator's try) gets a throw-away container of its own.
 */
export class ContainerSkillRunner implements SkillCallRunner {
  constructor(private readonly pool: ContainerPool) {}

  async run(call: SandboxCall): Promise<unknown> {
    const signal = call.signal ?? new AbortController().signal;
    if (signal.aborted) throw new SkillCallError('the call was cancelled');
    const container = call.runId ? this.pool.forRun(call.runId) : null;
    if (container) return this.runOn(container, call, signal);
    // A call of its own: its container serves this call only and ends with it.
    const key = `skill-call:${randomUUID()}`;
    let own: AgentContainer;
    try {
      own = (await this.pool.acquire(key, signal)).container;
    } catch (error) {
      if (error instanceof ContainerModeError) throw new SkillCallError(error.message);
      throw new SkillCallError('the call was cancelled');
    }
    try {
      return await this.runOn(own, call, signal);
    } catch (error) {
      if (error instanceof ContainerFailure) throw new SkillCallError(error.message);
      throw error;
    } finally {
      await this.pool.release(key, null);
    }
  }

  private async runOn(container: AgentContainer, call: SandboxCall, signal: AbortSignal): Promise<unknown> {
    const { limits, fetch } = call;
    const broker = fetch
      ? async (message: RunnerMessage) => ({
          response: await fetch(message['request'] as SandboxFetchRequest, signal),
        })
      : undefined;
    let timer: NodeJS.Timeout | undefined;
    // The runner stops a call at its limit itself; this answers if it does not.
    const backstop = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SkillCallError(`the skill did not finish within its ${limits.timeoutMs} ms limit and was stopped`),
          ),
        limits.timeoutMs + ANSWER_GRACE_MS,
      );
    });
    try {
      const result = await Promise.race([
        container.request<SkillResult>(
          {
            type: 'skill',
            code: call.code,
            input: JSON.stringify(call.input ?? null),
            memoryMb: limits.memoryMb,
            timeoutMs: limits.timeoutMs,
            maxResultBytes: limits.maxResultBytes,
            fetch: !!fetch,
          },
          signal,
          broker,
        ),
        backstop,
      ]);
      if (!result.ok) throw new SkillCallError(result.error);
      try {
        return JSON.parse(result.value) as unknown;
      } catch {
        throw new SkillCallError('the skill returned something that is not JSON');
      }
    } catch (error) {
      if (error instanceof SkillCallError || error instanceof ContainerFailure) throw error;
      if (signal.aborted) throw new SkillCallError('the call was cancelled');
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

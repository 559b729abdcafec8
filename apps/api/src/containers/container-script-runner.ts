import {
  type ScriptJob,
  type ScriptLanguage,
  type ScriptOutcome,
  ScriptRunner,
} from '../tools/run-script/script-runner.js';
import type { ContainerPool } from './container-pool.js';

/** What the runner answers to a `script` request (agent-runner/runner.js). */
interface ScriptResult extends ScriptOutcome {
  type: 'script_result';
  oomKilled: boolean;
}

/**
 * run_script in container mode: the script runs inside the container of the run that asked for it
 * (no network, read-only root, its tmpfs), never on the gateway's host.
 */
export class ContainerScriptRunner extends ScriptRunner {
  constructor(private readonly pool: ContainerPool) {
    super();
  }

  /** What the stock image (node:24-bookworm-slim with Debian's python3) has; a leaner image answers "not installed". */
  languages(): ScriptLanguage[] {
    return ['bash', 'node', 'python'];
  }

  async run(job: ScriptJob): Promise<ScriptOutcome> {
    const container = job.runId ? this.pool.forRun(job.runId) : null;
    if (!container) throw new Error('container mode is on, but this call has no container to run the script in');
    if (!container.languages.includes(job.language)) {
      return {
        exitCode: 127,
        signal: null,
        output: `${job.language} is not installed in the agent image (AGENT_CONTAINER_IMAGE); it has ${container.languages.join(', ')}`,
        outputTruncated: false,
        timedOut: false,
        durationMs: 0,
      };
    }
    const result = await container.request<ScriptResult>(
      {
        type: 'script',
        language: job.language,
        script: job.script,
        timeoutMs: job.timeoutMs,
        maxOutputBytes: job.maxOutputBytes,
      },
      job.signal,
    );
    const note = result.oomKilled
      ? '\n[killed by the OOM killer: the container’s memory cap (CONTAINER_MEMORY_MB) was reached]'
      : '';
    return {
      exitCode: result.exitCode,
      signal: result.signal,
      output: `${result.output}${note}`,
      outputTruncated: result.outputTruncated,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
    };
  }
}

export const SCRIPT_LANGUAGES = ['bash', 'node', 'python'] as const;
export type ScriptLanguage = (typeof SCRIPT_LANGUAGES)[number];

export interface ScriptJob {
  language: ScriptLanguage;
  script: string;
  timeoutMs: number;
  /** stdout and stderr together, in bytes; the rest is dropped. */
  maxOutputBytes: number;
  /** Aborting it kills the script. */
  signal: AbortSignal;
  /** The run that asked for it (container mode runs the script in that run's container). */
  runId?: string;
}

export interface ScriptOutcome {
  /** null when the script was killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
  outputTruncated: boolean;
  timedOut: boolean;
  durationMs: number;
}

/**
 * Where run_script's scripts run. The process runner is the default; container mode provides
 * ContainerScriptRunner under this token (see builtin-tools.ts).
 */
export abstract class ScriptRunner {
  /** The languages whose interpreter this runner has. */
  abstract languages(): ScriptLanguage[];
  abstract run(job: ScriptJob): Promise<ScriptOutcome>;
}

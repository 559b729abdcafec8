import type { Tool, ToolContext, ToolResult } from '../tool.js';
import { inputObject, invalidInput, stringField, ToolInputError } from '../tool-input.js';
import type { ScriptLanguage, ScriptRunner } from './script-runner.js';

export const MAX_SCRIPT_OUTPUT_BYTES = 64 * 1024;
const MAX_SCRIPT_CHARS = 100_000;

/** `run_script`: runs a bash, node or python script and returns its exit code and output. */
export class RunScriptTool implements Tool {
  readonly name = 'run_script';
  readonly description: string;
  readonly riskLevel = 'high' as const;
  readonly actsWhen = 'every call';
  readonly inputSchema: Record<string, unknown>;
  /** The runner's own limit answers first, with the output so far; this is the executor's backstop. */
  readonly timeoutMs: number;
  private readonly languages: ScriptLanguage[];

  constructor(
    private readonly runner: ScriptRunner,
    private readonly scriptTimeoutMs: number,
  ) {
    this.languages = runner.languages();
    this.timeoutMs = scriptTimeoutMs + 5_000;
    this.description =
      `Run a script (${this.languages.join(', ')}) in an empty working directory and get its exit code and ` +
      `output (stdout and stderr together, at most ${MAX_SCRIPT_OUTPUT_BYTES / 1024} KB). The script is killed ` +
      `after ${Math.round(scriptTimeoutMs / 1000)} seconds. It gets no input on stdin and no environment ` +
      'variables besides PATH, HOME (the working directory) and LANG; files it writes are deleted afterwards.';
    this.inputSchema = {
      type: 'object',
      properties: {
        language: { type: 'string', enum: this.languages, description: 'Interpreter to run the script with.' },
        script: { type: 'string', description: 'The script source.' },
      },
      required: ['language', 'script'],
      additionalProperties: false,
    };
  }

  acts(): boolean {
    return true;
  }

  async execute(input: unknown, context: ToolContext): Promise<ToolResult> {
    let language: ScriptLanguage;
    let script: string;
    try {
      const fields = inputObject(input, ['language', 'script']);
      language = stringField(fields, 'language', { maxLength: 10, oneOf: this.languages }) as ScriptLanguage;
      script = stringField(fields, 'script', { maxLength: MAX_SCRIPT_CHARS });
    } catch (error) {
      if (error instanceof ToolInputError) return invalidInput(error);
      throw error;
    }
    const outcome = await this.runner.run({
      language,
      script,
      timeoutMs: this.scriptTimeoutMs,
      maxOutputBytes: MAX_SCRIPT_OUTPUT_BYTES,
      signal: context.signal,
      runId: context.runId,
    });
    const ending = outcome.timedOut
      ? `Killed after the ${Math.round(this.scriptTimeoutMs / 1000)} s time limit.`
      : outcome.exitCode !== null
        ? `Exit code: ${outcome.exitCode}`
        : `Killed by signal ${outcome.signal}.`;
    const lines = [ending, 'Output (stdout and stderr):', outcome.output || '(none)'];
    if (outcome.outputTruncated) lines.push(`[output truncated after ${MAX_SCRIPT_OUTPUT_BYTES} bytes]`);
    // The output may carry anything the script fetched, so it goes back as data, not instructions.
    return { content: lines.join('\n'), isError: outcome.exitCode !== 0, untrusted: true };
  }
}

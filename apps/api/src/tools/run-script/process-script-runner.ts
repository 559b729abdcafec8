import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type ScriptJob, type ScriptLanguage, type ScriptOutcome, ScriptRunner } from './script-runner.js';

const SCRIPT_FILE: Record<ScriptLanguage, string> = { bash: 'script.sh', node: 'script.js', python: 'script.py' };
/** How long to wait for the output pipes after the script exited before closing them ourselves. */
const PIPE_GRACE_MS = 1000;

/** The interpreters found on PATH, as absolute paths (node is the gateway's own). */
export function findInterpreters(path = process.env.PATH ?? ''): Partial<Record<ScriptLanguage, string>> {
  const find = (...names: string[]) => {
    for (const dir of path.split(delimiter).filter(Boolean)) {
      for (const name of names) {
        try {
          accessSync(join(dir, name), constants.X_OK);
          return join(dir, name);
        } catch {
          // not here
        }
      }
    }
    return undefined;
  };
  const found: Partial<Record<ScriptLanguage, string>> = { node: process.execPath };
  const bash = find('bash');
  const python = find('python3', 'python');
  if (bash) found.bash = bash;
  if (python) found.python = python;
  return found;
}

/**
 * Runs each script as a child process of the gateway, in a fresh working directory that is removed
 * afterwards, with a minimal environment (none of the gateway's variables, so no secrets), no
 * inherited handles (stdin closed, stdout/stderr piped), a time limit and an output cap. The script
 * leads its own process group, so it is killed together with every process it started.
 *
 * Not a sandbox: the script runs as the gateway's user and can reach the network and the file system.
 * That is why every call needs approval by default; container mode isolates it.
 */
export class ProcessScriptRunner extends ScriptRunner {
  constructor(private readonly interpreters: Partial<Record<ScriptLanguage, string>> = findInterpreters()) {
    super();
  }

  languages(): ScriptLanguage[] {
    return (Object.keys(SCRIPT_FILE) as ScriptLanguage[]).filter((language) => this.interpreters[language]);
  }

  async run(job: ScriptJob): Promise<ScriptOutcome> {
    const interpreter = this.interpreters[job.language];
    if (!interpreter) throw new Error(`${job.language} is not installed on the gateway`);
    const workDir = await mkdtemp(join(tmpdir(), 'lg-script-'));
    try {
      const file = join(workDir, SCRIPT_FILE[job.language]);
      await writeFile(file, job.script, { mode: 0o600 });
      const args =
        job.language === 'python' ? ['-u', file] : job.language === 'bash' ? ['--noprofile', '--norc', file] : [file];
      return await this.spawn(interpreter, args, workDir, job);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  private spawn(command: string, args: string[], workDir: string, job: ScriptJob): Promise<ScriptOutcome> {
    const started = Date.now();
    const child = spawn(command, args, {
      cwd: workDir,
      env: {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: workDir,
        TMPDIR: workDir,
        LANG: 'C.UTF-8',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, killed as one
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    const collect = (chunk: Buffer) => {
      const room = job.maxOutputBytes - size;
      if (chunk.length > room) truncated = true;
      if (room > 0) {
        chunks.push(chunk.subarray(0, room));
        size += Math.min(room, chunk.length);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);

    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, job.timeoutMs);
    job.signal.addEventListener('abort', killGroup, { once: true });

    return new Promise((resolve, reject) => {
      let graceTimer: NodeJS.Timeout | undefined;
      const cleanUp = () => {
        clearTimeout(timer);
        clearTimeout(graceTimer);
        job.signal.removeEventListener('abort', killGroup);
      };
      child.once('error', (error) => {
        cleanUp();
        reject(error);
      });
      child.once('exit', () => {
        // Whatever the script left running in the background goes with it.
        killGroup();
        // A process that left the group may still hold the pipes: stop waiting for them.
        graceTimer = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, PIPE_GRACE_MS);
      });
      child.once('close', (exitCode, signal) => {
        cleanUp();
        resolve({
          exitCode,
          signal,
          output: Buffer.concat(chunks).toString('utf8'),
          outputTruncated: truncated,
          timedOut,
          durationMs: Date.now() - started,
        });
      });
    });
  }
}

#!/usr/bin/env node
// Loop Gateway agent runner: what runs inside an agent container (one container per agent call).
//
// It speaks line-delimited JSON over stdin/stdout with the gateway. The container has no network and
// holds no secret: model calls and network tools stay on the gateway's side; what executes
// agent-chosen code (run_script) runs here, in a fresh directory of the container's tmpfs.
//
//   runner  → gateway  {"type":"ready","protocol":1,"languages":["node",…]}
//   gateway → runner   {"type":"script","id":"…","language":"node","script":"…","timeoutMs":30000,"maxOutputBytes":65536}
//   runner  → gateway  {"type":"script_result","id":"…","exitCode":0,"signal":null,"output":"…",
//                       "outputTruncated":false,"timedOut":false,"oomKilled":false,"durationMs":12}
//   gateway → runner   {"type":"end"}                       (or stdin closes): the runner exits
//   runner  → gateway  {"type":"error","id":"…","message":"…"} when a request cannot be served
//
// Nothing else is written to stdout; diagnostics go to stderr.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import readline from 'node:readline';

const PROTOCOL = 1;
const WORK_DIR = process.env.RUNNER_WORK_DIR || '/work';
const MAX_LINE_CHARS = 1024 * 1024;
/** How long to wait for the output pipes after the script exited before closing them. */
const PIPE_GRACE_MS = 1000;

const interpreters = findInterpreters();
// The process groups of the scripts running now, each as the function that kills it.
const running = new Set();

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function findInterpreters() {
  const found = { node: process.execPath };
  for (const [language, candidates] of [
    ['bash', ['/bin/bash', '/usr/bin/bash']],
    ['python', ['/usr/bin/python3', '/usr/local/bin/python3']],
  ]) {
    for (const candidate of candidates) {
      try {
        accessSync(candidate, constants.X_OK);
        found[language] = candidate;
        break;
      } catch {
        // not in this image
      }
    }
  }
  return found;
}

/** The memory cgroup's count of OOM kills (cgroup v2 or v1); null when it cannot be read. */
function oomKills() {
  for (const file of ['/sys/fs/cgroup/memory.events', '/sys/fs/cgroup/memory/memory.oom_control']) {
    try {
      const match = /^oom_kill (\d+)$/m.exec(readFileSync(file, 'utf8'));
      if (match) return Number(match[1]);
    } catch {
      // not this cgroup layout
    }
  }
  return null;
}

function runScript(request) {
  const interpreter = interpreters[request.language];
  if (!interpreter) {
    send({ type: 'error', id: request.id, message: `${request.language} is not installed in the agent image` });
    return;
  }
  const dir = mkdtempSync(join(WORK_DIR, 'script-'));
  const file = join(dir, { bash: 'script.sh', node: 'script.js', python: 'script.py' }[request.language]);
  writeFileSync(file, String(request.script), { mode: 0o600 });
  const args =
    request.language === 'python'
      ? ['-u', file]
      : request.language === 'bash'
        ? ['--noprofile', '--norc', file]
        : [file];
  const oomBefore = oomKills();
  const started = Date.now();
  const child = spawn(interpreter, args, {
    cwd: dir,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir, TMPDIR: dir, LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const maxBytes = Number(request.maxOutputBytes) || 65536;
  const chunks = [];
  let size = 0;
  let truncated = false;
  const collect = (chunk) => {
    const room = maxBytes - size;
    if (chunk.length > room) truncated = true;
    if (room > 0) {
      chunks.push(chunk.subarray(0, room));
      size += Math.min(room, chunk.length);
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  running.add(killGroup);
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      killGroup();
    },
    Number(request.timeoutMs) || 30000,
  );
  let graceTimer;
  let answered = false;
  const answer = (message) => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    clearTimeout(graceTimer);
    running.delete(killGroup);
    rmSync(dir, { recursive: true, force: true });
    send(message);
  };
  child.once('error', (error) => answer({ type: 'error', id: request.id, message: error.message }));
  child.once('exit', () => {
    killGroup();
    graceTimer = setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
    }, PIPE_GRACE_MS);
  });
  child.once('close', (exitCode, signal) => {
    const oomAfter = oomKills();
    answer({
      type: 'script_result',
      id: request.id,
      exitCode,
      signal,
      output: Buffer.concat(chunks).toString('utf8'),
      outputTruncated: truncated,
      timedOut,
      oomKilled: signal === 'SIGKILL' && !timedOut && oomBefore !== null && oomAfter !== null && oomAfter > oomBefore,
      durationMs: Date.now() - started,
    });
  });
}

function handle(line) {
  if (line.length > MAX_LINE_CHARS) {
    send({ type: 'error', id: null, message: 'request line too long' });
    return;
  }
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    send({ type: 'error', id: null, message: 'request is not JSON' });
    return;
  }
  if (request.type === 'end') process.exit(0);
  if (request.type === 'script') return runScript(request);
  send({ type: 'error', id: request.id ?? null, message: `unknown request type ${JSON.stringify(request.type)}` });
}

// stdin closed: the gateway is gone (it stopped, or lost the engine) and nobody can read a result any
// more, so stop what is running and exit; the engine then removes the container.
readline
  .createInterface({ input: process.stdin, crlfDelay: Infinity })
  .on('line', handle)
  .on('close', () => {
    for (const killGroup of running) killGroup();
    process.exit(0);
  });
send({ type: 'ready', protocol: PROTOCOL, languages: Object.keys(interpreters) });

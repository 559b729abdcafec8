#!/usr/bin/env node
// Loop Gateway agent runner: what runs inside an agent container (one container per agent call).
//
// It speaks line-delimited JSON over stdin/stdout with the gateway. The container has no network and
// holds no secret. The runner steps the agent loop (agent-loop.js, the same decisions the gateway
// makes in direct mode) and asks the gateway for each step: the model call (the gateway holds the
// key and makes it), the tool calls (the gateway stores each before it runs, makes the network
// ones, and hands what executes agent-chosen code back to this container), and the run's end.
// Scripts run in a fresh directory of the container's tmpfs, skill handlers in a worker thread of
// their own, in a bare V8 context.
//
//   runner  → gateway  {"type":"ready","protocol":3,"languages":["node",…]}
//   gateway → runner   {"type":"run","id":"…","turn":{"answer":[…]|null,"iterations":0,"maxIterations":20}}
//   runner  → gateway  {"type":"broker","id":"<the run request's id>","callId":1,"call":"model"}
//                      {"type":"broker","id":"…","callId":2,"call":"tools","toolUseIds":["toolu_…"]}
//                      {"type":"broker","id":"…","callId":3,"call":"finish"}  (or "limit")
//   gateway → runner   {"type":"brokered","id":"…","callId":1,"turn":{…}|null}   (null: the run has ended)
//                      {"type":"brokered","id":"…","callId":2,"error":"the run stops here"}  (paused or failed)
//   runner  → gateway  {"type":"run_result","id":"…","ok":true}  or  {"type":"run_result","id":"…","ok":false,"error":"…"}
//   While the runner waits for its tool calls, the gateway sends the code-executing ones here:
//   gateway → runner   {"type":"script","id":"…","language":"node","script":"…","timeoutMs":30000,"maxOutputBytes":65536}
//   runner  → gateway  {"type":"script_result","id":"…","exitCode":0,"signal":null,"output":"…",
//                       "outputTruncated":false,"timedOut":false,"oomKilled":false,"durationMs":12}
//   gateway → runner   {"type":"skill","id":"…","code":"module.exports = …","input":"<JSON text>",
//                       "memoryMb":64,"timeoutMs":5000,"maxResultBytes":262144,"fetch":false}
//   runner  → gateway  {"type":"skill_result","id":"…","ok":true,"value":"<JSON text>"}
//                      {"type":"skill_result","id":"…","ok":false,"error":"the skill ran longer than …"}
// Brokered calls: what code in here needs from outside (a skill's `fetch`; the container has no
// network) is asked of the gateway, which checks it and makes it:
//   runner  → gateway  {"type":"broker","id":"<the request's id>","callId":1,"call":"fetch","request":{url,method,headers,body}}
//   gateway → runner   {"type":"brokered","id":"…","callId":1,"response":{status,statusText,url,headers,body}}
//                      {"type":"brokered","id":"…","callId":1,"error":"fetch: … is not in this skill's permissions.fetch"}
//   gateway → runner   {"type":"end"}                       (or stdin closes): the runner exits
//   runner  → gateway  {"type":"error","id":"…","message":"…"} when a request cannot be served
//
// Nothing else is written to stdout; diagnostics go to stderr.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import readline from 'node:readline';
import { Worker } from 'node:worker_threads';
import { agentLoop } from './agent-loop.js';

const PROTOCOL = 3;
const WORK_DIR = process.env.RUNNER_WORK_DIR || '/work';
const MAX_LINE_CHARS = 1024 * 1024;
/** How long to wait for the output pipes after the script exited before closing them. */
const PIPE_GRACE_MS = 1000;

const interpreters = findInterpreters();
// The process groups of the scripts running now, each as the function that kills it.
const running = new Set();
// The requests running now that wait on brokered calls (a run's loop, a skill's fetches), by request
// id: how to hand a brokered answer to each.
const brokered = new Map();
/** Fetches one skill call may make (as in the gateway's own sandbox). */
const MAX_FETCHES_PER_CALL = 20;

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

// A skill handler runs in a worker thread (its own heap, capped at the skill's memory limit, and
// terminated at its time limit), inside a bare V8 context: no require, process, timers or file
// system, as in the gateway's isolated-vm sandbox, so a skill behaves the same in both modes. The
// container is the boundary; the context keeps the skill's API the same.
const SKILL_WORKER = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const vm = require('node:vm');
const answers = new Map();
let fetchSeq = 0;
parentPort.on('message', (message) => {
  const resolve = answers.get(message.callId);
  answers.delete(message.callId);
  if (resolve) resolve(JSON.stringify(message.answer));
});
const broker = (request) =>
  new Promise((resolve) => {
    const callId = ++fetchSeq;
    answers.set(callId, resolve);
    parentPort.postMessage({ type: 'fetch', callId, request });
  });
const context = vm.createContext(Object.create(null));
// fetch exists only with permissions.fetch; it is the context's own function over the broker, which
// stays in a closure the handler cannot reach.
vm.runInContext(
  '(function (broker) {' +
  '  if (!broker) return;' +
  '  globalThis.fetch = async function fetch(url, init) {' +
  '    const options = init ?? {};' +
  '    const request = JSON.stringify({' +
  '      url: String(url),' +
  "      method: String(options.method ?? 'GET').toUpperCase()," +
  '      headers: options.headers ? Object.fromEntries(Object.entries(options.headers).map(([k, v]) => [String(k), String(v)])) : {},' +
  '      body: options.body === undefined || options.body === null ? null : String(options.body),' +
  '    });' +
  '    const answer = JSON.parse(await broker(request));' +
  '    if (answer.error) throw new Error(answer.error);' +
  '    const r = answer.response;' +
  '    return { status: r.status, statusText: r.statusText, ok: r.status >= 200 && r.status < 300, url: r.url, headers: r.headers,' +
  '      text: async () => r.body, json: async () => JSON.parse(r.body) };' +
  '  };' +
  '})',
  context,
)(workerData.fetch ? (text) => broker(JSON.parse(text)) : null);
const RUN = '(async function (input) {' +
  '  const handler = globalThis.__handler;' +
  "  if (typeof handler !== 'function') throw new Error('the handler must export a function (module.exports = async (input) => ...)');" +
  '  let value;' +
  '  try {' +
  '    value = await handler(JSON.parse(input));' +
  '  } catch (error) {' +
  '    if (error instanceof Error) throw error;' +
  '    let shown;' +
  '    try { shown = JSON.stringify(error); } catch { shown = undefined; }' +
  "    throw new Error('the handler threw a non-Error value: ' + (shown ?? String(error)));" +
  '  }' +
  '  const text = JSON.stringify(value === undefined ? null : value);' +
  "  if (typeof text !== 'string') throw new Error('the handler returned a value that is not JSON (a function or a symbol)');" +
  '  return text;' +
  '})';
const describe = (error) =>
  error !== null && typeof error === 'object' && typeof error.message === 'string' ? error.message : String(error);
(async () => {
  try {
    // The handler starts on line 1, so line numbers in errors are the handler's own.
    vm.runInContext(
      'const module = { exports: {} }; (function (module, exports) { ' + workerData.code + '\n})(module, module.exports);\nglobalThis.__handler = module.exports;',
      context,
      { filename: 'handler.js' },
    );
    const value = await vm.runInContext(RUN, context)(workerData.input);
    parentPort.postMessage({ type: 'result', ok: true, value });
  } catch (error) {
    parentPort.postMessage({ type: 'result', ok: false, error: describe(error) });
  }
})();
`;

function runSkill(request) {
  const memoryMb = Number(request.memoryMb) || 64;
  const timeoutMs = Number(request.timeoutMs) || 5000;
  const maxResultBytes = Number(request.maxResultBytes) || 256 * 1024;
  let worker;
  try {
    worker = new Worker(SKILL_WORKER, {
      eval: true,
      env: {},
      workerData: { code: String(request.code), input: String(request.input ?? 'null'), fetch: !!request.fetch },
      resourceLimits: {
        maxOldGenerationSizeMb: memoryMb,
        maxYoungGenerationSizeMb: Math.max(1, Math.min(16, Math.floor(memoryMb / 4))),
      },
      // Never the runner's stdout: that is the protocol.
      stdout: true,
      stderr: true,
    });
  } catch (error) {
    send({ type: 'error', id: request.id, message: `the skill worker could not start: ${error.message}` });
    return;
  }
  worker.stdout.resume();
  worker.stderr.resume();
  let fetches = 0;
  let answered = false;
  const answer = (result) => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    brokered.delete(request.id);
    void worker.terminate();
    send({ type: 'skill_result', id: request.id, ...result });
  };
  const timer = setTimeout(
    () => answer({ ok: false, error: `the skill ran longer than its ${timeoutMs} ms limit and was stopped` }),
    timeoutMs,
  );
  brokered.set(request.id, (message) => worker.postMessage({ callId: message.callId, answer: message }));
  worker.on('message', (message) => {
    if (message.type === 'fetch') {
      if (++fetches > MAX_FETCHES_PER_CALL) {
        worker.postMessage({
          callId: message.callId,
          answer: { error: `at most ${MAX_FETCHES_PER_CALL} fetches per call` },
        });
        return;
      }
      send({ type: 'broker', id: request.id, callId: message.callId, call: 'fetch', request: message.request });
      return;
    }
    if (!message.ok) return answer({ ok: false, error: message.error });
    if (Buffer.byteLength(message.value) > maxResultBytes) {
      return answer({ ok: false, error: `the result is larger than ${maxResultBytes} bytes of JSON` });
    }
    answer({ ok: true, value: message.value });
  });
  worker.on('error', (error) => {
    answer({
      ok: false,
      error:
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `the skill went over its ${memoryMb} MB memory limit and was stopped`
          : error.message,
    });
  });
  worker.on('exit', () => answer({ ok: false, error: 'the skill stopped without a result' }));
}

// The agent loop of one call: each step is asked of the gateway, which makes it and says where the
// run stands after it. A step that stops the run on the gateway's side (an approval to wait for, a
// failed model call) comes back as an error, which ends the loop here.
function runLoop(request) {
  const waiting = new Map();
  let callSeq = 0;
  const ask = (call, fields = {}) =>
    new Promise((resolve, reject) => {
      const callId = ++callSeq;
      waiting.set(callId, { resolve, reject });
      send({ type: 'broker', id: request.id, callId, call, ...fields });
    });
  brokered.set(request.id, (message) => {
    const waiter = waiting.get(message.callId);
    waiting.delete(message.callId);
    if (typeof message.error === 'string') waiter?.reject(new Error(message.error));
    else waiter?.resolve(message);
  });
  agentLoop(request.turn, {
    model: async () => (await ask('model')).turn ?? null,
    tools: async (toolUseIds) => (await ask('tools', { toolUseIds })).turn,
    finish: async () => void (await ask('finish')),
    limit: async () => void (await ask('limit')),
  })
    .then(
      () => ({ ok: true }),
      (error) => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    )
    .then((result) => {
      brokered.delete(request.id);
      send({ type: 'run_result', id: request.id, ...result });
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
  if (request.type === 'skill') return runSkill(request);
  if (request.type === 'run') return runLoop(request);
  if (request.type === 'brokered') return brokered.get(request.id)?.(request);
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

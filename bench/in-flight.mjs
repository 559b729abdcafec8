// In-flight scale benchmark (part of `npm run bench`): many people writing at once to a gateway whose
// model takes 2 s to answer. N runs are submitted as fast as the API takes them (POST /api/runs);
// measured: time from the last submission's 202 to the last run's end (seen on the WebSocket), errors,
// GET /api/health latency during it (p50 / p99 / max), the gateway's RSS (idle, peak), and its start
// to ready time. Then a kill -9 in the middle of N runs in flight: after a restart, every run the
// API acknowledged must complete.
// The local Claude runs in a process of its own, so serving its streams does not slow the measuring.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startGatewayProcess } from '../libs/testing/dist/index.js';
import { agent, exchange } from './http.mjs';

const RESULTS_DIR = join(import.meta.dirname, 'results');
const CLAUDE_CLI = join(import.meta.dirname, '../libs/testing/dist/claude/cli.js');
/** Scales tried in turn; a scale that misses a goal ends the climb. */
const SCALES = (process.env.BENCH_IN_FLIGHT ?? '1000,10000').split(',').map(Number);
const KILL_RUNS = Number(process.env.BENCH_KILL_RUNS ?? 1000);
const MODEL_LATENCY_MS = 2000;
const ADMIN = { username: 'bench', password: 'bench-password-1234' };
/** Progress lines on stderr, so a slow step shows where it is. */
const progress = (...what) => console.error(`[in-flight ${new Date().toISOString().slice(11, 23)}]`, ...what);
const GOALS = { completionMs: 10_000, healthP99Ms: 50, rssMb: 1024, idleRssMb: 150, readyMs: 1500 };

/** The local Claude as a child process (`npm run mock:claude`), answering after MODEL_LATENCY_MS. */
async function startClaude() {
  const port = await freePort();
  const child = spawn(process.execPath, [CLAUDE_CLI], {
    env: { PATH: process.env.PATH, MOCK_CLAUDE_PORT: String(port), MOCK_CLAUDE_LATENCY_MS: String(MODEL_LATENCY_MS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Read to the end (it logs each request), so it never writes into a closed pipe.
  let output = '';
  await new Promise((resolve) =>
    child.stdout.on('data', (chunk) => {
      if (output.length < 1000) output += chunk;
      if (output.includes('listening on')) resolve();
    }),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

function gatewayEnv(claudeUrl, extra = {}) {
  return {
    ANTHROPIC_BASE_URL: claudeUrl,
    ANTHROPIC_API_KEY: 'bench-key',
    RATE_LIMIT_PER_MINUTE: '1000000',
    RUN_QUEUE_LIMIT: '100000',
    LOG_LEVEL: 'warn',
    // The default unless told otherwise: what a user who changed nothing gets.
    ...(process.env.BENCH_RUN_CONCURRENCY ? { RUN_CONCURRENCY: process.env.BENCH_RUN_CONCURRENCY } : {}),
    // BENCH_CPU_PROF=<dir>: a CPU profile of each gateway process (node --cpu-prof); BENCH_NODE_OPTIONS: more.
    NODE_OPTIONS: [
      process.env.BENCH_CPU_PROF ? `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}` : '',
      process.env.BENCH_NODE_OPTIONS ?? '',
    ].join(' '),
    ...extra,
  };
}

/** The process's resident set in MB, from /proc. `peak` is the high-water mark (VmHWM). */
function rssMb(pid, peak = false) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${peak ? 'VmHWM' : 'VmRSS'}:\\s+(\\d+)`).exec(status)[1]);
  return Math.round(kb / 1024);
}

/** CPU time the process has used so far (user + system), in ms, from /proc. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** Polls GET /api/health back to back on a connection of its own until stopped; collects latencies. */
function healthProbe(url) {
  const own = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await new Promise((resolve, reject) => {
        const req = request(`${url}/api/health`, { agent: own }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end();
      });
      samples.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      own.destroy();
      return samples.sort((a, b) => a - b);
    },
  };
}

/** A console-like WebSocket that counts run ends; `ended(ids)` resolves when all of them have ended. */
async function runEnds(url, token) {
  const ends = new Map();
  let waiter = null;
  const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`);
  await new Promise((resolve, reject) => {
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token }));
    socket.onerror = reject;
    socket.onmessage = ({ data }) => {
      const message = JSON.parse(data);
      if (message.type === 'ready') {
        // Only what this client reads: run ends, not every text delta of every run.
        socket.send(JSON.stringify({ type: 'subscribe', events: ['agent:run:complete', 'agent:run:error'] }));
        return resolve();
      }
      if (message.type !== 'event') return;
      if (message.event === 'agent:run:complete' || message.event === 'agent:run:error') {
        ends.set(message.payload.runId, { event: message.event, at: performance.now() });
        waiter?.();
      }
    };
  });
  return {
    ends,
    async ended(ids) {
      while (ids.some((id) => !ends.has(id))) await new Promise((resolve) => (waiter = resolve));
    },
    close: () => socket.close(),
  };
}

/**
 * Submits `count` runs, 64 requests at a time; returns the accepted ids, refusals and the last 202's
 * time. `ids` is filled as the 202s come, so runs in flight can be counted meanwhile.
 */
async function submitRuns(url, token, count, ids = []) {
  const refused = {};
  let next = 0;
  let lastAcceptedAt = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const answer = await exchange(`${url}/api/runs`, {
        headers: { authorization: `Bearer ${token}` },
        body: { message: `In-flight run ${n}` },
      }).catch((error) => ({ status: String(error.code ?? error.message) }));
      if (answer.status === 202) {
        ids.push(JSON.parse(answer.body).runId);
        lastAcceptedAt = performance.now();
      } else refused[answer.status] = (refused[answer.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  return { ids, refused, lastAcceptedAt };
}

async function setup(url) {
  const answer = await exchange(`${url}/api/auth/setup`, { body: ADMIN });
  if (answer.status !== 201) throw new Error(`setup failed: ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body).token;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (value, digits = 1) => Number(value.toFixed(digits));

/** One scale: N runs in flight on a fresh gateway. */
async function inFlight(claude, count) {
  const startedAt = performance.now();
  const gateway = await startGatewayProcess({ env: gatewayEnv(claude.url), pollMs: 5 });
  const readyMs = performance.now() - startedAt;
  try {
    const token = await setup(gateway.url);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // settle after boot before reading idle RSS
    const idleRssMb = rssMb(gateway.child.pid);
    progress(`gateway ready in ${round(readyMs)} ms, idle RSS ${idleRssMb} MB; submitting ${count} runs`);
    const ws = await runEnds(gateway.url, token);
    const probe = healthProbe(gateway.url);
    const cpuBefore = cpuMs(gateway.child.pid);
    const t0 = performance.now();
    // Runs in flight: acknowledged and not yet ended, sampled every 50 ms.
    const accepted = [];
    let maxInFlight = 0;
    const counter = setInterval(() => (maxInFlight = Math.max(maxInFlight, accepted.length - ws.ends.size)), 50);
    const submitted = await submitRuns(gateway.url, token, count, accepted);
    const submitMs = performance.now() - t0;
    progress(`${submitted.ids.length} accepted in ${round(submitMs)} ms, refused ${JSON.stringify(submitted.refused)}`);
    let peakRssMb = rssMb(gateway.child.pid);
    const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, rssMb(gateway.child.pid))), 100);
    await ws.ended(submitted.ids);
    clearInterval(sampler);
    clearInterval(counter);
    const cpuPerRunMs = (cpuMs(gateway.child.pid) - cpuBefore) / count;
    const health = await probe.stop();
    const lastEnd = Math.max(...submitted.ids.map((id) => ws.ends.get(id).at));
    const failed = submitted.ids.filter((id) => ws.ends.get(id).event !== 'agent:run:complete').length;
    ws.close();
    const refusals = Object.values(submitted.refused).reduce((a, b) => a + b, 0);
    const row = {
      runs: count,
      readyMs: round(readyMs),
      idleRssMb,
      submitMs: round(submitMs),
      maxInFlight,
      completionAfterLastSubmitMs: round(lastEnd - submitted.lastAcceptedAt),
      errors: failed + refusals,
      refused: submitted.refused,
      healthSamples: health.length,
      healthP50Ms: round(percentile(health, 50), 2),
      healthP99Ms: round(percentile(health, 99), 2),
      healthMaxMs: round(health.at(-1) ?? 0, 2),
      peakRssMb: Math.max(peakRssMb, rssMb(gateway.child.pid, true)),
      cpuPerRunMs: round(cpuPerRunMs, 2),
    };
    console.log('in flight', row);
    return row;
  } finally {
    await gateway.stop();
  }
}

/** kill -9 with `count` runs in flight; after a restart every acknowledged run must complete. */
async function killDuringInFlight(claude, count) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lg-bench-kill-'));
  try {
    const first = await startGatewayProcess({ env: gatewayEnv(claude.url), dataDir });
    const token = await setup(first.url);
    const ws = await runEnds(first.url, token);
    // Kill once half of them are acknowledged: some queued, some waiting on the model, some ending.
    let acknowledged = 0;
    const killed = new Promise((resolve) => {
      const check = setInterval(() => {
        if (acknowledged < count / 2) return;
        clearInterval(check);
        first.child.kill('SIGKILL');
        resolve();
      }, 1);
    });
    const submitting = (async () => {
      const ids = [];
      let next = 0;
      const worker = async () => {
        while (next < count) {
          next++;
          const answer = await exchange(`${first.url}/api/runs`, {
            headers: { authorization: `Bearer ${token}` },
            body: { message: 'Survive a crash' },
          }).catch(() => null);
          if (answer?.status === 202) {
            ids.push(JSON.parse(answer.body).runId);
            acknowledged++;
          }
          if (answer === null) return; // the process is gone
        }
      };
      await Promise.all(Array.from({ length: 64 }, worker));
      return ids;
    })();
    await killed;
    const ids = await submitting;
    await once(first.child, 'exit').catch(() => undefined);
    const completedBeforeKill = ids.filter((id) => ws.ends.get(id)?.event === 'agent:run:complete').length;
    ws.close();
    agent.destroy();
    const t0 = performance.now();
    const second = await startGatewayProcess({ env: gatewayEnv(claude.url), dataDir });
    try {
      const login = await exchange(`${second.url}/api/auth/login`, { body: ADMIN });
      const { token: again } = JSON.parse(login.body);
      const statuses = {};
      for (const id of ids) {
        const answer = await exchange(`${second.url}/api/runs/${id}?waitSeconds=30`, {
          method: 'GET',
          headers: { authorization: `Bearer ${again}` },
        });
        const status = answer.status === 200 ? JSON.parse(answer.body).status : `http ${answer.status}`;
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      const row = {
        acknowledged: ids.length,
        completedBeforeKill,
        afterRestart: statuses,
        lost: ids.length - (statuses.completed ?? 0),
        recoveryMs: round(performance.now() - t0),
      };
      console.log('kill -9 in flight', row);
      return row;
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const claude = await startClaude();
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    loadAverage: loadavg().map((l) => round(l, 2)),
    modelLatencyMs: MODEL_LATENCY_MS,
    scales: [],
  };
  try {
    for (const count of SCALES) {
      const row = await inFlight(claude, count);
      report.scales.push(row);
      const held =
        row.errors === 0 &&
        row.completionAfterLastSubmitMs <= GOALS.completionMs &&
        row.healthP99Ms <= GOALS.healthP99Ms &&
        row.peakRssMb <= GOALS.rssMb;
      if (!held) break;
    }
    if (KILL_RUNS > 0) report.killDuringInFlight = await killDuringInFlight(claude, KILL_RUNS);
    report.loadAverageAfter = loadavg().map((l) => round(l, 2));
  } finally {
    claude.stop();
    agent.destroy();
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'in-flight.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'in-flight.md'), markdown(report));
  console.log(`\n${markdown(report)}`);
}

function markdown(report) {
  const lines = [
    `# Runs in flight (${report.date}, Node ${report.node}, model latency ${report.modelLatencyMs} ms, load average ${report.loadAverage.join(' ')})`,
    '',
    '| runs | submitted in ms | most in flight at once | last end after last 202 (ms) | errors | /api/health p50 / p99 / max ms | gateway CPU per run ms | peak RSS MB | idle RSS MB | start to ready ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of report.scales) {
    lines.push(
      `| ${r.runs} | ${r.submitMs} | ${r.maxInFlight} | ${r.completionAfterLastSubmitMs} | ${r.errors}${r.errors ? ` ${JSON.stringify(r.refused)}` : ''} | ${r.healthP50Ms} / ${r.healthP99Ms} / ${r.healthMaxMs} | ${r.cpuPerRunMs ?? '—'} | ${r.peakRssMb} | ${r.idleRssMb} | ${r.readyMs} |`,
    );
  }
  const k = report.killDuringInFlight;
  if (k) {
    lines.push(
      '',
      '| kill -9 with runs in flight | |',
      '| --- | --- |',
      `| runs acknowledged (202) before the kill | ${k.acknowledged} (${k.completedBeforeKill} had completed) |`,
      `| after the restart | ${JSON.stringify(k.afterRestart)} |`,
      `| acknowledged runs lost | ${k.lost} |`,
    );
  }
  lines.push(
    '',
    `Goals: every run ends within ${GOALS.completionMs} ms of the last submission with 0 errors, /api/health p99 < ${GOALS.healthP99Ms} ms, RSS < ${GOALS.rssMb} MB; idle RSS <= ${GOALS.idleRssMb} MB; start to ready <= ${GOALS.readyMs} ms; no acknowledged run lost to a kill -9.`,
    '',
  );
  return lines.join('\n');
}

await main();

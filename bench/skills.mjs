// Skill call benchmark (`npm run bench`, after the gateway overhead one): what running a custom skill
// in the sandbox (a worker process, a fresh isolated-vm isolate per call) adds to calling the same
// function in-process, and how many skill calls per second 8 concurrent callers get.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SkillSandbox } from '../apps/api/dist/skills/sandbox/skill-sandbox.js';

const RESULTS_DIR = join(import.meta.dirname, 'results');
const CALLS = Number(process.env.BENCH_SKILL_CALLS ?? 2000);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = 8;
const GAP_MS = 20;
const WORKERS = Number(process.env.SKILL_WORKERS ?? 2);
const HANDLER = 'module.exports = async ({ query }) => ({ result: query.toUpperCase() });';
const LIMITS = { memoryMb: 64, timeoutMs: 5000, maxResultBytes: 256 * 1024 };
const INPUT = { query: 'hello benchmark' };

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (value) => Math.round(value * 1000) / 1000;

/** p50/p99 of `count` calls one after another; `gapMs` of idle time (not counted) between calls. */
async function latencies(call, count, gapMs = 0) {
  const times = [];
  for (let i = 0; i < count; i++) {
    if (gapMs) await new Promise((resolve) => setTimeout(resolve, gapMs));
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)) };
}

async function throughput(call, concurrency, seconds) {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await call();
        done++;
      }
    }),
  );
  return round(done / seconds);
}

const sandbox = new SkillSandbox(WORKERS);
try {
  // The same function, in-process: what the skill would cost without the sandbox.
  const module = { exports: {} };
  new Function('module', 'exports', HANDLER)(module, module.exports);
  const inProcess = () => module.exports(structuredClone(INPUT)).then((value) => JSON.parse(JSON.stringify(value)));
  const sandboxed = () => sandbox.run({ code: HANDLER, input: INPUT, limits: LIMITS });

  for (let i = 0; i < 200; i++) await sandboxed(); // warm workers
  const direct = await latencies(inProcess, CALLS);
  // Back to back, each call also waits for the fresh isolate the previous one started making; with a
  // gap (as between a run's model calls) the worker has the next isolate ready.
  const inSandbox = await latencies(sandboxed, CALLS);
  const spaced = await latencies(sandboxed, Math.min(CALLS, 500), GAP_MS);
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    calls: CALLS,
    workers: WORKERS,
    latencyMs: {
      inProcess: direct,
      sandbox: inSandbox,
      sandboxWithGap: spaced,
      added: { p50: round(inSandbox.p50 - direct.p50), p99: round(inSandbox.p99 - direct.p99) },
      addedWithGap: { p50: round(spaced.p50 - direct.p50), p99: round(spaced.p99 - direct.p99) },
    },
    callsPerSecond: {
      concurrency: CONCURRENCY,
      inProcess: await throughput(inProcess, CONCURRENCY, Math.min(THROUGHPUT_SECONDS, 3)),
      sandbox: await throughput(sandboxed, CONCURRENCY, THROUGHPUT_SECONDS),
    },
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'skill-calls.json'), `${JSON.stringify(report, null, 2)}\n`);
  const md = [
    `# Skill calls (${report.date}, Node ${report.node}, ${CALLS} calls, ${WORKERS} sandbox workers)`,
    '',
    '| latency ms | p50 | p99 |',
    '| --- | --- | --- |',
    `| in-process | ${direct.p50} | ${direct.p99} |`,
    `| sandbox, back to back (worker + fresh isolate) | ${inSandbox.p50} | ${inSandbox.p99} |`,
    `| sandbox, ${GAP_MS} ms between calls (isolate made ahead) | ${spaced.p50} | ${spaced.p99} |`,
    `| added by the sandbox, back to back | ${report.latencyMs.added.p50} | ${report.latencyMs.added.p99} |`,
    `| added by the sandbox, warm | ${report.latencyMs.addedWithGap.p50} | ${report.latencyMs.addedWithGap.p99} |`,
    '',
    `| calls/s at concurrency ${CONCURRENCY} | |`,
    '| --- | --- |',
    `| in-process | ${report.callsPerSecond.inProcess} |`,
    `| sandbox | ${report.callsPerSecond.sandbox} |`,
    '',
  ].join('\n');
  writeFileSync(join(RESULTS_DIR, 'skill-calls.md'), md);
  console.log(md);
} finally {
  await sandbox.close();
}

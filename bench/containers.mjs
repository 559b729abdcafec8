// Container mode benchmark (`npm run bench`): the latency one agent call gains in container mode,
// cold (no warm pool: the call starts its container) and warm (CONTAINER_WARM_POOL: a started
// container waits for the call), against direct mode, in the same run on the same machine. A call is
// a run whose model asks for one run_script (node) and then answers: the shape that needs a container.
// Goals (issue 16): cold under 600 ms added, warm under 50 ms added (p50).
//
// The agent image is built as the tests build it (scripts/docker/import-node-base.sh, then
// `docker build ./agent-runner`), under tags of its own that are removed at the end; or set
// BENCH_AGENT_IMAGE to an image already built (e.g. loop-gateway-agent:latest).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exchange } from './http.mjs';
import { LocalClaude, startGatewayProcess } from '../libs/testing/dist/index.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const RESULTS_DIR = join(import.meta.dirname, 'results');
const CALLS = Number(process.env.BENCH_CONTAINER_CALLS ?? 30);
const WARMUP = 3;
const ADMIN = { username: 'bench', password: 'bench-password-1234' };
const RUN_SCRIPT_FREELY = {
  toolName: 'run_script',
  riskLevel: 'high',
  requireApproval: false,
  timeoutSeconds: 60,
  timeoutAction: 'reject',
};
const GOALS = { coldAddedMs: 600, warmAddedMs: 50 };

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (value) => Math.round(value * 10) / 10;

async function agentImage() {
  if (process.env.BENCH_AGENT_IMAGE) return { image: process.env.BENCH_AGENT_IMAGE, remove: async () => undefined };
  const suffix = randomUUID().slice(0, 8);
  const base = `lg-bench-iso-base:${suffix}`;
  const image = `lg-bench-iso-agent:${suffix}`;
  await run('bash', [join(ROOT, 'scripts/docker/import-node-base.sh'), base], { cwd: ROOT });
  await run('docker', ['build', '-q', '--build-arg', `BASE_IMAGE=${base}`, '-t', image, join(ROOT, 'agent-runner')]);
  return { image, remove: () => run('docker', ['image', 'rm', '-f', image, base]).catch(() => undefined) };
}

/** A gateway process in one mode, signed in, with run_script allowed without approval. */
async function gateway(claudeUrl, env) {
  const gw = await startGatewayProcess({
    env: { ANTHROPIC_BASE_URL: claudeUrl, ANTHROPIC_API_KEY: 'bench-key', MODEL_MAX_RETRIES: '0', ...env },
    timeoutMs: 60_000,
  });
  const setup = await exchange(`${gw.url}/api/auth/setup`, { body: ADMIN });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${setup.body}`);
  const headers = { authorization: `Bearer ${JSON.parse(setup.body).token}` };
  const rule = await exchange(`${gw.url}/api/approval-rules`, { headers, body: RUN_SCRIPT_FREELY });
  if (rule.status !== 200) throw new Error(`approval rule failed: ${rule.status} ${rule.body}`);
  /** One call: submit, then wait for its end (long poll). Resolves with the wall time in ms. */
  const call = async () => {
    const started = performance.now();
    const submitted = await exchange(`${gw.url}/api/runs`, { headers, body: { message: 'Run the script.' } });
    if (submitted.status !== 202) throw new Error(`submit failed: ${submitted.status} ${submitted.body}`);
    const { runId } = JSON.parse(submitted.body);
    for (;;) {
      const answer = await exchange(`${gw.url}/api/runs/${runId}?waitSeconds=60`, { method: 'GET', headers });
      const body = JSON.parse(answer.body);
      if (['completed', 'failed', 'refused', 'cancelled'].includes(body.status)) {
        if (body.status !== 'completed') throw new Error(`run ${runId} ${body.status}: ${body.error}`);
        return { ms: performance.now() - started, isolated: body.isolated };
      }
    }
  };
  /** Waits until the warm pool holds a container (not counted in a call's time). */
  const warmReady = async () => {
    let state;
    for (let i = 0; i < 600; i++) {
      state = JSON.parse((await exchange(`${gw.url}/api/containers/state`, { method: 'GET', headers })).body);
      if (state.warm >= 1) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no warm container within 30 s: ${JSON.stringify(state)}`);
  };
  return { call, warmReady, stop: () => gw.stop() };
}

const stats = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    mean: round(sorted.reduce((a, b) => a + b) / sorted.length),
  };
};

/**
 * The three modes' calls interleaved (direct, cold, warm, direct, …), so the machine's load, which
 * drifts, weighs on each mode alike; each call waits for the one before it.
 */
async function measure(gateways) {
  const times = Object.fromEntries(Object.keys(gateways).map((mode) => [mode, []]));
  for (let i = 0; i < WARMUP + CALLS; i++) {
    for (const [mode, gw] of Object.entries(gateways)) {
      if (gw.beforeEach) await gw.beforeEach();
      const { ms, isolated } = await gw.call();
      if (isolated !== (mode !== 'direct')) throw new Error(`${mode}: a run came back with isolated=${isolated}`);
      if (i >= WARMUP) times[mode].push(ms);
    }
  }
  return times;
}

const claude = await LocalClaude.start();
const image = await agentImage();
const hasToolResult = (req) => JSON.stringify(req.body.messages.at(-1)?.content ?? '').includes('tool_result');
claude.respondWith((req) =>
  hasToolResult(req)
    ? { text: 'Done.' }
    : { toolUse: { name: 'run_script', input: { language: 'node', script: "console.log('hello from the script')" } } },
);
let times;
const started = [];
try {
  // Each mode its own gateway process, all against the same local Claude, measured in the same loop.
  const containerEnv = { AGENT_CONTAINER_MODE: 'true', AGENT_CONTAINER_IMAGE: image.image };
  const direct = await gateway(claude.url, {});
  started.push(direct);
  const cold = await gateway(claude.url, { ...containerEnv, CONTAINER_WARM_POOL: '0' });
  started.push(cold);
  const warm = await gateway(claude.url, { ...containerEnv, CONTAINER_WARM_POOL: '1' });
  started.push(warm);
  times = await measure({
    direct,
    cold,
    warm: { ...warm, beforeEach: warm.warmReady },
  });
} finally {
  await Promise.all(started.map((gw) => gw.stop()));
  await claude.stop();
  await image.remove();
}
const modes = Object.fromEntries(Object.entries(times).map(([mode, list]) => [mode, stats(list)]));
/** The median of the differences between a mode's call and the direct call of the same round. */
const pairedMedian = (mode) =>
  round(
    percentile(
      [...times[mode].map((ms, i) => ms - times.direct[i])].sort((a, b) => a - b),
      50,
    ),
  );

const added = (mode) => ({
  p50: round(modes[mode].p50 - modes.direct.p50),
  p90: round(modes[mode].p90 - modes.direct.p90),
  pairedMedian: pairedMedian(mode),
});
const result = {
  date: new Date().toISOString(),
  calls: CALLS,
  call: 'one run: a model call asking for run_script (node), the script, a second model call',
  modesMs: modes,
  addedMs: { cold: added('cold'), warm: added('warm') },
  goalsMs: GOALS,
  // Met when both readings of the added latency are under the goal.
  met: {
    cold: Math.max(added('cold').p50, added('cold').pairedMedian) < GOALS.coldAddedMs,
    warm: Math.max(added('warm').p50, added('warm').pairedMedian) < GOALS.warmAddedMs,
  },
  loadAverage: loadavg().map(round),
};
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(join(RESULTS_DIR, 'containers.json'), `${JSON.stringify(result, null, 2)}\n`);
const row = (name, mode, extra) => `| ${name} | ${mode.p50} | ${mode.p90} | ${mode.mean} | ${extra} |`;
const addedCell = (mode, goal) =>
  `${result.addedMs[mode].p50} / ${result.addedMs[mode].pairedMedian}` +
  (goal ? ` (< ${goal}: ${result.met[mode] ? 'met' : 'not met'})` : '');
const md = [
  '# Container mode: latency added per call',
  '',
  `${CALLS} calls per mode (after ${WARMUP} unmeasured), interleaved (one call of each mode per round), one at`,
  `a time; a call is ${result.call}. Load average at the end: ${result.loadAverage.join(', ')}.`,
  '',
  '- cold: CONTAINER_WARM_POOL=0, each call starts its container;',
  '- warm: CONTAINER_WARM_POOL=1, a started container waits for the call (the bench waits for it before',
  '  each warm call, not counted); the pool starts the replacement as the call takes it.',
  '',
  'Added = the mode minus direct: p50 − p50 / median of the per-round differences.',
  '',
  '| mode | p50 ms | p90 ms | mean ms | added ms (goal) |',
  '| --- | --- | --- | --- | --- |',
  row('direct', modes.direct, '—'),
  row('container, cold', modes.cold, addedCell('cold', GOALS.coldAddedMs)),
  row('container, warm', modes.warm, addedCell('warm', GOALS.warmAddedMs)),
  '',
].join('\n');
writeFileSync(join(RESULTS_DIR, 'containers.md'), md);
console.log(md);

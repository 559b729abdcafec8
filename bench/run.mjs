// Gateway overhead benchmark (`npm run bench`): how much latency and throughput a run through the
// gateway costs compared with calling the local Claude directly and with a bare pass-through proxy.
// All three share this machine's cores, so the figures that matter are the ratios of one run.
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { agent, exchange } from './http.mjs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { LocalClaude, startGatewayProcess } from '../libs/testing/dist/index.js';

const RESULTS_DIR = join(import.meta.dirname, 'results');
const LATENCY_RUNS = Number(process.env.BENCH_RUNS ?? 2000);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_RUNS = 300;
const CANCELS = Number(process.env.BENCH_CANCELS ?? 30);
/** Streaming: runs held waiting on the model while probe runs stream, and how many probes (each way). */
const STREAM_IN_FLIGHT = Number(process.env.BENCH_STREAM_IN_FLIGHT ?? 1000);
const STREAM_PROBES = Number(process.env.BENCH_STREAM_PROBES ?? 200);
/** The local Claude's latency while cancels are measured: an answer streams for about this long. */
const STREAM_MS = 2000;
const MESSAGE = 'Say hello to the benchmark.';
const ADMIN = { username: 'bench', password: 'bench-password-1234' };

/** The request the gateway's SDK sends for a one-message run (streaming, as the gateway calls it). */
function messagesRequest() {
  return {
    model: 'claude-sonnet-4-6',
    max_tokens: 4096,
    stream: true,
    system: 'You are a helpful assistant.',
    messages: [{ role: 'user', content: [{ type: 'text', text: MESSAGE }] }],
  };
}

const claudeHeaders = { authorization: 'Bearer bench-key', 'anthropic-version': '2023-06-01' };

/** A plain Node HTTP server forwarding every request to the local Claude: no auth, storage or events. */
async function startBareProxy(targetUrl) {
  const target = new URL(targetUrl);
  const upstream = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer((req, res) => {
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
        agent: upstream,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  server.on('connection', (socket) => socket.setNoDelay(true));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}`, stop: () => server.close() };
}

/** What the client's socket subscribes to, as the console does: run ends, and the text of runs it shows. */
const CLIENT_EVENTS = ['agent:run:complete', 'agent:run:error', 'agent:run:cancelled', 'agent:run:text'];

/** Starts runs through POST /api/runs and learns of their end from the WebSocket, as the console does. */
async function gatewayClient(gatewayUrl) {
  const setup = await exchange(`${gatewayUrl}/api/auth/setup`, { body: ADMIN });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${setup.body}`);
  const { token } = JSON.parse(setup.body);
  const waiting = new Map();
  const ended = new Map(); // end events that came before their run's 202 was read
  const listeners = new Set(); // other events, for the cancel and streaming measurements
  const pongs = [];
  const socket = new WebSocket(`${gatewayUrl.replace('http', 'ws')}/ws`);
  /** Sends the subscription; resolves once the gateway has taken it (the pong to a ping sent after it). */
  const subscribe = (runs) => {
    socket.send(JSON.stringify({ type: 'subscribe', events: CLIENT_EVENTS, runs }));
    socket.send(JSON.stringify({ type: 'ping' }));
    return new Promise((resolve) => pongs.push(resolve));
  };
  await new Promise((resolve, reject) => {
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token }));
    socket.onerror = reject;
    socket.onmessage = ({ data }) => {
      const message = JSON.parse(data);
      if (message.type === 'ready') return resolve();
      if (message.type === 'pong') return pongs.shift()?.();
      if (message.type !== 'event') return;
      for (const listener of listeners) listener(message);
      if (message.event === 'agent:run:complete' || message.event === 'agent:run:error') {
        const done = waiting.get(message.payload.runId);
        if (!done) return ended.set(message.payload.runId, message.event);
        waiting.delete(message.payload.runId);
        done(message.event);
      }
    };
  });
  await subscribe([]);
  return {
    token,
    subscribe,
    async run() {
      const answer = await exchange(`${gatewayUrl}/api/runs`, {
        headers: { authorization: `Bearer ${token}` },
        body: { message: MESSAGE },
      });
      if (answer.status !== 202) throw new Error(`POST /api/runs answered ${answer.status}: ${answer.body}`);
      const { runId: id } = JSON.parse(answer.body);
      const outcome = ended.get(id) ?? (await new Promise((resolve) => waiting.set(id, resolve)));
      ended.delete(id);
      if (outcome !== 'agent:run:complete') throw new Error(`run ${id} ended with ${outcome}`);
    },
    /** Resolves with the first event `match` accepts. */
    next(match) {
      return new Promise((resolve) => {
        const listener = (message) => {
          if (!match(message)) return;
          listeners.delete(listener);
          resolve(message);
        };
        listeners.add(listener);
      });
    },
    close: () => socket.close(),
  };
}

/**
 * Cancel while the model streams: a run is started, and once its first text has arrived over the
 * WebSocket, POST /api/runs/:id/cancel. Measures until the cancel's answer (the run is stored as
 * cancelled when it answers) and until the `agent:run:cancelled` event.
 */
async function cancelTimes(gatewayUrl, client, claude) {
  const auth = { authorization: `Bearer ${client.token}` };
  claude.latencyMs = STREAM_MS;
  claude.respondWith(() => ({ text: 'A long answer that streams for a while. '.repeat(40) }));
  const answered = [];
  const announced = [];
  try {
    for (let i = 0; i < CANCELS; i++) {
      const accepted = await exchange(`${gatewayUrl}/api/runs`, {
        headers: auth,
        body: { message: 'Stream a long answer.' },
      });
      const { runId } = JSON.parse(accepted.body);
      const streaming = client.next((m) => m.event === 'agent:run:text' && m.payload.runId === runId);
      await client.subscribe([runId]); // the console shows this run: its text
      await streaming;
      const cancelled = client.next((m) => m.event === 'agent:run:cancelled' && m.payload.runId === runId);
      const t0 = process.hrtime.bigint();
      const answer = await exchange(`${gatewayUrl}/api/runs/${runId}/cancel`, { headers: auth });
      const t1 = process.hrtime.bigint();
      await cancelled;
      const t2 = process.hrtime.bigint();
      if (answer.status !== 200 || JSON.parse(answer.body).status !== 'cancelled') {
        throw new Error(`cancel answered ${answer.status}: ${answer.body}`);
      }
      const stored = await exchange(`${gatewayUrl}/api/runs/${runId}`, { method: 'GET', headers: auth });
      if (JSON.parse(stored.body).status !== 'cancelled') throw new Error(`run ${runId} is ${stored.body}`);
      answered.push(Number(t1 - t0) / 1e6);
      announced.push(Number(t2 - t0) / 1e6);
    }
  } finally {
    claude.latencyMs = 0;
    claude.reset();
  }
  return { answered: answered.sort((a, b) => a - b), announced: announced.sort((a, b) => a - b) };
}

/** A promise with its resolve function. */
function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Streaming: the time from the local Claude writing a run's first text delta to that delta's
 * `agent:run:text` frame reaching a console-like socket subscribed to the run. Measured with nothing
 * else in flight, then with `inFlight` runs held waiting on the model (the local Claude keeps them
 * until the end), one probe run at a time. The probe's answer is held until the subscription is taken.
 */
async function streamingTimes(gatewayUrl, client, claude, inFlight) {
  const auth = { authorization: `Bearer ${client.token}` };
  const gates = new Map(); // probe message -> deferred answer
  const firstDeltaAt = new Map(); // probe message -> time its first text delta was written
  const held = deferred();
  let background = 0;
  const probeOf = (request) => {
    const text = JSON.stringify(request.body.messages?.at(-1) ?? '');
    return /Streaming probe \d+/.exec(text)?.[0];
  };
  claude.latencyMs = 0;
  claude.respondWith(async (request) => {
    const probe = probeOf(request);
    if (probe) return gates.get(probe).promise;
    background += 1;
    await held.promise;
    return { text: 'A background answer.' };
  });
  claude.onFirstTextDelta = (request) => {
    const probe = probeOf(request);
    if (probe) firstDeltaAt.set(probe, performance.now());
  };
  let probes = 0;
  const probe = async () => {
    const message = `Streaming probe ${probes++}`;
    const gate = deferred();
    gates.set(message, gate);
    const accepted = await exchange(`${gatewayUrl}/api/runs`, { headers: auth, body: { message } });
    if (accepted.status !== 202) throw new Error(`POST /api/runs answered ${accepted.status}: ${accepted.body}`);
    const { runId } = JSON.parse(accepted.body);
    const frame = client.next((m) => m.event === 'agent:run:text' && m.payload.runId === runId);
    const ended = client.next((m) => m.event === 'agent:run:complete' && m.payload.runId === runId);
    await client.subscribe([runId]);
    gate.resolve({ text: 'The probe answer streams to the console.' });
    await frame;
    const at = performance.now();
    await ended;
    gates.delete(message);
    return at - firstDeltaAt.get(message);
  };
  const sample = async () => {
    const samples = [];
    for (let i = 0; i < STREAM_PROBES; i++) samples.push(await probe());
    return samples.sort((a, b) => a - b);
  };
  const backgroundEnds = [];
  try {
    for (let i = 0; i < 20; i++) await probe(); // warm-up
    const idle = await sample();
    // Runs in flight: submitted 64 at a time, each held by the local Claude once its call arrives.
    let next = 0;
    const submitter = async () => {
      while (next < inFlight) {
        next += 1;
        const accepted = await exchange(`${gatewayUrl}/api/runs`, { headers: auth, body: { message: MESSAGE } });
        if (accepted.status !== 202) throw new Error(`POST /api/runs answered ${accepted.status}: ${accepted.body}`);
        const { runId } = JSON.parse(accepted.body);
        backgroundEnds.push(client.next((m) => m.event === 'agent:run:complete' && m.payload.runId === runId));
      }
    };
    await Promise.all(Array.from({ length: 64 }, submitter));
    while (background < inFlight) await new Promise((resolve) => setTimeout(resolve, 20));
    const loaded = await sample();
    return { idle, loaded };
  } finally {
    held.resolve();
    await Promise.all(backgroundEnds);
    claude.onFirstTextDelta = undefined;
    claude.reset();
  }
}

/** Synchronous `/webhook/invoke` calls, the way n8n and Make use the gateway. */
async function webhookClient(gatewayUrl, sessionToken) {
  const created = await exchange(`${gatewayUrl}/api/webhooks`, {
    headers: { authorization: `Bearer ${sessionToken}` },
    body: { name: 'bench', platform: 'generic', rateLimitPerMinute: 100_000 },
  });
  if (created.status !== 201) throw new Error(`webhook create failed: ${created.status} ${created.body}`);
  const { token } = JSON.parse(created.body);
  return {
    async invoke() {
      const answer = await exchange(`${gatewayUrl}/webhook/invoke`, {
        headers: { 'x-webhook-token': token },
        body: { message: MESSAGE, sync: true },
      });
      if (answer.status !== 200) throw new Error(`/webhook/invoke answered ${answer.status}: ${answer.body}`);
    },
    /** A request with a token that was never issued; counts 401 and 429 answers. */
    badToken: async (counts) => {
      const answer = await exchange(`${gatewayUrl}/webhook/invoke`, {
        headers: { 'x-webhook-token': `lgw_${randomBytes(32).toString('base64url')}` },
        body: { message: MESSAGE, sync: true },
      });
      counts[answer.status] = (counts[answer.status] ?? 0) + 1;
      if (answer.status !== 401 && answer.status !== 429) throw new Error(`a bad token got ${answer.status}`);
    },
  };
}

/** SQLite's data_version, read on a connection of our own: it changes when another connection commits. */
function databaseVersion(dataDir) {
  const db = new Database(join(dataDir, 'loop-gateway.sqlite'), { readonly: true });
  return {
    read: () => db.pragma('data_version', { simple: true }),
    close: () => db.close(),
  };
}

function direct(url) {
  return async () => {
    const answer = await exchange(`${url}/v1/messages`, { headers: claudeHeaders, body: messagesRequest() });
    if (answer.status !== 200 || !answer.body.includes('message_stop')) {
      throw new Error(`unexpected answer ${answer.status}: ${answer.body.slice(0, 200)}`);
    }
  };
}

/** Runs `total` calls with `concurrency` at a time and returns each call's latency in ms. */
async function latencies(call, concurrency, total) {
  const samples = [];
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started += 1;
      const t0 = process.hrtime.bigint();
      await call();
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return samples.sort((a, b) => a - b);
}

async function throughput(call, concurrency, seconds) {
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      await call();
      done += 1;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - t0) / 1000);
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (value, digits = 2) => Number(value.toFixed(digits));

async function main() {
  const claude = await LocalClaude.start({ latencyMs: 0, maxRecordedRequests: 0 });
  const proxy = await startBareProxy(claude.url);
  const gateway = await startGatewayProcess({
    env: {
      ANTHROPIC_BASE_URL: claude.url,
      ANTHROPIC_API_KEY: 'bench-key',
      RUN_CONCURRENCY: '32',
      RATE_LIMIT_PER_MINUTE: '1000000',
      WEBHOOK_TOKEN_FAILURES_PER_MINUTE: '100000',
      LOG_LEVEL: 'warn',
      // BENCH_CPU_PROF=<dir>: a CPU profile of the gateway process (node --cpu-prof); BENCH_NODE_OPTIONS:
      // more Node options for it (both as in in-flight.mjs).
      NODE_OPTIONS: [
        process.env.BENCH_CPU_PROF ? `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}` : '',
        process.env.BENCH_NODE_OPTIONS ?? '',
      ].join(' '),
    },
  });
  const client = await gatewayClient(gateway.url);
  const targets = { direct: direct(claude.url), proxy: direct(proxy.url), gateway: () => client.run() };

  try {
    for (const call of Object.values(targets)) {
      await latencies(call, 8, WARMUP_RUNS);
    }
    const report = { date: new Date().toISOString(), node: process.version, runs: LATENCY_RUNS, latency: {} };
    for (const concurrency of [1, 16]) {
      const row = {};
      for (const [name, call] of Object.entries(targets)) {
        const samples = await latencies(call, concurrency, LATENCY_RUNS);
        row[name] = { p50: round(percentile(samples, 50), 3), p99: round(percentile(samples, 99), 3) };
        console.log(`concurrency ${concurrency} ${name}: p50 ${row[name].p50} ms, p99 ${row[name].p99} ms`);
      }
      row.gatewayAdded = {
        p50: round(row.gateway.p50 - row.direct.p50, 3),
        p99: round(row.gateway.p99 - row.direct.p99, 3),
      };
      row.proxyAdded = { p50: round(row.proxy.p50 - row.direct.p50, 3), p99: round(row.proxy.p99 - row.direct.p99, 3) };
      report.latency[`c${concurrency}`] = row;
    }
    const rps = {};
    for (const [name, call] of Object.entries(targets)) {
      rps[name] = round(await throughput(call, 32, THROUGHPUT_SECONDS), 1);
      console.log(`throughput at 32 ${name}: ${rps[name]} runs/s`);
    }
    report.throughputC32 = { ...rps, gatewayToProxy: round(rps.gateway / rps.proxy, 3) };

    const webhook = await webhookClient(gateway.url, client.token);
    await latencies(() => webhook.invoke(), 8, WARMUP_RUNS);
    const invokeLatency = await latencies(() => webhook.invoke(), 32, LATENCY_RUNS);
    const invokeRps = await throughput(() => webhook.invoke(), 32, THROUGHPUT_SECONDS);
    // The activity feed gathers events for a moment before writing them: reading it writes out those of
    // the valid calls above, so what the check below sees is the flood's alone.
    await exchange(`${gateway.url}/api/activity`, {
      method: 'GET',
      headers: { authorization: `Bearer ${client.token}` },
    });
    const version = databaseVersion(gateway.dataDir);
    const counts = {};
    const before = version.read();
    const badRps = await throughput(() => webhook.badToken(counts), 32, Math.min(THROUGHPUT_SECONDS, 5));
    const writes = version.read() !== before;
    version.close();
    report.webhooks = {
      syncInvokePerSecond: round(invokeRps, 1),
      syncInvokeToProxy: round(invokeRps / rps.proxy, 3),
      syncInvokeP50: round(percentile(invokeLatency, 50), 3),
      syncInvokeP99: round(percentile(invokeLatency, 99), 3),
      badTokensPerSecond: round(badRps, 1),
      badTokenAnswers: counts,
      badToValidRatio: round(badRps / invokeRps, 1),
      databaseWrittenDuringFlood: writes,
    };
    console.log('webhooks', report.webhooks);

    const cancels = await cancelTimes(gateway.url, client, claude);
    report.cancel = {
      samples: CANCELS,
      streamMs: STREAM_MS,
      toCancelledP50: round(percentile(cancels.answered, 50), 3),
      toCancelledP99: round(percentile(cancels.answered, 99), 3),
      toEventP50: round(percentile(cancels.announced, 50), 3),
      toEventP99: round(percentile(cancels.announced, 99), 3),
    };
    console.log('cancel', report.cancel);

    const streaming = await streamingTimes(gateway.url, client, claude, STREAM_IN_FLIGHT);
    report.streaming = {
      samples: STREAM_PROBES,
      inFlight: STREAM_IN_FLIGHT,
      idleP50: round(percentile(streaming.idle, 50), 3),
      idleP99: round(percentile(streaming.idle, 99), 3),
      inFlightP50: round(percentile(streaming.loaded, 50), 3),
      inFlightP99: round(percentile(streaming.loaded, 99), 3),
    };
    console.log('streaming', report.streaming);
    report.goals = {
      addedP50AtC1: { goalMs: 1.5, measuredMs: report.latency.c1.gatewayAdded.p50 },
      addedP99AtC1: { goalMs: 5, measuredMs: report.latency.c1.gatewayAdded.p99 },
      throughputVsProxy: { goal: 0.3, measured: report.throughputC32.gatewayToProxy },
      webhookInvokeVsProxy: { goal: 0.8, measured: report.webhooks.syncInvokeToProxy },
      webhookInvokeP99: { goalMs: 50, measuredMs: report.webhooks.syncInvokeP99 },
      badTokenRatio: { goal: 10, measured: report.webhooks.badToValidRatio },
      cancelP99: { goalMs: 100, measuredMs: report.cancel.toCancelledP99 },
      streamingP99InFlight: { goalMs: 5, measuredMs: report.streaming.inFlightP99 },
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'gateway-overhead.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(RESULTS_DIR, 'gateway-overhead.md'), markdown(report));
    console.log(`\n${markdown(report)}`);
  } finally {
    client.close();
    await gateway.stop();
    proxy.stop();
    await claude.stop();
    agent.destroy();
  }
}

function markdown(report) {
  const lines = [
    `# Gateway overhead (${report.date}, Node ${report.node}, ${report.runs} runs per cell)`,
    '',
    '| concurrency | direct p50 / p99 ms | bare proxy p50 / p99 ms | gateway p50 / p99 ms | gateway added p50 / p99 ms | proxy added p50 / p99 ms |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [key, row] of Object.entries(report.latency)) {
    const cell = (value) => `${value.p50} / ${value.p99}`;
    lines.push(
      `| ${key.slice(1)} | ${cell(row.direct)} | ${cell(row.proxy)} | ${cell(row.gateway)} | ${cell(row.gatewayAdded)} | ${cell(row.proxyAdded)} |`,
    );
  }
  const t = report.throughputC32;
  lines.push(
    '',
    '| throughput at concurrency 32 | runs/s |',
    '| --- | --- |',
    `| direct | ${t.direct} |`,
    `| bare proxy | ${t.proxy} |`,
    `| gateway | ${t.gateway} |`,
    `| gateway / bare proxy | ${t.gatewayToProxy} |`,
    '',
    '| webhooks (concurrency 32) | |',
    '| --- | --- |',
    `| sync /webhook/invoke | ${report.webhooks.syncInvokePerSecond} /s (${report.webhooks.syncInvokeToProxy} of the bare proxy), p50 ${report.webhooks.syncInvokeP50} ms, p99 ${report.webhooks.syncInvokeP99} ms |`,
    `| bad-token flood | ${report.webhooks.badTokensPerSecond} rejections/s (${report.webhooks.badToValidRatio}× the valid rate; answers ${JSON.stringify(report.webhooks.badTokenAnswers)}) |`,
    `| database written during the flood | ${report.webhooks.databaseWrittenDuringFlood ? 'yes' : 'no'} |`,
    '',
    `| cancel while the model streams (${report.cancel.samples} runs) | p50 / p99 ms |`,
    '| --- | --- |',
    `| request → run stored and answered as cancelled | ${report.cancel.toCancelledP50} / ${report.cancel.toCancelledP99} |`,
    `| request → \`agent:run:cancelled\` on the WebSocket | ${report.cancel.toEventP50} / ${report.cancel.toEventP99} |`,
    '',
    `| streaming: first text delta written by the model → \`agent:run:text\` frame on a subscribed socket (${report.streaming.samples} runs each) | p50 / p99 ms |`,
    '| --- | --- |',
    `| nothing else in flight | ${report.streaming.idleP50} / ${report.streaming.idleP99} |`,
    `| ${report.streaming.inFlight} runs in flight (waiting on the model) | ${report.streaming.inFlightP50} / ${report.streaming.inFlightP99} |`,
    '',
    `Goals: added p50 <= 1.5 ms (measured ${report.goals.addedP50AtC1.measuredMs}), added p99 <= 5 ms (measured ${report.goals.addedP99AtC1.measuredMs}), throughput at 32 >= 0.3 of the bare proxy (measured ${report.goals.throughputVsProxy.measured}); sync webhook invocations >= 0.8 of the bare proxy (measured ${report.goals.webhookInvokeVsProxy.measured}) with p99 <= 50 ms (measured ${report.goals.webhookInvokeP99.measuredMs}); bad tokens rejected >= 10× the valid rate (measured ${report.goals.badTokenRatio.measured}) with no database write (${report.webhooks.databaseWrittenDuringFlood ? 'written' : 'none'}); a cancel while the model streams in under 100 ms (p99 measured ${report.goals.cancelP99.measuredMs}); first text delta to the console's frame p99 <= 5 ms with ${report.streaming.inFlight} runs in flight (measured ${report.goals.streamingP99InFlight.measuredMs}).`,
    '',
  );
  return lines.join('\n');
}

await main();

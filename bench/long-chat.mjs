// Long-chat benchmark (part of `npm run bench`): one conversation of 200 turns through the gateway
// against the local Claude with a small context window that it enforces (400 "prompt is too long").
// Every turn must be answered. For the last 20 turns (summary calls included) it reports the tokens
// sent per turn and the cost relative to sending the whole history uncached.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateInputTokens, LocalClaude, startGatewayProcess } from '../libs/testing/dist/index.js';
import { agent, exchange } from './http.mjs';

const RESULTS_DIR = join(import.meta.dirname, 'results');
const TURNS = Number(process.env.BENCH_CHAT_TURNS ?? 200);
const MEASURED_TURNS = 20;
const MODEL = 'claude-sonnet-4-6';
const ADMIN = { username: 'bench', password: 'bench-password-1234' };
const WORDS = 'the gateway keeps long chats inside the window and reads each turn from the prompt cache'.split(' ');

/** About `chars` characters of text that differs from turn to turn. */
function message(turn, chars) {
  let text = `Turn ${turn}:`;
  for (let i = 0; text.length < chars; i++)
    text += ` ${WORDS[(turn * 7 + i) % WORDS.length]}${i % 13 === 0 ? turn : ''}`;
  return text.slice(0, chars);
}

async function api(url, token, path, body) {
  const answer = await exchange(`${url}${path}`, {
    method: body === undefined ? 'GET' : path.startsWith('/api/agent-groups/') ? 'PUT' : 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body,
  });
  if (answer.status >= 300) throw new Error(`${path} answered ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body);
}

async function finished(url, token, runId) {
  for (;;) {
    const run = await api(url, token, `/api/runs/${runId}`);
    if (['completed', 'failed', 'refused'].includes(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Dollars per million tokens for MODEL from the gateway's price table (longest matching prefix). */
function priceOf(prices) {
  const prefix = Object.keys(prices)
    .filter((p) => MODEL.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  return prices[prefix];
}

async function longChat({ windowTokens, messageChars }) {
  const claude = await LocalClaude.start({ contextWindowTokens: windowTokens, maxRecordedRequests: 100_000 });
  const gateway = await startGatewayProcess({
    env: {
      ANTHROPIC_BASE_URL: claude.url,
      ANTHROPIC_API_KEY: 'bench-key',
      DEFAULT_MODEL: MODEL,
      RATE_LIMIT_PER_MINUTE: '1000000',
      LOG_LEVEL: 'warn',
    },
  });
  try {
    const { token } = await api(gateway.url, null, '/api/auth/setup', ADMIN);
    const [group] = await api(gateway.url, token, '/api/agent-groups');
    await api(gateway.url, token, `/api/agent-groups/${group.id}`, { contextWindowTokens: windowTokens });
    const price = priceOf((await api(gateway.url, token, '/api/usage/prices')).prices);

    const history = []; // the whole conversation, as sending it all would look
    const turns = [];
    let conversationId;
    let failed = 0;
    const started = performance.now();
    for (let turn = 1; turn <= TURNS; turn++) {
      const text = message(turn, messageChars);
      const firstRequest = claude.requests.length;
      const accepted = await api(gateway.url, token, '/api/runs', {
        message: text,
        ...(conversationId ? { conversationId } : {}),
      });
      conversationId = accepted.conversationId;
      const run = await finished(gateway.url, token, accepted.runId);
      if (run.status !== 'completed' || !run.reply?.startsWith('Echo: Turn')) failed++;
      history.push({ role: 'user', content: [{ type: 'text', text }] });
      const requests = claude.requests.slice(firstRequest);
      const last = requests.at(-1).body;
      // What this turn would cost if the whole history were sent each time, without a cache.
      const wholeHistory = estimateInputTokens({ system: last.system, tools: last.tools, messages: history });
      history.push({ role: 'assistant', content: [{ type: 'text', text: run.reply ?? '' }] });
      turns.push({ turn, run, requests, wholeHistory });
    }
    const seconds = (performance.now() - started) / 1000;

    const measured = turns.slice(-MEASURED_TURNS);
    const dollars = (c) =>
      (c.inputTokens * price.input +
        c.cacheCreationTokens * price.cacheWrite +
        c.cacheReadTokens * price.cacheRead +
        c.outputTokens * price.output) /
      1e6;
    let cost = 0;
    let uncachedWholeHistory = 0;
    const perTurn = measured.map(({ turn, run, requests, wholeHistory }) => {
      const calls = run.modelCalls;
      const sum = (key) => calls.reduce((total, call) => total + call[key], 0);
      cost += calls.reduce((total, call) => total + dollars(call), 0);
      const output = run.modelCalls.at(-1).outputTokens;
      uncachedWholeHistory += (wholeHistory * price.input + output * price.output) / 1e6;
      return {
        turn,
        calls: calls.length,
        tokensSent: requests.reduce((total, r) => total + estimateInputTokens(r.body), 0),
        uncached: sum('inputTokens'),
        cacheWrite: sum('cacheCreationTokens'),
        cacheRead: sum('cacheReadTokens'),
        wholeHistory,
      };
    });
    const compactions = turns.reduce((total, t) => total + t.run.modelCalls.length - 1, 0);
    const tooLong = claude.requests.filter((r) => estimateInputTokens(r.body) > windowTokens).length;
    return {
      windowTokens,
      messageChars,
      turns: TURNS,
      answered: TURNS - failed,
      compactions,
      promptTooLongAnswers: tooLong,
      seconds: Number(seconds.toFixed(1)),
      lastTurns: perTurn,
      meanTokensSentLastTurns: Math.round(perTurn.reduce((t, p) => t + p.tokensSent, 0) / perTurn.length),
      meanWholeHistoryLastTurns: Math.round(perTurn.reduce((t, p) => t + p.wholeHistory, 0) / perTurn.length),
      costRelativeToWholeHistoryUncached: Number((cost / uncachedWholeHistory).toFixed(3)),
    };
  } finally {
    await gateway.stop();
    await claude.stop();
  }
}

function markdown(report) {
  const lines = [`# Long chat (${report.date}, Node ${report.node}, ${TURNS} turns in one conversation)`, ''];
  lines.push(
    '| window | message chars | answered | compactions | 400 answers | mean tokens sent, last 20 turns | whole history (mean) | cost vs whole history uncached | time |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of report.runs) {
    lines.push(
      `| ${r.windowTokens} | ${r.messageChars} | ${r.answered}/${r.turns} | ${r.compactions} | ${r.promptTooLongAnswers} | ${r.meanTokensSentLastTurns} | ${r.meanWholeHistoryLastTurns} | ${r.costRelativeToWholeHistoryUncached} | ${r.seconds} s |`,
    );
  }
  for (const r of report.runs) {
    lines.push(
      '',
      `Last ${MEASURED_TURNS} turns, ${r.windowTokens}-token window, ${r.messageChars}-character messages (tokens; calls > 1: a compaction's summary call):`,
      '',
      '| turn | calls | sent | uncached | cache write | cache read | whole history |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...r.lastTurns.map(
        (t) =>
          `| ${t.turn} | ${t.calls} | ${t.tokensSent} | ${t.uncached} | ${t.cacheWrite} | ${t.cacheRead} | ${t.wholeHistory} |`,
      ),
    );
  }
  lines.push(
    '',
    `Goal: every turn answered; cost of the last 20 turns at most 0.25 of sending the whole history uncached.`,
    '',
  );
  return lines.join('\n');
}

async function main() {
  const report = { date: new Date().toISOString(), node: process.version, runs: [] };
  try {
    for (const setting of [
      { windowTokens: 60_000, messageChars: 2000 },
      { windowTokens: 30_000, messageChars: 4000 },
    ]) {
      const result = await longChat(setting);
      console.log(
        `window ${setting.windowTokens}, ${setting.messageChars} chars: ${result.answered}/${result.turns} answered, ` +
          `${result.compactions} compactions, cost ${result.costRelativeToWholeHistoryUncached} of the whole history uncached`,
      );
      report.runs.push(result);
    }
  } finally {
    agent.destroy();
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'long-chat.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'long-chat.md'), markdown(report));
  console.log(`\n${markdown(report)}`);
  if (report.runs.some((r) => r.answered !== r.turns)) process.exitCode = 1;
}

await main();

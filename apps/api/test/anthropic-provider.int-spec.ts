import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { LocalClaude } from '@loop-gateway/testing';
import { AnthropicProvider } from '../src/agents/model/anthropic.provider.js';
import { ModelCallError, type ModelRequest } from '../src/agents/model/model-provider.js';
import type { AppConfig } from '../src/config/app-config.js';
import { waitUntil } from './wait.js';

// The model client against the local Claude over real sockets: the wire format, streaming, retries,
// timeouts and cancellation as the runs see them.

const KEY = 'sk-ant-test-secret-key';

function provider(claude: LocalClaude, { retries = 0, timeoutMs = 10_000 } = {}): AnthropicProvider {
  return provider.at(claude.url, retries, timeoutMs);
}
provider.at = (url: string, retries: number, timeoutMs: number) =>
  new AnthropicProvider({ anthropicBaseUrl: url, modelMaxRetries: retries, modelTimeoutMs: timeoutMs } as AppConfig);

function ask(text: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: 'claude-sonnet-4-6',
    system: 'Be brief.',
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    tools: [],
    maxTokens: 200,
    apiKey: KEY,
    ...extra,
  };
}

/** The call's rejection (the test fails if it resolves). */
async function failure(call: Promise<unknown>): Promise<ModelCallError> {
  const error = await call.then(
    () => new Error('the call succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelCallError);
  expect((error as Error).message).not.toContain(KEY);
  return error as ModelCallError;
}

const gap = (claude: LocalClaude, i: number) =>
  claude.requests[i]!.receivedAt.getTime() - claude.requests[i - 1]!.receivedAt.getTime();

describe('AnthropicProvider against the local Claude', () => {
  let claude: LocalClaude;
  beforeAll(async () => (claude = await LocalClaude.start()));
  afterAll(() => claude.stop());
  afterEach(() => {
    claude.reset();
    claude.latencyMs = 0;
    claude.writeBytes = undefined;
  });

  it('streams one POST /v1/messages with the key, the version, prompt-cache breakpoints and stream: true', async () => {
    claude.script({ text: 'Hello there, streamed.' });
    const tools = [{ name: 'lookup', description: 'Looks things up.', input_schema: { type: 'object' } }];
    const deltas: string[] = [];
    const response = await provider(claude).call(ask('hi', { tools }), { onText: (delta) => deltas.push(delta) });

    expect(response).toEqual({
      content: [{ type: 'text', text: 'Hello there, streamed.' }],
      stopReason: 'end_turn',
      usage: {
        inputTokens: expect.any(Number),
        outputTokens: expect.any(Number),
        cacheCreationTokens: expect.any(Number),
        cacheReadTokens: 0,
      },
    });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Hello there, streamed.');
    const [sent] = claude.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/messages', apiKey: KEY });
    expect(sent!.headers).toMatchObject({
      'x-api-key': KEY,
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(sent!.rawBody)),
    });
    expect(JSON.parse(sent!.rawBody)).toEqual({
      model: 'claude-sonnet-4-6',
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      max_tokens: 200,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }],
      tools: [{ ...tools[0], cache_control: { type: 'ephemeral' } }],
      stream: true,
    });

    // A one-off request without breakpoints and without tools or system prompt leaves them out.
    await provider(claude).call(ask('once', { promptCache: false, system: '' }));
    expect(JSON.parse(claude.requests[1]!.rawBody)).toEqual({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'once' }] }],
      stream: true,
    });
  });

  it('reads the usage of message_start and message_delta, cache tokens included', async () => {
    const long = `${'A stable system prompt that is worth caching. '.repeat(200)}`;
    const model = provider(claude);
    const first = await model.call(ask('cache me', { system: long }));
    const second = await model.call(ask('cache me', { system: long }));
    expect(first.usage.cacheCreationTokens).toBeGreaterThan(0);
    expect(second.usage).toEqual({
      inputTokens: expect.any(Number),
      outputTokens: first.usage.outputTokens,
      cacheCreationTokens: 0,
      cacheReadTokens: first.usage.cacheCreationTokens,
    });
    expect(second.usage.outputTokens).toBeGreaterThan(0);
  });

  it('reads an answer cut anywhere: mid-line, mid-event and inside UTF-8 characters', async () => {
    const text = 'Grüße aus Köln — 東京の天気は晴れ 🌤️, and naïve café crème.';
    const input = { city: '東京', note: 'ünïcödé 🐍', nested: { list: [1, 2, { deep: 'ß' }] } };
    for (const size of [1, 2, 3, 7]) {
      claude.writeBytes = size;
      claude.script({ text }, { text: 'Looking it up.', toolUse: { name: 'weather', input, id: 'toolu_01A' } });
      const deltas: string[] = [];
      const plain = await provider(claude).call(ask('weather?'), { onText: (delta) => deltas.push(delta) });
      expect(plain.content).toEqual([{ type: 'text', text }]);
      expect(deltas.join('')).toBe(text);
      const tool = await provider(claude).call(ask('weather?'));
      expect(tool).toMatchObject({
        content: [
          { type: 'text', text: 'Looking it up.' },
          { type: 'tool_use', id: 'toolu_01A', name: 'weather', input },
        ],
        stopReason: 'tool_use',
      });
    }
  });

  it('assembles tool_use input from its JSON deltas, for parallel calls too, and {} for no input', async () => {
    claude.script({
      toolUse: [
        {
          name: 'search',
          input: { q: 'streaming "quotes" and \\ backslashes', limit: 5, tags: ['a', 'b'] },
          id: 'toolu_1',
        },
        { name: 'now', input: undefined, id: 'toolu_2' },
        { name: 'fetch', input: { url: 'https://example.com/?a=1&b=2' }, id: 'toolu_3' },
      ],
    });
    const response = await provider(claude).call(ask('go'));
    expect(response.stopReason).toBe('tool_use');
    expect(response.content).toEqual([
      {
        type: 'tool_use',
        id: 'toolu_1',
        name: 'search',
        input: { q: 'streaming "quotes" and \\ backslashes', limit: 5, tags: ['a', 'b'] },
      },
      { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} },
      { type: 'tool_use', id: 'toolu_3', name: 'fetch', input: { url: 'https://example.com/?a=1&b=2' } },
    ]);
  });

  it('fails with the message of an error event mid-stream, and does not retry a started answer', async () => {
    claude.script({ error: { status: 529, midStream: true, message: 'Overloaded mid-answer' } }, { text: 'never' });
    const error = await failure(provider(claude, { retries: 3 }).call(ask('hi')));
    expect(error.message).toBe('Model call failed (no status): Overloaded mid-answer');
    expect(error.status).toBeNull();
    expect(claude.requests).toHaveLength(1);
  });

  it('retries a 429 after its retry-after and a 529 after its retry-after-ms, then succeeds', async () => {
    claude.script(
      { error: { status: 429, retryAfterSeconds: 1 } },
      { error: { status: 529, headers: { 'retry-after-ms': '1600' } } },
      { text: 'Made it.' },
    );
    const deltas: string[] = [];
    const response = await provider(claude, { retries: 2 }).call(ask('hi'), { onText: (d) => deltas.push(d) });
    expect(response.content).toEqual([{ type: 'text', text: 'Made it.' }]);
    expect(deltas.join('')).toBe('Made it.');
    expect(claude.requests).toHaveLength(3);
    // The default backoff waits at most 0.5 s, then 1 s: longer waits show the headers were read.
    expect(gap(claude, 1)).toBeGreaterThanOrEqual(950);
    expect(gap(claude, 2)).toBeGreaterThanOrEqual(1550);
  });

  it('gives up after its retries with the status and the API’s message', async () => {
    claude.script({ error: { status: 529 } }, { error: { status: 529 } });
    const overloaded = await failure(provider(claude, { retries: 1 }).call(ask('hi')));
    expect(overloaded.message).toBe('Model call failed (529): Overloaded');
    expect(overloaded.status).toBe(529);
    expect(claude.requests).toHaveLength(2);

    claude.reset();
    claude.script({ error: { status: 400, message: 'messages: text content blocks must be non-empty' } });
    const bad = await failure(provider(claude, { retries: 3 }).call(ask('hi')));
    expect(bad.message).toBe('Model call failed (400): messages: text content blocks must be non-empty');
    expect(claude.requests).toHaveLength(1); // a 400 is not retried
  });

  it('obeys x-should-retry either way', async () => {
    claude.script(
      { error: { status: 400, message: 'try again', headers: { 'x-should-retry': 'true', 'retry-after-ms': '10' } } },
      { text: 'Second time lucky.' },
    );
    const retried = await provider(claude, { retries: 1 }).call(ask('hi'));
    expect(retried.content).toEqual([{ type: 'text', text: 'Second time lucky.' }]);
    expect(claude.requests).toHaveLength(2);

    claude.reset();
    claude.script({ error: { status: 529, headers: { 'x-should-retry': 'false' } } });
    const error = await failure(provider(claude, { retries: 3 }).call(ask('hi')));
    expect(error.message).toBe('Model call failed (529): Overloaded');
    expect(claude.requests).toHaveLength(1);
  });

  it('times out an attempt that receives nothing, retries it, and then fails clearly', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    claude.respondWith(async () => (await held, { text: 'too late' }));
    try {
      const error = await failure(provider(claude, { retries: 1, timeoutMs: 300 }).call(ask('hi')));
      expect(error.message).toBe('Model call failed (no status): Request timed out (nothing received for 0.3 s)');
      expect(claude.requests).toHaveLength(2);
    } finally {
      release();
    }
  });

  it('lets an answer stream longer than the timeout while it keeps arriving', async () => {
    // Half the latency before the first event, the rest spread over the events: each wait well
    // under the timeout, the whole answer well over it.
    claude.latencyMs = 1500;
    claude.script({ text: 'one two three four five six seven eight nine ten eleven twelve' });
    const started = Date.now();
    const response = await provider(claude, { timeoutMs: 1200 }).call(ask('hi'));
    expect(response.content).toEqual([
      { type: 'text', text: 'one two three four five six seven eight nine ten eleven twelve' },
    ]);
    expect(Date.now() - started).toBeGreaterThan(1200);
  });

  it('stops at once when the run is cancelled: before the answer, mid-answer and while waiting to retry', async () => {
    // Waiting for the answer.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    claude.respondWith(async () => (await held, { text: 'too late' }));
    const waiting = new AbortController();
    const call = provider(claude).call(ask('hi'), { signal: waiting.signal });
    await waitUntil('the request', () => claude.requests.length === 1);
    waiting.abort();
    expect((await failure(call)).message).toBe('Model call failed (no status): Request was aborted.');
    release();

    // Mid-answer: the text so far was delivered, nothing after the cancel.
    claude.reset();
    claude.latencyMs = 4000;
    claude.script({ text: 'one two three four five six seven eight nine ten eleven twelve' });
    const streaming = new AbortController();
    const deltas: string[] = [];
    const midway = provider(claude).call(ask('hi'), {
      signal: streaming.signal,
      onText: (delta) => {
        deltas.push(delta);
        streaming.abort();
      },
    });
    expect((await failure(midway)).message).toBe('Model call failed (no status): Request was aborted.');
    expect(deltas).toHaveLength(1);

    // Waiting 50 s to retry (the test's own limit is 30 s).
    claude.reset();
    claude.latencyMs = 0;
    claude.script({ error: { status: 429, retryAfterSeconds: 50 } }, { text: 'never' });
    const backoff = new AbortController();
    const retrying = provider(claude, { retries: 2 }).call(ask('hi'), { signal: backoff.signal });
    await waitUntil('the first attempt', () => claude.requests.length === 1);
    backoff.abort();
    expect((await failure(retrying)).message).toBe('Model call failed (no status): Request was aborted.');
    expect(claude.requests).toHaveLength(1);

    // Already cancelled: no request at all.
    claude.reset();
    await failure(provider(claude).call(ask('hi'), { signal: AbortSignal.abort() }));
    expect(claude.requests).toHaveLength(0);
  });

  it('reports a connection error without the key, after its retries', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const error = await failure(provider.at(`http://127.0.0.1:${closed}`, 1, 5000).call(ask('hi')));
    expect(error.message).toBe('Model call failed (no status): Connection error (ECONNREFUSED)');
    expect(error.status).toBeNull();
  });

  it('says when no key is set, without calling', async () => {
    const error = await failure(provider(claude).call(ask('hi', { apiKey: null })));
    expect(error.message).toMatch(/No Anthropic API key/);
    expect(claude.requests).toHaveLength(0);
  });
});

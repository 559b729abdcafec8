import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ServerResponse } from 'node:http';
import Anthropic, {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import { LocalClaude } from './local-claude.js';
import { estimateInputTokens } from './protocol.js';

const MODEL = 'claude-sonnet-4-6';
const tokens = (chars: number) => Math.max(1, Math.ceil(chars / 4));

function client(claude: LocalClaude, options: { maxRetries?: number; apiKey?: string } = {}): Anthropic {
  return new Anthropic({
    apiKey: options.apiKey ?? 'test-key',
    baseURL: claude.url,
    maxRetries: options.maxRetries ?? 0,
  });
}

/** A raw POST, for what the SDK's types or checks would not let through. */
async function post(claude: LocalClaude, body: string, headers: Record<string, string> = { 'x-api-key': 'raw-key' }) {
  const response = await fetch(`${claude.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('LocalClaude JSON answers', () => {
  let claude: LocalClaude;
  beforeAll(async () => (claude = await LocalClaude.start()));
  afterAll(() => claude.stop());
  afterEach(() => claude.reset());

  it('answers a scripted text with the real message shape and records the request', async () => {
    const text = 'Paris is the capital of France.';
    claude.script({ text });
    const system = 'You are terse.';
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Capital of France?' }];

    const message = await client(claude).messages.create({ model: MODEL, max_tokens: 256, system, messages });

    expect(message.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(message._request_id).toMatch(/^req_/);
    expect({ ...message, id: 'x', _request_id: undefined }).toEqual({
      id: 'x',
      _request_id: undefined,
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: tokens(system.length + JSON.stringify(messages).length),
        output_tokens: tokens(text.length),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
    expect(claude.requests).toHaveLength(1);
    const [request] = claude.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/messages');
    expect(request.body.system).toBe(system);
    expect(request.body.messages).toEqual(messages);
    expect(request.body.max_tokens).toBe(256);
    // SDK 1.x sends the API key as a bearer token; x-api-key is accepted too (see the raw fetch tests).
    expect(request.apiKey).toBe('test-key');
    expect(request.headers.authorization).toBe('Bearer test-key');
    expect(request.headers['anthropic-version']).toEqual(expect.any(String));
    expect(request.receivedAt).toBeInstanceOf(Date);
    expect(claude.pendingSteps).toBe(0);
  });

  it('uses scripted usage and stop reason, and counts system text blocks and tools', async () => {
    claude.script(
      { text: 'Cut sh', stopReason: 'max_tokens', usage: { input_tokens: 1234, output_tokens: 5 } },
      { text: 'ok' },
    );
    const cut = await client(claude).messages.create({
      model: MODEL,
      max_tokens: 5,
      messages: [{ role: 'user', content: 'Tell me a long story' }],
    });
    expect(cut.stop_reason).toBe('max_tokens');
    expect(cut.usage).toMatchObject({ input_tokens: 1234, output_tokens: 5 });

    const system = [{ type: 'text' as const, text: 'Be brief.' }];
    const tools = [{ name: 'lookup', description: 'Looks up', input_schema: { type: 'object' as const } }];
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }];
    const message = await client(claude).messages.create({ model: MODEL, max_tokens: 50, system, tools, messages });
    expect(message.usage.input_tokens).toBe(
      tokens(JSON.stringify(system).length + JSON.stringify(messages).length + JSON.stringify(tools).length),
    );
    expect(message.usage.output_tokens).toBe(1);
    expect(claude.requests[1].body.tools).toEqual(tools);
  });

  it('echoes the last user message when nothing is scripted', async () => {
    const message = await client(claude).messages.create({
      model: MODEL,
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'Echo: first' },
        { role: 'user', content: [{ type: 'text', text: 'second question' }] },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: second question' }]);
  });

  it('accepts x-api-key from a raw client and answers count_tokens', async () => {
    const body = { model: MODEL, max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi there' }] };
    const answer = await post(claude, JSON.stringify(body));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.headers.get('request-id')).toMatch(/^req_/);
    expect(JSON.parse(answer.text)).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'Echo: hi there' }],
    });
    expect(claude.requests[0].apiKey).toBe('raw-key');

    const count = await client(claude).messages.countTokens({ model: MODEL, messages: body.messages });
    expect(count.input_tokens).toBe(tokens(JSON.stringify(body.messages).length));
  });

  it('keeps only the most recent requests and clears them on reset', async () => {
    const small = await LocalClaude.start({ maxRecordedRequests: 2 });
    try {
      for (const content of ['a', 'b', 'c']) {
        await client(small).messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content }] });
      }
      expect(small.requests.map((request) => request.body.messages[0].content)).toEqual(['b', 'c']);
      small.script({ text: 'never used' }).respondWith(() => ({ text: 'never used' }));
      small.reset();
      expect(small.requests).toEqual([]);
      expect(small.pendingSteps).toBe(0);
      const message = await client(small).messages.create({
        model: MODEL,
        max_tokens: 5,
        messages: [{ role: 'user', content: 'd' }],
      });
      expect(message.content).toEqual([{ type: 'text', text: 'Echo: d' }]);
    } finally {
      await small.stop();
    }
  });
});

describe('LocalClaude streaming', () => {
  let claude: LocalClaude;
  beforeAll(async () => (claude = await LocalClaude.start()));
  afterAll(() => claude.stop());
  afterEach(() => claude.reset());

  const text = 'Streaming works: this answer arrives in several small text deltas, word by word.';

  it('streams text in several deltas that messages.stream() assembles into the final message', async () => {
    claude.script({ text });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Stream please' }];
    const stream = client(claude).messages.stream({ model: MODEL, max_tokens: 100, system: 'sys', messages });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));

    const final = await stream.finalMessage();

    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(deltas.join('')).toBe(text);
    expect(final.content).toEqual([{ type: 'text', text }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.id).toMatch(/^msg_/);
    expect(final.usage).toMatchObject({
      input_tokens: tokens('sys'.length + JSON.stringify(messages).length),
      output_tokens: tokens(text.length),
    });
    expect(claude.requests[0].body.stream).toBe(true);
  });

  it('sends the real event sequence to create({ stream: true })', async () => {
    claude.script({ text: 'one two three', usage: { input_tokens: 7, output_tokens: 3 } });
    const stream = await client(claude).messages.create({
      model: MODEL,
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'go' }],
    });
    const events: Anthropic.MessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);

    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({
      message: {
        role: 'assistant',
        model: MODEL,
        content: [],
        stop_reason: null,
        usage: { input_tokens: 7, output_tokens: 1 },
      },
    });
    expect(events[1]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(events[2]).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'one ' } });
    expect(events[6]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 3 },
    });
  });

  it('writes a streamed answer in pieces of writeBytes when set, cutting UTF-8 characters', async () => {
    claude.writeBytes = 5;
    // What the server writes, piece by piece: the client may well read several pieces at once.
    const writes = jest.spyOn(ServerResponse.prototype, 'write');
    try {
      const text = 'Grüße aus Köln — 東京 and 🐍 too.';
      claude.script({ text });
      const chunks: Buffer[] = [];
      const response = await fetch(`${claude.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({
          model: MODEL,
          max_tokens: 50,
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      for await (const chunk of response.body!) chunks.push(Buffer.from(chunk));
      const joined = Buffer.concat(chunks).toString('utf8');
      expect(joined).toContain('event: message_stop');
      expect(
        joined
          .match(/"text":"([^"]*)"/g)!
          .map((m) => JSON.parse(`{${m}}`).text)
          .join(''),
      ).toBe(text);
      const pieces = writes.mock.calls.map(([piece]) => Buffer.from(piece as Buffer | string));
      expect(Buffer.concat(pieces).toString('utf8')).toBe(joined);
      expect(pieces.length).toBe(Math.ceil(Buffer.byteLength(joined) / 5));
      expect(pieces.every((piece) => piece.length <= 5)).toBe(true);
    } finally {
      writes.mockRestore();
      claude.writeBytes = undefined;
    }
  });

  it('writes named SSE events (event: lines) with a ping, as text/event-stream', async () => {
    claude.script({ text: 'hi' });
    const body = { model: MODEL, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] };
    const answer = await post(claude, JSON.stringify(body));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(answer.headers.get('request-id')).toMatch(/^req_/);
    const names = [...answer.text.matchAll(/^event: (\w+)\ndata: (.+)\n\n/gm)].map(([, name, data]) => {
      expect((JSON.parse(data) as { type: string }).type).toBe(name);
      return name;
    });
    expect(names).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });
});

describe('LocalClaude tool use', () => {
  let claude: LocalClaude;
  beforeAll(async () => (claude = await LocalClaude.start()));
  afterAll(() => claude.stop());
  afterEach(() => claude.reset());

  const tools: Anthropic.Tool[] = [
    {
      name: 'get_weather',
      description: 'Current weather for a city',
      input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  ];
  const input = { city: 'Paris', units: 'celsius', days: [1, 2, 3], nested: { deep: true } };

  it.each([false, true])('round-trips a tool call (stream: %s)', async (streamed) => {
    claude.script({ toolUse: { name: 'get_weather', input }, text: 'Let me check.' }, { text: 'It is 18°C in Paris.' });
    const sdk = client(claude);
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];

    let first: Anthropic.Message;
    const jsonDeltas: string[] = [];
    if (streamed) {
      const stream = sdk.messages.stream({ model: MODEL, max_tokens: 200, tools, messages });
      stream.on('inputJson', (partial) => jsonDeltas.push(partial));
      first = await stream.finalMessage();
    } else {
      first = await sdk.messages.create({ model: MODEL, max_tokens: 200, tools, messages });
    }

    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: expect.stringMatching(/^toolu_01/), name: 'get_weather', input },
    ]);
    if (streamed) {
      expect(jsonDeltas.length).toBeGreaterThanOrEqual(2);
      expect(JSON.parse(jsonDeltas.join(''))).toEqual(input);
    }
    const toolUse = first.content[1] as Anthropic.ToolUseBlock;

    messages.push(
      { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18°C, sunny' }] },
    );
    const second = await sdk.messages.create({ model: MODEL, max_tokens: 200, tools, messages });

    expect(second.content).toEqual([{ type: 'text', text: 'It is 18°C in Paris.' }]);
    expect(second.stop_reason).toBe('end_turn');
    expect(claude.requests).toHaveLength(2);
    const turns = claude.requests[1].body.messages;
    expect(turns).toHaveLength(3);
    expect(turns[1]).toMatchObject({
      role: 'assistant',
      content: [{ type: 'text' }, { type: 'tool_use', id: toolUse.id, input }],
    });
    expect(turns[2].content).toEqual([{ type: 'tool_result', tool_use_id: toolUse.id, content: '18°C, sunny' }]);
    expect(claude.requests[1].body.tools).toEqual(tools);
  });

  it('answers several tool_use blocks in one turn (parallel tool use), streamed too', async () => {
    const both = {
      toolUse: [
        { name: 'get_weather', input: { city: 'Oslo' }, id: 'toolu_a' },
        { name: 'get_weather', input: { city: 'Bergen' }, id: 'toolu_b' },
      ],
    };
    claude.script(both, both);
    const sdk = client(claude);
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Oslo and Bergen?' }];
    const expected = [
      { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: { city: 'Bergen' } },
    ];
    const answer = await sdk.messages.create({ model: MODEL, max_tokens: 50, tools, messages });
    expect(answer).toMatchObject({ stop_reason: 'tool_use', content: expected });
    const streamed = await sdk.messages.stream({ model: MODEL, max_tokens: 50, tools, messages }).finalMessage();
    expect(streamed).toMatchObject({ stop_reason: 'tool_use', content: expected });
  });

  it('uses a scripted tool_use id and echoes tool results by default', async () => {
    claude.script({ toolUse: { name: 'get_weather', input: { city: 'Oslo' }, id: 'toolu_fixed' } });
    const sdk = client(claude);
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Oslo?' }];
    const first = await sdk.messages.create({ model: MODEL, max_tokens: 50, tools, messages });
    expect(first.content).toEqual([
      { type: 'tool_use', id: 'toolu_fixed', name: 'get_weather', input: { city: 'Oslo' } },
    ]);

    const result: Anthropic.ToolResultBlockParam = {
      type: 'tool_result',
      tool_use_id: 'toolu_fixed',
      content: [{ type: 'text', text: '-3°C' }],
    };
    messages.push(
      { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
      { role: 'user', content: [result] },
    );
    const second = await sdk.messages.create({ model: MODEL, max_tokens: 50, tools, messages });
    expect(second.content).toEqual([{ type: 'text', text: 'Tool get_weather returned: -3°C' }]);
  });

  it('rejects a history whose tool_use and tool_result blocks do not pair up, like the real API', async () => {
    const sdk = client(claude);
    const orphan = sdk.messages.create({
      model: MODEL,
      max_tokens: 50,
      tools,
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_nope', content: 'x' }] }],
    });
    await expect(orphan).rejects.toBeInstanceOf(BadRequestError);
    await expect(orphan).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('unexpected `tool_use_id`'),
    });

    const unanswered = sdk.messages.create({
      model: MODEL,
      max_tokens: 50,
      tools,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} }] },
        { role: 'user', content: 'never mind' },
      ],
    });
    await expect(unanswered).rejects.toMatchObject({ status: 400, message: expect.stringContaining('toolu_a') });
  });
});

describe('LocalClaude errors', () => {
  let claude: LocalClaude;
  beforeAll(async () => (claude = await LocalClaude.start()));
  afterAll(() => claude.stop());
  afterEach(() => claude.reset());

  const request = { model: MODEL, max_tokens: 20, messages: [{ role: 'user' as const, content: 'hi' }] };

  it('answers 429 with retry-after, which the SDK honours before its successful retry', async () => {
    claude.script({ error: { status: 429, retryAfterSeconds: 1 } }, { text: 'after the limit' });
    const message = await client(claude, { maxRetries: 1 }).messages.create(request);

    expect(message.content).toEqual([{ type: 'text', text: 'after the limit' }]);
    expect(claude.requests).toHaveLength(2);
    const [first, second] = claude.requests;
    expect(second.headers['x-stainless-retry-count']).toBe('1');
    // The SDK's own backoff for a first retry is at most 500 ms: waiting ~1 s proves retry-after was read.
    expect(second.receivedAt.getTime() - first.receivedAt.getTime()).toBeGreaterThanOrEqual(950);
  });

  it('gives the SDK a RateLimitError with the real body once retries are exhausted', async () => {
    claude.script({ error: { status: 429, message: 'slow down', retryAfterSeconds: 7 } });
    const error = (await client(claude)
      .messages.create(request)
      .catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.headers.get('retry-after')).toBe('7');
    expect(error.requestID).toMatch(/^req_/);
    expect(error.error).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } });
  });

  it('answers 529 overloaded_error and 500 api_error', async () => {
    claude.script({ error: { status: 529 } }, { error: { status: 500, message: 'boom' } });
    const overloaded = (await client(claude)
      .messages.create(request)
      .catch((e: unknown) => e)) as APIError;
    expect(overloaded).toBeInstanceOf(APIError);
    expect(overloaded.status).toBe(529);
    expect(overloaded.type).toBe('overloaded_error');
    expect(overloaded.error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    await expect(client(claude).messages.create(request)).rejects.toBeInstanceOf(InternalServerError);
    expect(claude.requests).toHaveLength(2);
  });

  it('returns scripted HTTP errors to streaming requests, and can fail a stream midway', async () => {
    claude.script({ error: { status: 529 } }, { error: { status: 529, midStream: true } });
    const before = client(claude).messages.stream({ ...request });
    await expect(before.finalMessage()).rejects.toMatchObject({ status: 529 });

    const midway = client(claude).messages.stream({ ...request });
    let started = false;
    midway.on('streamEvent', (event) => (started ||= event.type === 'message_start'));
    const error = (await midway.finalMessage().catch((e: unknown) => e)) as APIError;
    expect(started).toBe(true);
    expect(error).toBeInstanceOf(APIError);
    expect(error.error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('sends a scripted error’s extra headers', async () => {
    claude.script({ error: { status: 529, headers: { 'x-should-retry': 'false', 'retry-after-ms': '250' } } });
    const error = (await client(claude, { maxRetries: 2 })
      .messages.create(request)
      .catch((e: unknown) => e)) as APIError;
    expect(error.status).toBe(529);
    expect(error.headers?.get('retry-after-ms')).toBe('250');
    expect(claude.requests).toHaveLength(1); // the SDK obeyed x-should-retry: false
  });

  it('answers 401 authentication_error without a key, and for keys outside apiKeys', async () => {
    // `Authorization: null` makes the SDK send no credentials at all.
    const keyless = new Anthropic({
      apiKey: 'x',
      baseURL: claude.url,
      maxRetries: 0,
      defaultHeaders: { Authorization: null },
    });
    const error = (await keyless.messages.create(request).catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.error).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'x-api-key header is required' },
    });
    expect(claude.requests[0].apiKey).toBeUndefined();

    const guarded = await LocalClaude.start({ apiKeys: ['good-key'] });
    try {
      guarded.script({ text: 'welcome' });
      await expect(client(guarded, { apiKey: 'bad-key' }).messages.create(request)).rejects.toBeInstanceOf(
        AuthenticationError,
      );
      expect(guarded.pendingSteps).toBe(1);
      const ok = await client(guarded, { apiKey: 'good-key' }).messages.create(request);
      expect(ok.content).toEqual([{ type: 'text', text: 'welcome' }]);
      expect((await post(guarded, JSON.stringify(request), { 'x-api-key': 'good-key' })).status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });

  it.each([
    ['a missing max_tokens', { model: MODEL, messages: request.messages }, 'max_tokens: Field required'],
    ['a missing model', { max_tokens: 5, messages: request.messages }, 'model: Field required'],
    ['missing messages', { model: MODEL, max_tokens: 5 }, 'messages: Field required'],
    ['empty messages', { model: MODEL, max_tokens: 5, messages: [] }, 'messages: at least one message is required'],
    [
      'a bad role',
      { model: MODEL, max_tokens: 5, messages: [{ role: 'bot', content: 'x' }] },
      "messages.0.role: Input should be 'user' or 'assistant'",
    ],
  ])('answers 400 invalid_request_error to %s', async (_name, body, message) => {
    claude.script({ text: 'kept for a valid request' });
    const answer = await post(claude, JSON.stringify(body));
    expect(answer.status).toBe(400);
    expect(answer.headers.get('request-id')).toMatch(/^req_/);
    expect(JSON.parse(answer.text)).toEqual({ type: 'error', error: { type: 'invalid_request_error', message } });
    expect(claude.pendingSteps).toBe(1);
  });

  it('answers 400 to a body that is not JSON, and 404 to other paths', async () => {
    const bad = await post(claude, '{"model": ');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringMatching(/not valid JSON/) },
    });
    expect(claude.requests[0].rawBody).toBe('{"model": ');

    const missing = await fetch(`${claude.url}/v1/complete`, {
      method: 'POST',
      headers: { 'x-api-key': 'k' },
      body: '{}',
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});

describe('LocalClaude latency', () => {
  let claude: LocalClaude;
  beforeAll(async () => (claude = await LocalClaude.start({ latencyMs: 150 })));
  afterAll(() => claude.stop());

  const request = { model: MODEL, max_tokens: 20, messages: [{ role: 'user' as const, content: 'slow?' }] };

  it('delays JSON and streamed answers by latencyMs, settable at runtime', async () => {
    const sdk = client(claude);
    let started = performance.now();
    await sdk.messages.create(request);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);

    claude.script({ text: 'a streamed answer spread over its events' });
    started = performance.now();
    const final = await sdk.messages.stream(request).finalMessage();
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(final.content).toEqual([{ type: 'text', text: 'a streamed answer spread over its events' }]);

    claude.latencyMs = 400;
    started = performance.now();
    await sdk.messages.create(request);
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('stops promptly while an answer is still delayed', async () => {
    const slow = await LocalClaude.start({ latencyMs: 60_000 });
    const pending = client(slow)
      .messages.create(request)
      .catch((e: unknown) => e);
    while (slow.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await slow.stop();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('LocalClaude respondWith', () => {
  let claude: LocalClaude;
  beforeAll(async () => (claude = await LocalClaude.start()));
  afterAll(() => claude.stop());
  afterEach(() => claude.reset());

  it('answers concurrent requests by content, holding them all at once', async () => {
    const count = 5;
    let release!: () => void;
    const allArrived = new Promise<void>((resolve) => (release = resolve));
    let arrived = 0;
    claude.respondWith(async (request) => {
      if (++arrived === count) release();
      // Every request waits until all have arrived: this deadlocks if the server answered one at a time.
      await allArrived;
      const content = request.body.messages.at(-1)?.content;
      const question = typeof content === 'string' ? content : '';
      return question.startsWith('tool')
        ? { toolUse: { name: 'lookup', input: { q: question } } }
        : { text: `Answer to ${question}`, usage: { input_tokens: 1, output_tokens: question.length } };
    });
    const sdk = client(claude);
    const questions = ['q0', 'tool q1', 'q22', 'tool q333', 'q4444'];
    const tools: Anthropic.Tool[] = [{ name: 'lookup', input_schema: { type: 'object' } }];

    const answers = await Promise.all(
      questions.map((question, i) =>
        i % 2 === 0
          ? sdk.messages.create({
              model: MODEL,
              max_tokens: 50,
              tools,
              messages: [{ role: 'user', content: question }],
            })
          : sdk.messages
              .stream({ model: MODEL, max_tokens: 50, tools, messages: [{ role: 'user', content: question }] })
              .finalMessage(),
      ),
    );

    answers.forEach((answer, i) => {
      const question = questions[i];
      if (question.startsWith('tool')) {
        expect(answer.stop_reason).toBe('tool_use');
        expect(answer.content).toEqual([
          { type: 'tool_use', id: expect.any(String), name: 'lookup', input: { q: question } },
        ]);
      } else {
        expect(answer.content).toEqual([{ type: 'text', text: `Answer to ${question}` }]);
        expect(answer.usage.output_tokens).toBe(question.length);
      }
    });
    expect(claude.requests).toHaveLength(count);
  });

  it('prefers the script queue and falls back to the responder', async () => {
    claude.respondWith(() => ({ text: 'from the responder' })).script({ text: 'scripted' });
    const sdk = client(claude);
    const ask = async () =>
      (await sdk.messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).content;
    expect(await ask()).toEqual([{ type: 'text', text: 'scripted' }]);
    expect(await ask()).toEqual([{ type: 'text', text: 'from the responder' }]);
  });

  it('turns a throwing responder into a 500 api_error', async () => {
    claude.respondWith(() => {
      throw new Error('responder bug');
    });
    const error = (await client(claude)
      .messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toContain('responder bug');
  });
});

describe('LocalClaude context window and prompt cache', () => {
  let claude: LocalClaude;
  beforeAll(async () => (claude = await LocalClaude.start()));
  afterAll(() => claude.stop());
  afterEach(() => {
    claude.reset();
    claude.contextWindowTokens = undefined;
  });

  it('answers 400 "prompt is too long" beyond its window, as the real API does', async () => {
    const text = 'x'.repeat(400);
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: text }];
    const size = tokens(JSON.stringify(messages).length);
    claude.contextWindowTokens = size;
    const fits = await client(claude).messages.create({ model: MODEL, max_tokens: 10, messages });
    expect(fits.usage.input_tokens).toBe(size);

    claude.contextWindowTokens = size - 1;
    claude.script({ text: 'not used' });
    const error = (await client(claude)
      .messages.create({ model: MODEL, max_tokens: 10, messages })
      .catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: `prompt is too long: ${size} tokens > ${size - 1} maximum` },
    });
    expect(claude.pendingSteps).toBe(1);
  });

  it('writes a cache_control prefix once, then reads it; the rest is plain input', async () => {
    const system = [{ type: 'text' as const, text: 'S'.repeat(4000), cache_control: { type: 'ephemeral' as const } }];
    const tools: Anthropic.Tool[] = [{ name: 'lookup', input_schema: { type: 'object' } }];
    const turn = (text: string, cached: boolean): Anthropic.MessageParam => ({
      role: 'user',
      content: [{ type: 'text', text, ...(cached ? { cache_control: { type: 'ephemeral' as const } } : {}) }],
    });
    const first: Anthropic.MessageParam[] = [turn('first question '.repeat(50), true)];
    const sdk = client(claude);
    const one = await sdk.messages.create({ model: MODEL, max_tokens: 10, system, tools, messages: first });
    const total1 = estimateInputTokens({ system, tools, messages: first } as Parameters<typeof estimateInputTokens>[0]);
    expect(one.usage.cache_read_input_tokens).toBe(0);
    expect(one.usage.cache_creation_input_tokens).toBeGreaterThan(1000);
    expect(one.usage.input_tokens + (one.usage.cache_creation_input_tokens ?? 0)).toBe(total1);

    // The next turn sends the same prefix plus an answer and a new question, marking both ends.
    const second: Anthropic.MessageParam[] = [
      turn('first question '.repeat(50), true),
      { role: 'assistant', content: 'An answer.' },
      turn('second question', true),
    ];
    const two = await sdk.messages
      .stream({ model: MODEL, max_tokens: 10, system, tools, messages: second })
      .finalMessage();
    expect(two.usage.cache_read_input_tokens).toBe(one.usage.cache_creation_input_tokens);
    expect(two.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(two.usage.input_tokens).toBeLessThan(5);

    // Another model (or key) has its own cache; a request without markers uses none.
    const other = await sdk.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 10,
      system,
      tools,
      messages: first,
    });
    expect(other.usage.cache_read_input_tokens).toBe(0);
    const plain = await sdk.messages.create({ model: MODEL, max_tokens: 10, messages: [turn('hello', false)] });
    expect(plain.usage).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });

  it('forgets a prefix that was not used within the cache lifetime', async () => {
    const shortLived = await LocalClaude.start({ cacheTtlMs: 1 });
    try {
      const body = {
        model: MODEL,
        max_tokens: 10,
        messages: [
          {
            role: 'user' as const,
            content: [{ type: 'text' as const, text: 'q'.repeat(400), cache_control: { type: 'ephemeral' as const } }],
          },
        ],
      };
      const sdk = client(shortLived);
      const first = await sdk.messages.create(body);
      const started = Date.now();
      while (Date.now() - started < 5) await new Promise((resolve) => setImmediate(resolve));
      const again = await sdk.messages.create(body);
      expect(again.usage.cache_read_input_tokens).toBe(0);
      expect(again.usage.cache_creation_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    } finally {
      await shortLived.stop();
    }
  });

  it('answers a summary request with a short summary instead of an echo', async () => {
    const transcript = Array.from({ length: 20 }, (_, i) => `user: message number ${i} ${'words '.repeat(30)}`).join(
      '\n',
    );
    const answer = await client(claude).messages.create({
      model: MODEL,
      max_tokens: 200,
      system: 'Summarize the conversation below for your own later use.',
      messages: [{ role: 'user', content: transcript }],
    });
    const text = (answer.content[0] as Anthropic.TextBlock).text;
    expect(text).toMatch(/^Summary: user: message number 0/);
    expect(text).not.toContain('Echo');
    expect(text.length).toBeLessThanOrEqual(Math.floor(transcript.length / 4));
    expect(answer.usage.output_tokens).toBeLessThanOrEqual(200);
  });
});

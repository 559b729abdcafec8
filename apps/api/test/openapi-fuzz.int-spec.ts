import { readFileSync } from 'node:fs';
import { LocalClaude } from '@loop-gateway/testing';
import { JSON_BODY_LIMIT_BYTES, JSON_BODY_MAX_DEPTH, JSON_BODY_MAX_VALUES } from '../src/common/json-body.js';
import { startGateway } from './pipeline-harness.js';
import { ADMIN } from './test-app.js';

/**
 * Every operation of the committed OpenAPI document, sent malformed bodies, path and query
 * parameters and headers, signed in and not: no answer may be a 5xx, and the gateway must still
 * answer afterwards. Deterministic (a seeded generator, operations and mutations in document order)
 * and bounded: about 6000 requests (under a minute on a loaded 2-core machine), a per-operation cap,
 * each operation its own test; the time taken is printed at the end.
 */

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  minLength?: number;
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: Record<string, unknown>[];
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const spec = JSON.parse(
  readFileSync(new URL('../../../libs/api-client/openapi.json', import.meta.url), 'utf8'),
) as OpenApi;

/** Requests per operation at most, so one operation with a large body cannot eat the time box. */
const MAX_REQUESTS_PER_OPERATION = 500;
const SEED = 0x5eed_2026;

/** mulberry32: a small seeded generator, so every run sends the same requests. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(SEED);
const uuid = (): string => {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

const resolve = (schema: Schema): Schema => {
  let current = schema;
  while (current.$ref) current = spec.components.schemas[current.$ref.split('/').pop()!]!;
  if (current.allOf?.length === 1) return resolve(current.allOf[0]!);
  return current;
};

/** A plausible value for `schema`: examples, first enum entries, minimums, `false` for booleans (nothing starts). */
function sample(schema: Schema, depth = 0): unknown {
  const s = resolve(schema);
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? (s.example as number | undefined) ?? 1;
  if (s.example !== undefined) return s.example;
  if (s.enum) return s.enum[0];
  switch (s.type) {
    case 'boolean':
      return false;
    case 'array':
      return s.items ? [sample(s.items, depth + 1)] : [];
    case 'string':
      if (s.format === 'uuid') return uuid();
      if (s.format === 'date-time') return '2026-06-01T09:00:00Z';
      return 'fuzz'.padEnd(Math.max(4, s.minLength ?? 0), 'z');
    default:
      if (!s.properties || depth > 4) return {};
      return Object.fromEntries(Object.entries(s.properties).map(([key, value]) => [key, sample(value, depth + 1)]));
  }
}

/** As many objects as the body parser lets through: the most validation work one request can ask for. */
const wideObjects = Array.from({ length: JSON_BODY_MAX_VALUES - 100 }, () => ({}));
const nestedJson = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const nestedValue = (depth: number): unknown => JSON.parse(nestedJson(depth));

/** Values that must never be a 5xx wherever they go. */
const badValues = (): unknown[] => [
  null,
  [],
  {},
  [{}],
  0,
  -1,
  1.5,
  1e308,
  '',
  'x',
  true,
  'a'.repeat(120_000),
  '\u0000\u202e\ud83d\ude00',
  nestedValue(JSON_BODY_MAX_DEPTH - 3),
];

interface Probe {
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Body mutations: the whole body replaced, then each field (nested objects too) broken in turn. */
function bodyProbes(schema: Schema): { what: string; body: string; contentType?: string }[] {
  const base = sample(schema) as Record<string, unknown>;
  const json = (value: unknown) => JSON.stringify(value);
  const probes: { what: string; body: string; contentType?: string }[] = [
    { what: 'example body', body: json(base) },
    { what: 'empty object', body: '{}' },
    { what: 'null body', body: 'null' },
    { what: 'array body', body: json([base]) },
    { what: 'string body', body: '"x"' },
    { what: 'number body', body: '42' },
    { what: 'not JSON', body: '{"name": ' },
    { what: 'empty JSON body', body: '' },
    { what: `nested ${JSON_BODY_MAX_DEPTH + 1} deep`, body: nestedJson(JSON_BODY_MAX_DEPTH + 1) },
    { what: 'nested 30 000 deep (60 KB)', body: nestedJson(30_000) },
    { what: 'too many values', body: json({ x: Array.from({ length: 50_000 }, () => 0) }) },
    { what: 'array of objects', body: json(wideObjects) },
    { what: 'over the size limit', body: json({ x: 'a'.repeat(JSON_BODY_LIMIT_BYTES) }) },
    { what: 'extra field', body: json({ ...base, extraField: 'x' }) },
    { what: '__proto__ field', body: `{"__proto__":{"admin":true},${json(base).slice(1)}` },
    { what: 'constructor field', body: json({ ...base, constructor: { prototype: { admin: true } } }) },
    { what: 'text/plain', body: json(base), contentType: 'text/plain' },
    {
      what: 'form-encoded',
      body: 'name=x&a[b][c][d][e][f][g]=1&a[]=2',
      contentType: 'application/x-www-form-urlencoded',
    },
    { what: 'unknown charset', body: json(base), contentType: 'application/json; charset=bogus' },
    { what: 'utf-16 charset', body: json(base), contentType: 'application/json; charset=utf-16' },
  ];
  const walk = (
    s: Schema,
    value: Record<string, unknown>,
    set: (v: unknown) => string,
    prefix: string,
    depth: number,
  ) => {
    const resolved = resolve(s);
    const fields = Object.entries(resolved.properties ?? {});
    if (resolved.additionalProperties && typeof resolved.additionalProperties === 'object') {
      fields.push(['anyKey', resolved.additionalProperties]);
    }
    for (const [field, fieldSchema] of fields) {
      const withField = (v: unknown) => {
        const copy = { ...value };
        if (v === undefined) delete copy[field];
        else copy[field] = v;
        return set(copy);
      };
      probes.push({ what: `${prefix}${field} missing`, body: withField(undefined) });
      for (const bad of badValues()) {
        probes.push({ what: `${prefix}${field} = ${show(bad)}`, body: withField(bad) });
      }
      const inner = resolve(fieldSchema);
      probes.push({ what: `${prefix}${field} = ${wideObjects.length} objects`, body: withField(wideObjects) });
      if (depth < 3 && (inner.properties || typeof inner.additionalProperties === 'object')) {
        const current = (value[field] ?? {}) as Record<string, unknown>;
        walk(inner, typeof current === 'object' ? current : {}, (v) => withField(v), `${prefix}${field}.`, depth + 1);
      }
    }
  };
  walk(schema, base, (v) => json(v), '', 0);
  return probes;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 20)}… (${text.length} chars)` : text;
}

const BAD_PATH_VALUES = [
  'not-a-uuid',
  'a'.repeat(3000),
  'ü🙂',
  '..',
  '%2e%2e',
  '..%2f..%2fetc%2fpasswd',
  '%00',
  ' ',
  '0',
];
const BAD_QUERY_VALUES = ['-1', '0', 'abc', '1e309', '', '%00', 'ü', '1&limit=2', 'x'.repeat(5000), '[object Object]'];
const BAD_HEADERS: Record<string, string>[] = [
  { authorization: 'Bearer' },
  { authorization: `Bearer ${'x'.repeat(8000)}` },
  { authorization: 'Basic YWRtaW46YWRtaW4=' },
  { authorization: 'Bearer \u00ff\u00fe' },
  { 'x-webhook-token': 'x'.repeat(8000) },
  { 'x-webhook-token': '\u00ff' },
  { 'idempotency-key': 'x'.repeat(8000) },
  { 'idempotency-key': '' },
  { 'content-encoding': 'gzip' },
  { 'content-encoding': 'br, zstd, bogus' },
  { 'x-forwarded-for': 'not-an-ip, 999.1.1.1' },
  { accept: 'text/html;q=bogus' },
];

const fuzzOperations = Object.entries(spec.paths)
  .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })))
  // Destructive operations last, so the fixtures the others use are still there; logout after all.
  .sort((a, b) => rank(a) - rank(b));

function rank({ method, op }: { method: string; op: Operation }): number {
  if (op.operationId === 'logout') return 2;
  return method === 'DELETE' || /rotate/i.test(op.operationId) ? 1 : 0;
}

describe('OpenAPI-driven fuzz: no malformed request gets a 5xx', () => {
  let claude: LocalClaude;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let token: string;
  const fixtures: Record<string, string> = {};
  const started = performance.now();
  let sent = 0;
  const capped: string[] = [];

  const call = async (probe: Probe): Promise<{ status: number; text: string }> => {
    sent++;
    const res = await fetch(`${gateway.gw.url}${probe.path}`, {
      method: probe.method,
      headers: probe.headers,
      body: probe.body,
      redirect: 'manual',
    });
    return { status: res.status, text: await res.text() };
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await call({
      what: 'fixture',
      method,
      path,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return JSON.parse(res.text || 'null') as Record<string, string>;
  };

  beforeAll(async () => {
    claude = await LocalClaude.start();
    gateway = await startGateway(claude, { LOGIN_MAX_FAILURES: '1000', WEBHOOK_TOKEN_FAILURES_PER_MINUTE: '100000' });
    token = gateway.token;
    const group = await api('POST', '/api/agent-groups', { name: 'Fuzz group' });
    const channel = await api('POST', '/api/channels', {
      type: 'telegram',
      name: 'Fuzz channel',
      config: { botToken: `123456:${'A'.repeat(35)}` },
      enabled: false,
    });
    const adminHook = await api('POST', '/api/webhooks', { name: 'Fuzz admin' });
    // The inbound token belongs to a webhook the admin operations never see, so it stays valid.
    const inbound = await api('POST', '/api/webhooks', { name: 'Fuzz inbound', rateLimitPerMinute: 100_000 });
    const job = await api('POST', '/api/scheduler/jobs', {
      name: 'Fuzz job',
      enabled: false,
      trigger: { type: 'interval', everySeconds: 3600 },
      action: { type: 'agent', prompt: 'hi' },
    });
    const calendar = await api('POST', '/api/scheduler/calendars', {
      name: 'Fuzz calendar',
      url: 'http://127.0.0.1:9/calendar.ics',
      pollMinutes: 1440,
    });
    const run = await api('POST', '/api/runs', { message: 'hello' });
    const task = await api('POST', '/api/tasks', { name: 'Fuzz task', prompt: 'hi', maxIterations: 1 });
    Object.assign(fixtures, {
      'agent-groups': group.id,
      channels: channel.id,
      webhooks: adminHook.id,
      jobs: job.id,
      calendars: calendar.id,
      runs: run.runId,
      tasks: task.id,
      channelId: channel.id,
      runId: run.runId,
      token: inbound.token,
      toolName: 'http_request',
      name: 'http_request',
    });
  });

  afterAll(async () => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `OpenAPI fuzz: ${sent} requests over ${fuzzOperations.length} operations in ${seconds} s` +
        (capped.length ? `; capped at ${MAX_REQUESTS_PER_OPERATION}: ${capped.join(', ')}` : ''),
    );
    await gateway?.gw.close();
    await claude?.stop();
  });

  /** A signed-in session for each operation: logout and the login fuzz must not leave the rest unauthenticated. */
  beforeEach(async () => {
    const me = await call({
      what: 'me',
      method: 'GET',
      path: '/api/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    if (me.status === 200) return;
    const login = await call({
      what: 'login',
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    token = (JSON.parse(login.text) as { token: string }).token;
  });

  it.each(fuzzOperations.map((o) => [`${o.method} ${o.path}`, o] as const))(
    '%s',
    async (_name, { path, method, op }) => {
      const params = op.parameters ?? [];
      const valueOf = (name: string): string => {
        if (name !== 'id') return fixtures[name] ?? uuid();
        const collection = path.split('/{id}')[0]!.split('/').pop()!;
        return fixtures[collection] ?? uuid();
      };
      const fillPath = (override?: [string, string]) =>
        path.replace(/\{(\w+)\}/g, (_m, name: string) =>
          override && override[0] === name ? override[1] : encodeURIComponent(valueOf(name)),
        );
      const usesWebhookToken = op.security?.some((s) => 'webhook-token' in s) ?? false;
      const authHeaders = (): Record<string, string> =>
        usesWebhookToken
          ? params.some((p) => p.name === 'token')
            ? {}
            : { 'x-webhook-token': fixtures.token! }
          : { authorization: `Bearer ${token}` };
      const schema = op.requestBody?.content['application/json']?.schema;
      const bodies = schema ? bodyProbes(schema) : [{ what: 'no body', body: undefined as string | undefined }];
      const example = bodies[0]!;

      const probes: Probe[] = [];
      const probe = (what: string, extra: Partial<Probe> & { contentType?: string } = {}, signedIn = true) => {
        const { contentType, ...rest } = extra;
        const body = 'body' in extra ? extra.body : example.body;
        probes.push({
          what: `${signedIn ? '' : '[signed out] '}${what}`,
          method,
          path: fillPath(),
          body,
          ...rest,
          headers: {
            ...(body !== undefined ? { 'content-type': contentType ?? 'application/json' } : {}),
            ...(signedIn ? authHeaders() : {}),
            ...rest.headers,
          },
        });
      };
      for (const b of bodies) probe(b.what, b);
      for (const b of bodies.slice(0, 12)) probe(b.what, b, false);
      for (const p of params.filter((x) => x.in === 'path')) {
        for (const bad of BAD_PATH_VALUES) {
          probe(`path ${p.name} = ${show(bad)}`, { path: fillPath([p.name, bad]) });
          probe(`path ${p.name} = ${show(bad)}`, { path: fillPath([p.name, bad]) }, false);
        }
      }
      for (const p of params.filter((x) => x.in === 'query')) {
        for (const bad of BAD_QUERY_VALUES) {
          probe(`query ${p.name} = ${show(bad)}`, { path: `${fillPath()}?${p.name}=${bad}` });
        }
      }
      probe('unknown query parameters', { path: `${fillPath()}?__proto__[x]=1&a[b][c]=2&limit[]=3` });
      for (const headers of BAD_HEADERS) {
        probe(`headers ${show(headers)}`, { headers });
        probe(`headers ${show(headers)}`, { headers }, false);
      }

      if (probes.length > MAX_REQUESTS_PER_OPERATION) capped.push(`${op.operationId} (${probes.length})`);
      const failures: string[] = [];
      for (const p of probes.slice(0, MAX_REQUESTS_PER_OPERATION)) {
        let res: { status: number; text: string };
        try {
          res = await call(p);
        } catch (error) {
          res = { status: 599, text: `no response: ${(error as Error).message}` };
        }
        if (res.status >= 500) {
          failures.push(
            `${op.operationId} (${p.what}): ${p.method} ${p.path.slice(0, 200)} ${JSON.stringify(p.headers).slice(0, 200)} ` +
              `body ${(p.body ?? '').slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`,
          );
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it('still answers GET /api/health afterwards', async () => {
    const res = await fetch(`${gateway.gw.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });
});

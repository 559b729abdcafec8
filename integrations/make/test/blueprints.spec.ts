import { readFileSync } from 'node:fs';
import { EVENT_NAMES } from '@loop-gateway/contracts';

/**
 * The Make.com blueprints: each parses as a scenario blueprint, its modules are wired to earlier
 * modules only, and every gateway endpoint it calls — method, path, request fields and the response
 * fields later modules read — exists in the gateway's OpenAPI document.
 */

interface MakeModule {
  id: number;
  module: string;
  version: number;
  parameters: Record<string, unknown>;
  mapper: Record<string, unknown>;
  metadata: { designer: { x: number; y: number; name?: string } };
  filter?: { name: string; conditions: { a: string; b: string; o: string }[][] };
}

interface Blueprint {
  name: string;
  flow: MakeModule[];
  metadata: { instant: boolean; version: number; scenario: Record<string, unknown>; designer: object };
}

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
}

interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: { 'application/json': { schema: Schema } } };
  responses: Record<string, { content?: { 'application/json'?: { schema: Schema } } }>;
}

const dir = new URL('../', import.meta.url);
const read = (file: string) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Blueprint;
const openapi = JSON.parse(readFileSync(new URL('../../libs/api-client/openapi.json', dir), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const BLUEPRINTS = ['run-agent.json', 'agent-to-google-sheets.json', 'webhook-trigger.json'];

/** Every `{{…}}` expression in a module's mapper, filter and parameters. */
function expressions(value: unknown): string[] {
  const text = JSON.stringify(value);
  return [...text.matchAll(/\{\{(.*?)\}\}/g)].map((m) => m[1]!);
}

/** `{{2.data.reply}}` → [2, 'data.reply']: references to other modules' output. */
function references(value: unknown): { id: number; path: string }[] {
  return expressions(value).flatMap((expression) =>
    [...expression.matchAll(/(?<![\w.])(\d+)\.([A-Za-z_][\w.]*)/g)].map((m) => ({ id: Number(m[1]), path: m[2]! })),
  );
}

/** The OpenAPI path template a concrete path (with `{{…}}` segments) matches, if any. */
function matchPath(path: string): string | undefined {
  const segments = path.split('/');
  return Object.keys(openapi.paths).find((template) => {
    const parts = template.split('/');
    return (
      parts.length === segments.length &&
      parts.every((part, i) => part === segments[i] || (/^\{\w+\}$/.test(part) && segments[i] !== ''))
    );
  });
}

function properties(schema: Schema | undefined): Record<string, Schema> {
  if (!schema) return {};
  if (schema.$ref) return properties(openapi.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
  return Object.assign({}, ...(schema.allOf ?? []).map(properties), schema.properties ?? {});
}

function httpModules(blueprint: Blueprint) {
  return blueprint.flow
    .filter((m) => m.module === 'http:ActionSendData')
    .map((m) => {
      const url = new URL(
        String(m.mapper.url).replace(/\{\{(.*?)\}\}/g, (_, e: string) => `EXPR_${encodeURIComponent(e)}`),
      );
      const template = matchPath(url.pathname);
      const method = String(m.mapper.method);
      return { module: m, url, template, method, operation: template ? openapi.paths[template]![method] : undefined };
    });
}

describe.each(BLUEPRINTS)('the Make blueprint %s', (file) => {
  const blueprint = read(file);

  it('has the shape of a scenario blueprint', () => {
    expect(typeof blueprint.name).toBe('string');
    expect(blueprint.name).toMatch(/^Loop Gateway: /);
    expect(blueprint.flow.length).toBeGreaterThan(0);
    expect(blueprint.metadata).toMatchObject({
      version: 1,
      instant: expect.any(Boolean),
      scenario: expect.objectContaining({ roundtrips: 1, maxErrors: expect.any(Number) }),
      designer: expect.any(Object),
    });
    const ids = blueprint.flow.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of blueprint.flow) {
      expect(Number.isInteger(m.id) && m.id > 0).toBe(true);
      expect(m.module).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      expect(Number.isInteger(m.version) && m.version >= 1).toBe(true);
      expect(typeof m.parameters).toBe('object');
      expect(typeof m.mapper).toBe('object');
      expect(m.metadata.designer).toEqual(expect.objectContaining({ x: expect.any(Number), y: expect.any(Number) }));
    }
    // An instant (webhook-started) scenario starts with its webhook, and only then.
    expect(blueprint.metadata.instant).toBe(blueprint.flow[0]!.module === 'gateway:CustomWebHook');
  });

  it('maps only the output of modules that come earlier', () => {
    blueprint.flow.forEach((m, index) => {
      const earlier = blueprint.flow.slice(0, index).map((e) => e.id);
      for (const ref of references([m.mapper, m.filter ?? null, m.parameters])) expect(earlier).toContain(ref.id);
    });
  });

  it('calls only gateway endpoints that exist, with fields they accept, and reads fields they return', () => {
    const calls = httpModules(blueprint);
    for (const { module, url, template, method, operation } of calls) {
      expect(url.protocol).toBe('https:');
      expect({ path: url.pathname, template }).toEqual({ path: url.pathname, template: expect.any(String) });
      expect({ template, method, exists: operation !== undefined }).toEqual({ template, method, exists: true });

      // Headers: the webhook token or a bearer token, plus ones the operation documents.
      const headers = module.mapper.headers as { name: string; value: string }[];
      const documented = (operation!.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
      for (const header of headers) expect([...documented, 'Authorization']).toContain(header.name);
      if (template!.startsWith('/webhook/') && !template!.includes('{token}')) {
        expect(headers.map((h) => h.name)).toContain('X-Webhook-Token');
      }

      // Body: JSON once the mapped values are filled in, naming only fields of the request schema.
      if (operation!.requestBody) {
        expect(module.mapper).toMatchObject({ bodyType: 'raw', contentType: 'application/json' });
        const body = JSON.parse(String(module.mapper.data).replace(/\{\{.*?\}\}/g, '"mapped"')) as object;
        const accepted = Object.keys(properties(operation!.requestBody.content['application/json'].schema));
        expect(accepted.length).toBeGreaterThan(0);
        for (const field of Object.keys(body)) expect(accepted).toContain(field);
      } else {
        expect(module.mapper.data).toBeUndefined();
      }

      // What later modules read of this one's response (`{{id.data.field}}`) is in a 2xx response schema.
      const returned = Object.entries(operation!.responses)
        .filter(([status]) => status.startsWith('2'))
        .flatMap(([, response]) => Object.keys(properties(response.content?.['application/json']?.schema)));
      const read = blueprint.flow
        .flatMap((m) => references([m.mapper, m.filter ?? null]))
        .filter((ref) => ref.id === module.id && ref.path.startsWith('data.'))
        .map((ref) => ref.path.split('.')[1]!);
      for (const field of read) expect(returned).toContain(field);
    }
  });
});

describe('the Make blueprints together', () => {
  const modules = (file: string) => read(file).flow.map((m) => m.module);

  it('run the agent through /webhook/invoke, append to Google Sheets, and take events on a custom webhook', () => {
    const invoke = (file: string) => httpModules(read(file)).map((call) => `${call.method} ${call.template}`);
    expect(invoke('run-agent.json')).toEqual(['post /webhook/invoke']);
    expect(invoke('agent-to-google-sheets.json')).toEqual(['post /webhook/invoke']);
    expect(modules('agent-to-google-sheets.json')).toContain('google-sheets:addRow');
    expect(modules('webhook-trigger.json')[0]).toBe('gateway:CustomWebHook');
    expect(invoke('webhook-trigger.json')).toEqual(['get /api/runs/{id}']);
  });

  it('send the message JSON-encoded and ask for the reply synchronously', () => {
    for (const file of ['run-agent.json', 'agent-to-google-sheets.json']) {
      const flow = read(file).flow;
      expect(flow[0]!.module).toBe('json:TransformToJSON');
      const call = flow.find((m) => m.module === 'http:ActionSendData')!;
      expect(JSON.parse(String(call.mapper.data).replace('{{1.json}}', '"a \\"quoted\\" message"'))).toEqual({
        message: 'a "quoted" message',
        sync: true,
      });
    }
  });

  it('filter the events on names the gateway emits', () => {
    const filter = read('webhook-trigger.json').flow[1]!.filter!;
    for (const condition of filter.conditions.flat()) expect(EVENT_NAMES).toContain(condition.b);
  });

  it('authenticate /api calls with an API key placeholder, never a session token', () => {
    for (const file of BLUEPRINTS) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      expect(text).not.toMatch(/SESSION|lgs_/i);
      if (text.includes('/api/')) expect(text).toContain('"Bearer lgk_REPLACE_WITH_AN_API_KEY"');
    }
  });
});

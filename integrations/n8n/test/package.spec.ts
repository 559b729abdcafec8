import { existsSync, readFileSync } from 'node:fs';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { EVENT_NAMES } from '@loop-gateway/contracts';
import { LoopGatewayApi } from '../credentials/LoopGatewayApi.credentials.js';
import { LoopGateway } from '../nodes/LoopGateway/LoopGateway.node.js';
import { LoopGatewayTrigger } from '../nodes/LoopGatewayTrigger/LoopGatewayTrigger.node.js';
import { GATEWAY_EVENTS } from '../nodes/LoopGatewayTrigger/events.js';
import { verifyWebhookSignature } from '../nodes/LoopGatewayTrigger/signature.js';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  name: string;
  keywords: string[];
  files: string[];
  n8n: { n8nNodesApiVersion: number; credentials: string[]; nodes: string[] };
  author?: { name?: string };
  homepage?: string;
};

/** Every description/hint/placeholder string in a node or credential description, however deep. */
function texts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => texts(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string' && ['description', 'hint', 'placeholder', 'displayName', 'name'].includes(key))
        out.push(v);
      else texts(v, out);
    }
  }
  return out;
}

describe('the n8n-nodes-loop-gateway package', () => {
  it('declares itself as n8n prescribes: keyword, n8n section pointing at the built files', () => {
    expect(pkg.name).toBe('n8n-nodes-loop-gateway');
    expect(pkg.keywords).toContain('n8n-community-node-package');
    expect(pkg.files).toEqual(['dist']);
    expect(pkg.n8n).toEqual({
      n8nNodesApiVersion: 1,
      credentials: ['dist/credentials/LoopGatewayApi.credentials.js'],
      nodes: ['dist/nodes/LoopGateway/LoopGateway.node.js', 'dist/nodes/LoopGatewayTrigger/LoopGatewayTrigger.node.js'],
    });
    // Each listed file is built from a source file whose exported class has the file's name (n8n loads it so).
    for (const file of [...pkg.n8n.credentials, ...pkg.n8n.nodes]) {
      expect(existsSync(new URL(file.replace(/^dist\//, '').replace(/\.js$/, '.ts'), root))).toBe(true);
    }
    expect([LoopGatewayApi.name, LoopGateway.name, LoopGatewayTrigger.name]).toEqual([
      'LoopGatewayApi',
      'LoopGateway',
      'LoopGatewayTrigger',
    ]);
  });

  it('meets what the n8n community node checks ask: author, homepage, main connections, codex files, plain-text descriptions', () => {
    expect(pkg.author?.name).toEqual(expect.any(String));
    expect(pkg.homepage).toMatch(/^https:\/\//);
    const nodes = [new LoopGateway().description, new LoopGatewayTrigger().description];
    expect(nodes.map((d) => d.outputs)).toEqual([['main'], ['main']]);
    for (const [file, type] of [
      ['nodes/LoopGateway/LoopGateway.node.json', 'n8n-nodes-loop-gateway.loopGateway'],
      ['nodes/LoopGatewayTrigger/LoopGatewayTrigger.node.json', 'n8n-nodes-loop-gateway.loopGatewayTrigger'],
    ] as const) {
      const codex = JSON.parse(readFileSync(new URL(file, root), 'utf8')) as Record<string, unknown>;
      expect(codex).toMatchObject({ node: type, categories: expect.arrayContaining(['AI']) });
      expect(codex.resources).toMatchObject({ primaryDocumentation: [{ url: expect.stringMatching(/^https:/) }] });
    }
    // n8n's editor renders descriptions as HTML: an angle-bracketed word would vanish.
    const strings = texts([...nodes, new LoopGatewayApi().properties, new LoopGatewayApi().test]);
    expect(strings.filter((text) => /<[A-Za-z/]/.test(text))).toEqual([]);
    // No raw timers in the nodes (n8n Cloud refuses them).
    for (const file of ['nodes/LoopGateway/LoopGateway.node.ts', 'nodes/LoopGateway/GenericFunctions.ts']) {
      expect(readFileSync(new URL(file, root), 'utf8')).not.toMatch(/setTimeout|setInterval/);
    }
  });

  it('names the credentials the nodes ask for, and icons that exist', () => {
    const credentials = new LoopGatewayApi();
    for (const node of [new LoopGateway(), new LoopGatewayTrigger()]) {
      expect(node.description.credentials).toEqual([{ name: credentials.name, required: true }]);
      const icon = String(node.description.icon).replace(/^file:/, '');
      expect(existsSync(new URL(icon, new URL(`nodes/${node.constructor.name}/`, root)))).toBe(true);
    }
    expect(existsSync(new URL(String(credentials.icon).replace(/^file:/, ''), new URL('credentials/', root)))).toBe(
      true,
    );
    expect(credentials.test.request.url).toBe('/api/auth/credential');
  });

  it('offers every event of the gateway’s catalog, and "*"', () => {
    expect(GATEWAY_EVENTS.map((option) => option.value).sort()).toEqual([...EVENT_NAMES, '*'].sort());
  });

  it('gives each operation of the Loop Gateway node a value the node handles', () => {
    const operations = new LoopGateway().description.properties
      .filter((p) => p.name === 'operation')
      .map((p) => ({
        resource: p.displayOptions!.show!.resource![0],
        values: (p.options as { value: string }[]).map((o) => o.value),
      }));
    expect(operations).toEqual([
      { resource: 'agent', values: ['run'] },
      { resource: 'task', values: ['create', 'get', 'getOutput'] },
      { resource: 'agentGroup', values: ['getAll'] },
      { resource: 'usage', values: ['get'] },
      { resource: 'approval', values: ['approve', 'reject'] },
    ]);
  });
});

describe('verifyWebhookSignature', () => {
  const secret = 'whsec_' + Buffer.from('a signing key of 32 bytes length').toString('base64');
  const signer = new StandardWebhook(secret);
  const body = JSON.stringify({
    event: 'task:start',
    payload: { taskId: 't', name: 'n' },
    timestamp: 'x',
    source: 'loop-gateway',
  });
  const now = 1_800_000_000;
  const headersAt = (seconds: number, payload = body) => ({
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(seconds),
    'webhook-signature': signer.sign('msg_1', new Date(seconds * 1000), payload),
  });

  it('accepts what the Standard Webhooks library signs, as a string or the raw bytes', () => {
    expect(verifyWebhookSignature(secret, headersAt(now), body, now)).toEqual({ valid: true });
    expect(verifyWebhookSignature(secret, headersAt(now), Buffer.from(body), now)).toEqual({ valid: true });
    // Any one of several space-separated signatures (key rotation) will do.
    const headers = headersAt(now);
    headers['webhook-signature'] = `v1,${Buffer.alloc(32).toString('base64')} ${headers['webhook-signature']}`;
    expect(verifyWebhookSignature(secret, headers, body, now).valid).toBe(true);
  });

  it('refuses another body, another secret, another version and missing headers', () => {
    expect(verifyWebhookSignature(secret, headersAt(now), body.replace('task:start', 'task:error'), now)).toEqual({
      valid: false,
      reason: 'signature does not match',
    });
    const other = 'whsec_' + Buffer.from('another key').toString('base64');
    expect(verifyWebhookSignature(other, headersAt(now), body, now).valid).toBe(false);
    const headers = headersAt(now);
    headers['webhook-signature'] = headers['webhook-signature'].replace(/^v1,/, 'v2,');
    expect(verifyWebhookSignature(secret, headers, body, now).valid).toBe(false);
    expect(verifyWebhookSignature(secret, { 'webhook-id': 'msg_1' }, body, now)).toMatchObject({ valid: false });
  });

  it('allows five minutes of clock difference either way, not more', () => {
    expect(verifyWebhookSignature(secret, headersAt(now - 300), body, now).valid).toBe(true);
    expect(verifyWebhookSignature(secret, headersAt(now + 300), body, now).valid).toBe(true);
    expect(verifyWebhookSignature(secret, headersAt(now - 301), body, now)).toEqual({
      valid: false,
      reason: 'webhook-timestamp is more than 5 minutes away from now',
    });
    expect(verifyWebhookSignature(secret, headersAt(now + 301), body, now).valid).toBe(false);
  });
});

/**
 * Stand-ins for the parts of n8n that live in its server (the `n8n` package, which does not install
 * from the registry this project uses), not in n8n-core: its webhook server (a small HTTP host with
 * express-like request and response objects, handing each request to the trigger's webhook() in
 * n8n-core's WebhookContext), and its credential test (the credential type's test request with
 * fetch). Node executions and the trigger's activation and webhook() run on n8n-core (n8n-engine.ts). They stand in
 * for n8n, never for the gateway: every request goes to a live gateway.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ICredentialDataDecryptedObject,
  IDataObject,
  IHttpRequestOptions,
  INodeExecutionData,
  IWebhookResponseData,
} from 'n8n-workflow';
import { LoopGatewayApi } from '../credentials/LoopGatewayApi.credentials.js';
import type { LoopGatewayCredentials } from '../nodes/LoopGateway/GenericFunctions.js';
import { TRIGGER_WEBHOOK_ID, webhook } from './n8n-engine.js';

const credentialType = new LoopGatewayApi();

/** n8n's `helpers.httpRequest` for the options the nodes pass, implemented with fetch. */
export async function httpRequest(options: IHttpRequestOptions): Promise<unknown> {
  const url = new URL(options.baseURL ? `${options.baseURL.replace(/\/+$/, '')}${options.url}` : options.url);
  for (const [key, value] of Object.entries(options.qs ?? {})) {
    if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.headers ?? {})) headers[key.toLowerCase()] = String(value);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.json) headers.accept ??= 'application/json';
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body,
    redirect: options.disableFollowRedirect ? 'manual' : 'follow',
    signal: AbortSignal.timeout(options.timeout ?? 300_000),
  });
  const text = await response.text();
  const parsed: unknown =
    (response.headers.get('content-type') ?? '').includes('json') && text !== '' ? JSON.parse(text) : text;
  if (response.status >= 400 && !options.ignoreHttpStatusErrors) {
    throw Object.assign(new Error(`Request failed with status code ${response.status}`), {
      httpCode: String(response.status),
      response: { status: response.status, body: parsed },
    });
  }
  if (!options.returnFullResponse) return parsed;
  return {
    statusCode: response.status,
    statusMessage: response.statusText,
    headers: Object.fromEntries(response.headers),
    body: parsed,
  };
}

/** n8n's resolution of the `={{$credentials.name}}` expressions a credential type uses. */
function resolveExpression(value: unknown, credentials: ICredentialDataDecryptedObject): string {
  const text = String(value);
  if (!text.startsWith('=')) return text;
  return text
    .slice(1)
    .replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, name: string) => String(credentials[name] ?? ''));
}

/** What n8n does with the credential type's generic `authenticate` before each request. */
function authenticate(credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions): IHttpRequestOptions {
  const auth = credentialType.authenticate;
  const headers: IDataObject = { ...(options.headers ?? {}) };
  for (const [name, value] of Object.entries(auth.properties.headers ?? {})) {
    headers[name] = resolveExpression(value, credentials);
  }
  return { ...options, headers };
}

/**
 * n8n's "Test" button for the credential: the type's `test.request`, authenticated, then its
 * `responseSuccessBody` rules (a 2xx whose body has `key` equal to `value` fails with `message`).
 */
export async function testCredentials(
  credentials: LoopGatewayCredentials,
): Promise<{ statusCode: number; body: IDataObject; status: 'OK' | 'Error'; message?: string }> {
  const { request, rules = [] } = credentialType.test;
  const options: IHttpRequestOptions = {
    url: request.url ?? '',
    baseURL: resolveExpression(request.baseURL, { ...credentials }),
    method: request.method ?? 'GET',
    json: true,
    returnFullResponse: true,
    ignoreHttpStatusErrors: true,
  };
  const response = (await httpRequest(authenticate({ ...credentials }, options))) as {
    statusCode: number;
    body: IDataObject;
  };
  if (response.statusCode >= 400) return { ...response, status: 'Error', message: 'Authorization failed' };
  for (const rule of rules) {
    if (rule.type !== 'responseSuccessBody') continue;
    const { key, value, message } = rule.properties;
    if (response.body?.[key] === value) return { ...response, status: 'Error', message };
  }
  return { ...response, status: 'OK' };
}

export interface HostedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  response: string;
}

/** n8n's express response, reduced to what webhook() uses to answer by itself. */
function expressResponse(res: ServerResponse, onEnd: (status: number, body: string) => void) {
  let statusCode = 200;
  const response = {
    status(code: number) {
      statusCode = code;
      return response;
    },
    json(value: unknown) {
      return response.send(JSON.stringify(value), 'application/json');
    },
    send(body: string, contentType = 'text/plain') {
      res.writeHead(statusCode, { 'content-type': contentType });
      res.end(body);
      onEnd(statusCode, body);
      return response;
    },
    end() {
      return response.send('');
    },
  };
  return response;
}

/**
 * n8n's webhook endpoint for one trigger node: a local HTTP server that parses the request as n8n
 * does (body as JSON, the raw bytes kept as `req.rawBody`), calls the node's webhook(), and answers
 * 200 "Workflow was started" with the emitted items, unless the node answered itself.
 */
export class WebhookHost {
  readonly requests: HostedRequest[] = [];
  /** Items webhook() emitted (each would start one execution of the workflow). */
  readonly emitted: INodeExecutionData[] = [];

  private constructor(private readonly server: Server) {}

  static async start(staticData: IDataObject): Promise<WebhookHost> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        void host.handle(staticData, req, res, Buffer.concat(chunks));
      });
    });
    const host = new WebhookHost(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return host;
  }

  /** n8n's production webhook URL for the trigger node (see TRIGGER_WEBHOOK_ID). */
  url(path = `/webhook/${TRIGGER_WEBHOOK_ID}/webhook`): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  private async handle(staticData: IDataObject, req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const record = (status: number, response: string) =>
      this.requests.push({ headers: req.headers, body: raw.toString('utf8'), status, response });
    let body: IDataObject;
    try {
      body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as IDataObject) : {};
    } catch {
      body = {};
    }
    req.rawBody = raw;
    let result: IWebhookResponseData;
    try {
      result = await webhook(Object.assign(req, { body }), expressResponse(res, record), {
        staticData,
        webhookUrl: this.url(),
      });
    } catch (error) {
      res.writeHead(500).end(String(error));
      record(500, String(error));
      return;
    }
    if (result.noWebhookResponse) return;
    for (const items of result.workflowData ?? []) this.emitted.push(...items);
    const answer = JSON.stringify({ message: 'Workflow was started' });
    res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    record(200, answer);
  }

  async waitForEmitted(count: number, timeoutMs = 10_000): Promise<INodeExecutionData[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.emitted.length < count) {
      if (Date.now() > deadline) throw new Error(`webhook() emitted ${this.emitted.length} of ${count} items`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.emitted;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

import {
  type IDataObject,
  type IExecuteFunctions,
  type IHookFunctions,
  type IHttpRequestMethods,
  type IHttpRequestOptions,
  type ILoadOptionsFunctions,
  type JsonObject,
  NodeApiError,
  sleep,
} from 'n8n-workflow';

export const CREDENTIALS_TYPE = 'loopGatewayApi';

/** Every request to the gateway gives up after this long (the run agent operation waits in steps). */
const REQUEST_TIMEOUT_MS = 90_000;
/** A 429 is retried after its Retry-After this many times before it becomes an error. */
const MAX_RATE_LIMIT_RETRIES = 5;
const MAX_RETRY_AFTER_S = 60;

export interface LoopGatewayCredentials {
  baseUrl: string;
  apiToken: string;
}

type GatewayContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions;

export interface GatewayResponse {
  statusCode: number;
  /** The parsed JSON body (an object, or an array for lists; undefined for 204). */
  body: IDataObject;
}

export interface GatewayRequestOptions {
  body?: IDataObject;
  qs?: IDataObject;
  /** Statuses (>= 400) handed back to the caller instead of thrown, e.g. 404 when checking existence. */
  allowStatuses?: number[];
  itemIndex?: number;
  headers?: IDataObject;
  /** Named in every error (e.g. the run this request follows), so a failure can be traced. */
  context?: string;
}

/** The gateway URL from the credentials, without trailing slashes. */
export function gatewayBaseUrl(credentials: LoopGatewayCredentials): string {
  return String(credentials.baseUrl ?? '')
    .trim()
    .replace(/\/+$/, '');
}

/**
 * One request to the gateway's REST API with the credentials' bearer token (n8n applies the
 * credential's `authenticate`). A 4xx/5xx becomes a NodeApiError carrying the gateway's message.
 */
export async function gatewayRequest(
  this: GatewayContext,
  method: IHttpRequestMethods,
  path: string,
  { body, qs, allowStatuses = [], itemIndex, headers, context }: GatewayRequestOptions = {},
): Promise<GatewayResponse> {
  const credentials = await this.getCredentials<LoopGatewayCredentials>(CREDENTIALS_TYPE);
  const options: IHttpRequestOptions = {
    method,
    url: `${gatewayBaseUrl(credentials)}${path}`,
    qs,
    body,
    headers,
    json: true,
    returnFullResponse: true,
    ignoreHttpStatusErrors: true,
    timeout: REQUEST_TIMEOUT_MS,
  };
  const about = context ? ` (${context})` : '';
  for (let attempt = 0; ; attempt++) {
    let response: { statusCode: number; body: unknown; headers?: Record<string, unknown> };
    try {
      response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIALS_TYPE, options)) as {
        statusCode: number;
        body: unknown;
        headers?: Record<string, unknown>;
      };
    } catch (error) {
      throw new NodeApiError(this.getNode(), toJsonObject(error), {
        message: `Loop Gateway could not be reached at ${gatewayBaseUrl(credentials)}${about}`,
        itemIndex,
      });
    }
    const { statusCode } = response;
    const responseBody = parseBody(response.body);
    // Over the rate limit: wait as long as the gateway says, then ask again (never a new run: see Idempotency-Key).
    if (statusCode === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
      const retryAfter = Number(response.headers?.['retry-after'] ?? 1);
      await sleep(Math.min(MAX_RETRY_AFTER_S, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1) * 1000);
      continue;
    }
    if (statusCode >= 400 && !allowStatuses.includes(statusCode)) {
      const gatewayMessage = messageOf(responseBody);
      throw new NodeApiError(
        this.getNode(),
        (isObject(responseBody) ? responseBody : { body: responseBody }) as JsonObject,
        {
          httpCode: String(statusCode),
          message: `Loop Gateway answered ${statusCode}${gatewayMessage ? `: ${gatewayMessage}` : ''}${about}`,
          description: hintFor(statusCode),
          itemIndex,
        },
      );
    }
    return { statusCode, body: responseBody as IDataObject };
  }
}

/** The gateway's error bodies carry `message` as a string or, for validation errors, a list. */
function messageOf(body: unknown): string | undefined {
  if (!isObject(body)) return typeof body === 'string' && body !== '' ? body.slice(0, 500) : undefined;
  const message = body.message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : undefined;
}

function hintFor(statusCode: number): string | undefined {
  if (statusCode === 401) {
    return 'The API key was refused: it was revoked or has expired. Create a new one in the console under API keys (a console session token ends after SESSION_MAX_HOURS).';
  }
  if (statusCode === 403)
    return 'The API key’s scope does not allow this operation; use a key with the scope it needs.';
  if (statusCode === 429) {
    return 'The rate limit of this API key (or RATE_LIMIT_PER_MINUTE) was still reached after waiting as told; give the key a higher limit.';
  }
  return undefined;
}

/** Bodies arrive parsed when the gateway answers JSON; parse a string that is JSON, keep others. */
function parseBody(body: unknown): unknown {
  if (typeof body !== 'string' || body === '') return body === '' ? undefined : body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toJsonObject(error: unknown): JsonObject {
  if (error instanceof Error) return { message: error.message, name: error.name };
  return { message: String(error) };
}

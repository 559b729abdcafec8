import {
  type IDataObject,
  type IExecuteFunctions,
  type IHookFunctions,
  type IHttpRequestMethods,
  type IHttpRequestOptions,
  type ILoadOptionsFunctions,
  type JsonObject,
  NodeApiError,
} from 'n8n-workflow';

export const CREDENTIALS_TYPE = 'loopGatewayApi';

/** Every request to the gateway gives up after this long (the run agent operation polls instead). */
const REQUEST_TIMEOUT_MS = 30_000;

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
  { body, qs, allowStatuses = [], itemIndex }: GatewayRequestOptions = {},
): Promise<GatewayResponse> {
  const credentials = await this.getCredentials<LoopGatewayCredentials>(CREDENTIALS_TYPE);
  const options: IHttpRequestOptions = {
    method,
    url: `${gatewayBaseUrl(credentials)}${path}`,
    qs,
    body,
    json: true,
    returnFullResponse: true,
    ignoreHttpStatusErrors: true,
    timeout: REQUEST_TIMEOUT_MS,
  };
  let response: { statusCode: number; body: unknown };
  try {
    response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIALS_TYPE, options)) as {
      statusCode: number;
      body: unknown;
    };
  } catch (error) {
    throw new NodeApiError(this.getNode(), toJsonObject(error), {
      message: `Loop Gateway could not be reached at ${gatewayBaseUrl(credentials)}`,
      itemIndex,
    });
  }
  const { statusCode } = response;
  const responseBody = parseBody(response.body);
  if (statusCode >= 400 && !allowStatuses.includes(statusCode)) {
    const gatewayMessage = messageOf(responseBody);
    throw new NodeApiError(
      this.getNode(),
      (isObject(responseBody) ? responseBody : { body: responseBody }) as JsonObject,
      {
        httpCode: String(statusCode),
        message: `Loop Gateway answered ${statusCode}${gatewayMessage ? `: ${gatewayMessage}` : ''}`,
        description: hintFor(statusCode),
        itemIndex,
      },
    );
  }
  return { statusCode, body: responseBody as IDataObject };
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
    return 'The API token was refused. A session token from POST /api/auth/login ends after SESSION_MAX_HOURS: log in again and update the credential.';
  }
  if (statusCode === 429) return 'The gateway’s /api rate limit (RATE_LIMIT_PER_MINUTE) was reached; retry later.';
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

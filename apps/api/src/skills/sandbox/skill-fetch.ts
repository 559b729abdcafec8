import { type AddressGuard, AddressRefusedError } from '../../tools/net/address-guard.js';
import { HostList } from '../../tools/net/host-list.js';
import {
  decoded,
  describeError,
  MAX_BODY_BYTES,
  readCapped,
  send,
} from '../../tools/http-request/http-request.tool.js';
import type { SandboxFetchRequest, SandboxFetchResponse } from './sandbox-protocol.js';
import type { SandboxFetcher } from './skill-sandbox.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade']);

/**
 * The `fetch` capability of a skill whose manifest lists `permissions.fetch` hosts: a request goes out
 * only to a listed host, through the same address guard as http_request (no loopback, private or
 * link-local address unless TOOL_ALLOWED_HOSTS opens it, checked on the resolved address). Redirects
 * are not followed (the skill gets the 3xx and may fetch the new address if its host is listed), and
 * at most 1 MB of body is read.
 */
export function skillFetcher(hosts: readonly string[], guard: AddressGuard): SandboxFetcher {
  const allowed = new HostList(hosts);
  return async (request: SandboxFetchRequest, signal: AbortSignal): Promise<SandboxFetchResponse> => {
    const method = typeof request.method === 'string' ? request.method.toUpperCase() : 'GET';
    if (!METHODS.has(method)) throw new Error(`fetch: method ${String(request.method)} is not allowed`);
    const url = guard.checkUrl(String(request.url));
    if (!allowed.covers(url)) {
      throw new AddressRefusedError(
        `fetch: ${url.host} is not in this skill's permissions.fetch (${hosts.join(', ') || 'no hosts'})`,
      );
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      const key = name.toLowerCase();
      if (FORBIDDEN_HEADERS.has(key) || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(key) || /[\r\n\0]/.test(String(value))) {
        throw new Error(`fetch: header "${name}" is not allowed`);
      }
      headers[key] = String(value);
    }
    const body = request.body ?? undefined;
    if (body !== undefined && Buffer.byteLength(body) > MAX_BODY_BYTES) throw new Error('fetch: body over 1 MB');
    try {
      const response = await send(
        url,
        method,
        { 'user-agent': 'LoopGateway/1 (skill)', ...headers },
        body,
        guard,
        signal,
      );
      const { bytes } = await readCapped(decoded(response), MAX_BODY_BYTES).finally(() => response.destroy());
      const shown: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) shown[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      return {
        status: response.statusCode ?? 0,
        statusText: response.statusMessage ?? '',
        url: url.href,
        headers: shown,
        body: new TextDecoder().decode(bytes),
      };
    } catch (error) {
      throw new Error(`fetch ${url.href} failed: ${describeError(error)}`, { cause: error });
    }
  };
}

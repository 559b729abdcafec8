import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Readable } from 'node:stream';
import { decoded, send } from '../tools/http-request/http-request.tool.js';
import type { AddressGuard } from '../tools/net/address-guard.js';

/**
 * The `fetch` the Streamable HTTP transport uses for an MCP server: every request connects only to an
 * address the guard checked (loopback and private ranges refused unless TOOL_ALLOWED_HOSTS lists the
 * host), and the response streams back (SSE) as a web Response. Redirects are not followed here; the
 * SDK follows one only within the server's origin.
 */
export function guardedFetch(guard: AddressGuard): FetchLike {
  return async (input, init = {}) => {
    const url = guard.checkUrl(input instanceof URL ? input : String(input));
    const headers: Record<string, string> = { 'user-agent': 'LoopGateway/1 (mcp)' };
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = init.body === undefined || init.body === null ? undefined : String(init.body as string);
    const signal = init.signal ?? new AbortController().signal;
    const response = await send(url, init.method ?? 'GET', headers, body, guard, signal);
    const status = response.statusCode ?? 0;
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined || name === 'content-encoding' || name === 'content-length') continue;
      for (const one of Array.isArray(value) ? value : [value]) responseHeaders.append(name, one);
    }
    const noBody = status === 204 || status === 304 || init.method === 'HEAD';
    if (noBody) response.resume();
    const stream = noBody ? null : (Readable.toWeb(decoded(response)) as ReadableStream<Uint8Array>);
    return new Response(stream, { status, statusText: response.statusMessage ?? '', headers: responseHeaders });
  };
}

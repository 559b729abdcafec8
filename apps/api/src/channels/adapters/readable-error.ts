/**
 * Network failures as sentences an operator can act on: which host could not be reached and why,
 * instead of `getaddrinfo ENOTFOUND` or a library's message with a bot token inside its URL.
 */

const NETWORK_CODES: Record<string, (peer: string) => string> = {
  ENOTFOUND: (peer) => `${peer} could not be found (DNS lookup failed): check the address and the gateway's DNS`,
  EAI_AGAIN: (peer) => `${peer} could not be looked up (DNS did not answer): check the gateway's network`,
  ECONNREFUSED: (peer) => `${peer} refused the connection: nothing listens on that port`,
  ECONNRESET: (peer) => `${peer} cut the connection`,
  EPIPE: (peer) => `${peer} cut the connection`,
  ETIMEDOUT: (peer) => `${peer} did not answer in time (connection timed out)`,
  ESOCKETTIMEDOUT: (peer) => `${peer} did not answer in time`,
  ECONNABORTED: (peer) => `${peer} did not answer in time`,
  CONNECT_TIMEOUT: (peer) => `${peer} did not answer in time (connection timed out)`,
  GREETING_TIMEOUT: (peer) => `${peer} accepted the connection but never greeted: is it the right port?`,
  EHOSTUNREACH: (peer) => `${peer} is unreachable from the gateway (no route to the host)`,
  ENETUNREACH: (peer) => `${peer} is unreachable: the gateway has no network route there`,
  CERT_HAS_EXPIRED: (peer) => `${peer}'s TLS certificate has expired`,
  DEPTH_ZERO_SELF_SIGNED_CERT: (peer) => `${peer} presents a self-signed TLS certificate`,
  SELF_SIGNED_CERT_IN_CHAIN: (peer) => `${peer} presents a TLS certificate not signed by a known authority`,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: (peer) => `${peer}'s TLS certificate could not be verified`,
  ERR_TLS_CERT_ALTNAME_INVALID: (peer) => `${peer}'s TLS certificate is for another name`,
  EPROTO: (peer) => `${peer} does not speak TLS on that port (or the other way round)`,
};

/** The first error code (ENOTFOUND …) along the error's cause chain, or in its message. */
export function networkCode(error: unknown): string | null {
  for (let current = error, depth = 0; current && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code in NETWORK_CODES) return code;
    current = (current as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  return Object.keys(NETWORK_CODES).find((code) => new RegExp(`\\b${code}\\b`).test(message)) ?? null;
}

/** Whether the error is a network failure (the far side was not reached, or went away). */
export function isNetworkError(error: unknown): boolean {
  return networkCode(error) !== null || isTimeout(error);
}

function isTimeout(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 6; depth++) {
    const name = (current as { name?: unknown }).name;
    if (name === 'TimeoutError') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A sentence for a failure to talk to `peer` (`Telegram (api.telegram.org)`), or null when the error
 * is not a network failure (then the caller's own wording applies).
 */
export function describeNetworkError(error: unknown, peer: string): string | null {
  const code = networkCode(error);
  if (code) return NETWORK_CODES[code]!(peer);
  if (isTimeout(error)) return `${peer} did not answer in time`;
  return null;
}

/** An HTTP status from the far side as words: `401 Unauthorized`. */
export function describeStatus(status: number, said?: string | null): string {
  const meaning = STATUS_MEANINGS[status];
  const words = said?.trim() ? said.trim() : (meaning ?? '');
  return `${status}${words ? ` ${words}` : ''}`;
}

const STATUS_MEANINGS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The host of a URL (`https://api.telegram.org/` → `api.telegram.org`, with the port when not the default). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

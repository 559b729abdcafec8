import { isIP } from 'node:net';

/** Ports a bare host name stands for: the default ports of http and https. */
export const DEFAULT_PORTS: readonly number[] = [80, 443];

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** One entry of a host list: a host (or `*.domain` for its subdomains) and the ports it covers. */
export interface HostEntry {
  host: string;
  /** `*.example.com`: any subdomain of example.com (not example.com itself). */
  subdomains: boolean;
  /** The ports covered; `*` for every port. */
  ports: readonly number[] | '*';
}

/** "[::1]" → "::1", "Example.COM." → "example.com". */
export function normalizeHost(host: string): string {
  return host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** The port a URL goes to: its own, else its scheme's default. */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/**
 * Parses `host`, `host:port`, `host:*`, `*.domain[:port]`, an IPv4 address, `[IPv6]` or `[IPv6]:port`
 * (a bare IPv6 address has no port). A bare host covers ports 80 and 443. Null for anything else.
 */
export function parseHostEntry(raw: string): HostEntry | null {
  const entry = raw.trim().toLowerCase();
  if (isIP(entry) === 6) return { host: entry, subdomains: false, ports: DEFAULT_PORTS };
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}|\*))?$/.exec(entry);
  if (!match) return null;
  let host = normalizeHost(match[1]!);
  const subdomains = host.startsWith('*.');
  if (subdomains) host = host.slice(2);
  const bracketed = match[1]!.startsWith('[');
  if (bracketed ? isIP(host) !== 6 || subdomains : isIP(host) === 6 || !(isIP(host) === 4 || HOST_NAME.test(host))) {
    return null;
  }
  if (subdomains && isIP(host)) return null;
  const port = match[2];
  if (port === undefined) return { host, subdomains, ports: DEFAULT_PORTS };
  if (port === '*') return { host, subdomains, ports: '*' };
  const number = Number(port);
  return number >= 1 && number <= 65535 ? { host, subdomains, ports: [number] } : null;
}

/** An entry written the one way (lower case, IPv6 in brackets when a port follows), for config and storage. */
export function formatHostEntry(entry: HostEntry): string {
  const host = `${entry.subdomains ? '*.' : ''}${entry.host}`;
  if (entry.ports === DEFAULT_PORTS) return host;
  const shown = isIP(entry.host) === 6 ? `[${host}]` : host;
  return `${shown}:${entry.ports === '*' ? '*' : entry.ports.join('')}`;
}

/**
 * A list of hosts with ports (TOOL_ALLOWED_HOSTS, TOOL_TRUSTED_DESTINATIONS, a group's trusted
 * destinations). Entries that do not parse are ignored here; config and DTOs refuse them earlier.
 */
export class HostList {
  private readonly entries: HostEntry[];

  constructor(entries: readonly string[]) {
    this.entries = entries.map(parseHostEntry).filter((entry): entry is HostEntry => entry !== null);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Whether the host, on that port, is on the list. */
  has(host: string, port: number): boolean {
    const name = normalizeHost(host);
    return this.entries.some(
      (entry) =>
        (entry.subdomains ? name.endsWith(`.${entry.host}`) : name === entry.host) &&
        (entry.ports === '*' || entry.ports.includes(port)),
    );
  }

  /** Whether the URL's host and port are on the list. */
  covers(url: URL): boolean {
    return this.has(url.hostname, portOf(url));
  }
}

import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { HostList, normalizeHost, portOf } from './host-list.js';

/** Address ranges a tool must not reach, by what they are (IANA special-purpose registries). */
const REFUSED_RANGES: [label: string, family: 'ipv4' | 'ipv6', cidrs: string[]][] = [
  ['a loopback address', 'ipv4', ['127.0.0.0/8']],
  ['an unspecified ("this network") address', 'ipv4', ['0.0.0.0/8']],
  ['a private address', 'ipv4', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']],
  ['a shared (carrier-grade NAT) address', 'ipv4', ['100.64.0.0/10']],
  ['a link-local address', 'ipv4', ['169.254.0.0/16']],
  ['a multicast address', 'ipv4', ['224.0.0.0/4']],
  [
    'a reserved address',
    'ipv4',
    [
      '192.0.0.0/24', // IETF protocol assignments
      '192.0.2.0/24', // documentation
      '192.88.99.0/24', // 6to4 relay
      '198.18.0.0/15', // benchmarking
      '198.51.100.0/24', // documentation
      '203.0.113.0/24', // documentation
      '240.0.0.0/4', // reserved, and 255.255.255.255
    ],
  ],
  ['a loopback address', 'ipv6', ['::1/128']],
  ['an unspecified address', 'ipv6', ['::/128']],
  ['a link-local address', 'ipv6', ['fe80::/10', 'fec0::/10']],
  ['a private (unique local) address', 'ipv6', ['fc00::/7']],
  ['a multicast address', 'ipv6', ['ff00::/8']],
  [
    'a translation or tunnel address',
    'ipv6',
    [
      '::/96', // IPv4-compatible (deprecated)
      '::ffff:0:0:0/96', // IPv4-translated
      '64:ff9b::/96', // NAT64
      '64:ff9b:1::/48', // local NAT64
      '2001::/32', // Teredo
      '2002::/16', // 6to4
    ],
  ],
  ['a reserved address', 'ipv6', ['100::/64', '2001:db8::/32']],
];

const LABELLED = REFUSED_RANGES.map(([label, family, cidrs]) => {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split('/') as [string, string];
    list.addSubnet(network, Number(prefix), family);
  }
  return { label, list };
});

const IPV4_MAPPED = new BlockList();
IPV4_MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');
/** IPv6 outside global unicast (2000::/3) is not on the public internet. */
const GLOBAL_UNICAST = new BlockList();
GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');

/**
 * Why an IP address is off limits for tools ("a loopback address", …), or null for a public one.
 * IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are judged as the IPv4 address they carry.
 */
export function refusalReason(ip: string): string | null {
  const address = ip.replace(/%.*$/, ''); // zone id (fe80::1%eth0)
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // BlockList checks an IPv4-mapped IPv6 address against the IPv4 rules as well.
  for (const { label, list } of LABELLED) if (list.check(address, type)) return label;
  if (family === 6 && !IPV4_MAPPED.check(address, 'ipv6') && !GLOBAL_UNICAST.check(address, 'ipv6')) {
    return 'a reserved address';
  }
  return null;
}

/** A tool tried to reach a host it may not reach. The message is written for the model to read. */
export class AddressRefusedError extends Error {
  readonly code = 'ERR_ADDRESS_REFUSED';
}

export type Resolver = (hostname: string, family: 0 | 4 | 6) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname, family) => dnsLookup(hostname, { all: true, family });

/**
 * Keeps the network tools (http_request, web_browse) off loopback, private, link-local and other
 * non-public addresses, unless the operator allow-listed the host on that port (TOOL_ALLOWED_HOSTS:
 * `host:port`, or a bare host for ports 80 and 443).
 *
 * The check is on the resolved address, and connections use the address that was checked: `lookupFor`
 * goes into the socket options, so a name that resolves to a public address when checked and to a
 * private one a moment later (DNS rebinding) cannot slip through.
 */
export class AddressGuard {
  private readonly allowed: HostList;

  constructor(
    allowedHosts: readonly string[],
    private readonly resolver: Resolver = systemResolver,
  ) {
    this.allowed = new HostList(allowedHosts);
  }

  isAllowListed(host: string, port: number): boolean {
    return this.allowed.has(host, port);
  }

  /**
   * Parses a URL and refuses what can be judged without DNS: schemes other than http(s), and IP
   * literals in refused ranges (sockets skip `lookup` for those, so they are checked here).
   */
  checkUrl(raw: string | URL): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new AddressRefusedError(`"${String(raw)}" is not a valid URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new AddressRefusedError(`Only http and https URLs are allowed (got ${url.protocol}).`);
    }
    const host = normalizeHost(url.hostname);
    if (isIP(host) && !this.isAllowListed(host, portOf(url))) this.refuse(host, host, portOf(url));
    return url;
  }

  /**
   * The addresses a host resolves to, every one of them checked (all of them, or the call fails) for a
   * connection to `port`.
   */
  async resolve(hostname: string, port: number, family: 0 | 4 | 6 = 0): Promise<LookupAddress[]> {
    const host = normalizeHost(hostname);
    const ipFamily = isIP(host);
    let addresses: LookupAddress[];
    if (ipFamily) {
      addresses = [{ address: host, family: ipFamily }];
    } else {
      try {
        addresses = await this.resolver(host, family);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new AddressRefusedError(
          code === 'ENOTFOUND' || code === 'ENODATA'
            ? `The host name ${host} could not be resolved (${code}).`
            : `Looking up ${host} failed: ${(error as Error).message}`,
        );
      }
      if (addresses.length === 0) throw new AddressRefusedError(`The host name ${host} has no addresses.`);
    }
    if (!this.isAllowListed(host, port)) for (const { address } of addresses) this.refuse(host, address, port);
    return addresses;
  }

  /** The checked address to connect to for a host and port. */
  async addressFor(hostname: string, port: number): Promise<string> {
    return (await this.resolve(hostname, port))[0]!.address;
  }

  /** A `lookup` for http.request / net.connect to `port` that resolves through the guard. */
  lookupFor(port: number): LookupFunction {
    return (hostname, options, callback) => {
      const family = options.family === 4 || options.family === 6 ? options.family : 0;
      this.resolve(hostname, port, family).then(
        (addresses) => {
          if (options.all) callback(null, addresses);
          else callback(null, addresses[0]!.address, addresses[0]!.family);
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 0),
      );
    };
  }

  private refuse(host: string, address: string, port: number): void {
    const reason = refusalReason(address);
    if (!reason) return;
    const target = host === normalizeHost(address) ? address : `${host} (${address})`;
    throw new AddressRefusedError(
      `Refused to connect to ${target}: it is ${reason}. Tools may only reach public internet addresses ` +
        `unless the operator allow-lists the host in TOOL_ALLOWED_HOSTS (port ${port}: host:${port}, or the bare ` +
        'host for ports 80 and 443).',
    );
  }
}

import type { LookupAddress } from 'node:dns';
import { AddressGuard, AddressRefusedError, refusalReason } from './address-guard.js';

describe('refusalReason', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.0.9', 'a loopback address'],
    ['0.0.0.0', 'an unspecified ("this network") address'],
    ['10.1.2.3', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.1.10', 'a private address'],
    ['100.64.0.1', 'a shared (carrier-grade NAT) address'],
    ['169.254.169.254', 'a link-local address'],
    ['224.0.0.251', 'a multicast address'],
    ['255.255.255.255', 'a reserved address'],
    ['198.18.0.1', 'a reserved address'],
    ['::1', 'a loopback address'],
    ['::', 'an unspecified address'],
    ['fe80::1', 'a link-local address'],
    ['fe80::1%eth0', 'a link-local address'],
    ['FE80::abcd', 'a link-local address'],
    ['fc00::1', 'a private (unique local) address'],
    ['fd12:3456::1', 'a private (unique local) address'],
    ['ff02::1', 'a multicast address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:7f00:1', 'a loopback address'],
    ['::ffff:169.254.169.254', 'a link-local address'],
    ['::ffff:10.0.0.1', 'a private address'],
    ['64:ff9b::a00:1', 'a translation or tunnel address'],
    ['2002:7f00:1::', 'a translation or tunnel address'],
    ['2001:db8::1', 'a reserved address'],
    ['3fff::1', null],
    ['4000::1', 'a reserved address'],
    ['not-an-ip', 'not an IP address'],
  ])('%s → %s', (address, reason) => {
    expect(refusalReason(address)).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.253.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'lets the public address %s through',
    (address) => {
      expect(refusalReason(address)).toBeNull();
    },
  );
});

describe('AddressGuard', () => {
  const records: Record<string, LookupAddress[]> = {
    'public.example': [{ address: '93.184.215.14', family: 4 }],
    'mixed.example': [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ],
    'internal.example': [{ address: '192.168.0.20', family: 4 }],
    'v6.example': [{ address: '::1', family: 6 }],
    'db.lan.example': [{ address: '10.1.0.7', family: 4 }],
    'lan.example': [{ address: '10.1.0.1', family: 4 }],
  };
  const resolver = async (host: string) => {
    const found = records[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  const guard = new AddressGuard(['Internal.Example', '[::1]:*', '10.0.0.9:8080', '*.lan.example'], resolver);

  it('refuses schemes other than http and https, and bad URLs', () => {
    expect(() => guard.checkUrl('file:///etc/passwd')).toThrow('Only http and https URLs are allowed (got file:)');
    expect(() => guard.checkUrl('gopher://x')).toThrow(AddressRefusedError);
    expect(() => guard.checkUrl('not a url')).toThrow('"not a url" is not a valid URL.');
    expect(guard.checkUrl('https://public.example/a').href).toBe('https://public.example/a');
  });

  it('refuses IP literals in refused ranges, however they are written', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:127.0.0.1]:8080/',
      'http://[fe80::1]/',
    ]) {
      expect(() => guard.checkUrl(url)).toThrow(/^Refused to connect to .*: it is a (loopback|link-local) address/);
    }
    expect(() => guard.checkUrl('http://[::1]:3000/')).not.toThrow(); // allow-listed on every port
  });

  it('opens an allow-listed host only on the ports its entry names (a bare host: 80 and 443)', async () => {
    expect(() => guard.checkUrl('http://10.0.0.9:8080/')).not.toThrow();
    expect(() => guard.checkUrl('http://10.0.0.9/')).toThrow(/10\.0\.0\.9: it is a private address.*port 80/);
    expect(() => guard.checkUrl('http://10.0.0.9:8081/')).toThrow(/port 8081: host:8081/);
    await expect(guard.resolve('internal.example', 80)).resolves.toHaveLength(1);
    await expect(guard.resolve('internal.example', 443)).resolves.toHaveLength(1);
    await expect(guard.resolve('internal.example', 8080)).rejects.toThrow('it is a private address');
    await expect(guard.resolve('db.lan.example', 443)).resolves.toHaveLength(1);
    await expect(guard.resolve('lan.example', 443)).rejects.toThrow('it is a private address');
  });

  it('checks every address a name resolves to', async () => {
    await expect(guard.resolve('public.example', 443)).resolves.toEqual(records['public.example']);
    await expect(guard.resolve('mixed.example', 443)).rejects.toThrow(
      'Refused to connect to mixed.example (10.0.0.5): it is a private address.',
    );
    await expect(guard.resolve('nowhere.example', 443)).rejects.toThrow(
      'The host name nowhere.example could not be resolved (ENOTFOUND).',
    );
  });

  it('lets allow-listed hosts through, by name, case-insensitively and with a trailing dot', async () => {
    await expect(guard.resolve('internal.example.', 80)).resolves.toEqual(records['internal.example']);
    await expect(guard.resolve('INTERNAL.example', 443)).resolves.toHaveLength(1);
    expect(guard.isAllowListed('::1', 3000)).toBe(true);
    // The allow-list names hosts, not addresses behind other names.
    await expect(guard.resolve('v6.example', 443)).rejects.toThrow('it is a loopback address');
  });

  it('gives sockets only checked addresses through its lookup', async () => {
    const lookup = (host: string, all: boolean) =>
      new Promise<unknown>((resolve, reject) =>
        guard.lookupFor(443)(host, { all }, (error, address, family) =>
          error ? reject(error) : resolve({ address, family }),
        ),
      );
    await expect(lookup('public.example', false)).resolves.toEqual({ address: '93.184.215.14', family: 4 });
    await expect(lookup('public.example', true)).resolves.toEqual({ address: records['public.example'] });
    await expect(lookup('mixed.example', true)).rejects.toThrow(AddressRefusedError);
  });
});

import { formatHostEntry, HostList, parseHostEntry } from './host-list.js';

describe('host lists', () => {
  it('parses hosts, ports, wildcards and IPv6, and writes them one way', () => {
    const written = (raw: string) => {
      const entry = parseHostEntry(raw);
      return entry && formatHostEntry(entry);
    };
    expect(written('Api.Example.COM')).toBe('api.example.com');
    expect(written('api.example.com:8443')).toBe('api.example.com:8443');
    expect(written('127.0.0.1:*')).toBe('127.0.0.1:*');
    expect(written('*.Example.com')).toBe('*.example.com');
    expect(written('[::1]')).toBe('::1');
    expect(written('::1')).toBe('::1');
    expect(written('[::1]:8080')).toBe('[::1]:8080');
    for (const bad of ['http://x.example', 'x.example:0', 'x.example:65536', '*.10.0.0.1', '[x.example]', 'a b', '']) {
      expect(parseHostEntry(bad)).toBeNull();
    }
  });

  it('covers a bare host on ports 80 and 443 only, and other ports when named', () => {
    const list = new HostList(['example.com', 'api.example.com:8443', 'local.test:*', '*.corp.example', '[::1]:9000']);
    expect(list.covers(new URL('http://example.com/'))).toBe(true);
    expect(list.covers(new URL('https://EXAMPLE.com./x'))).toBe(true);
    expect(list.covers(new URL('http://example.com:8080/'))).toBe(false);
    expect(list.covers(new URL('https://api.example.com:8443/'))).toBe(true);
    expect(list.covers(new URL('https://api.example.com/'))).toBe(false);
    expect(list.covers(new URL('http://local.test:1234/'))).toBe(true);
    expect(list.covers(new URL('https://a.b.corp.example/'))).toBe(true);
    expect(list.covers(new URL('https://corp.example/'))).toBe(false);
    expect(list.covers(new URL('https://evilcorp.example/'))).toBe(false);
    expect(list.covers(new URL('http://[::1]:9000/'))).toBe(true);
    expect(list.covers(new URL('http://[::1]/'))).toBe(false);
    expect(list.covers(new URL('https://sub.example.com/'))).toBe(false);
  });
});

import { isLoopbackHost } from './setup-code.js';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'gateway.example.com', '::ffff:10.0.0.1', '::2'])(
    '%s is beyond loopback',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

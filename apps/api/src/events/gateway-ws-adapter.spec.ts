import type { INestApplicationContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { GatewayWsAdapter } from './gateway-ws-adapter.js';

describe('GatewayWsAdapter origin check', () => {
  const adapter = new GatewayWsAdapter({} as INestApplicationContext, ['https://console.example.com']);
  const req = { headers: { host: 'gateway.local:3000' } } as IncomingMessage;

  it.each([
    [undefined, true], // scripts and servers send no Origin; they still need a token
    ['http://gateway.local:3000', true],
    ['https://console.example.com', true],
    ['https://evil.example.net', false],
    ['http://gateway.local:3001', false],
    ['null', false],
  ])('origin %s → allowed %s', (origin, allowed) => {
    expect(adapter.isAllowedOrigin(origin, req)).toBe(allowed);
  });
});

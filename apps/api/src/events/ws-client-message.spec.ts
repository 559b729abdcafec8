import {
  parseWsClientMessage,
  WS_CLOSE_TOO_BIG,
  WS_CLOSE_UNSUPPORTED_DATA,
  WS_MAX_UNAUTHENTICATED_BYTES,
} from './ws-client-message.js';

const text = (value: string) => Buffer.from(value, 'utf8');

describe('parseWsClientMessage', () => {
  it('accepts the two messages clients send', () => {
    expect(parseWsClientMessage(text('{"type":"ping"}'), false, false)).toEqual({ type: 'ping' });
    expect(parseWsClientMessage(text('{"type":"auth","token":"lgs_x","extra":1}'), false, false)).toEqual({
      type: 'auth',
      token: 'lgs_x',
    });
  });

  it.each(['null', '0', '"ping"', 'true', '[]', '[{"type":"ping"}]'])('refuses %s as not a message object', (raw) => {
    expect(parseWsClientMessage(text(raw), false, false)).toEqual({
      error: 'Messages must be JSON objects with a "type"',
    });
  });

  it('names what is wrong with other frames', () => {
    expect(parseWsClientMessage(text('{'), false, false)).toEqual({ error: 'Messages must be JSON' });
    expect(parseWsClientMessage(text('{"type":"unsubscribe"}'), false, false)).toEqual({
      error: 'Unknown message type',
    });
    expect(parseWsClientMessage(text('{"type":"subscribe"}'), false, false)).toEqual({
      error: 'Authenticate before subscribing',
    });
    expect(parseWsClientMessage(text('{"type":"subscribe","runs":[1]}'), false, true)).toEqual({
      error: '"runs" has an unknown entry: 1',
    });
    expect(parseWsClientMessage(text('{"type":"auth","token":""}'), false, false)).toEqual({
      error: 'An auth message needs a "token" string',
    });
    expect(parseWsClientMessage(text('{"type":"ping"}'), true, true)).toMatchObject({
      close: WS_CLOSE_UNSUPPORTED_DATA,
    });
  });

  it('holds unauthenticated clients to a smaller size than signed-in ones', () => {
    const big = text(JSON.stringify({ type: 'ping', pad: 'x'.repeat(WS_MAX_UNAUTHENTICATED_BYTES) }));
    expect(parseWsClientMessage(big, false, false)).toMatchObject({ close: WS_CLOSE_TOO_BIG });
    expect(parseWsClientMessage(big, false, true)).toEqual({ type: 'ping' });
    expect(parseWsClientMessage([text('{"type":'), text('"ping"}')], false, false)).toEqual({ type: 'ping' });
  });
});

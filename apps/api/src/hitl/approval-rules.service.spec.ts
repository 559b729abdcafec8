import { matches } from './approval-rules.service.js';

describe('auto-approve patterns', () => {
  const input = { method: 'POST', url: 'https://hooks.example.com/a/b', body: { n: 1 } };

  it('needs every named field to match its glob', () => {
    expect(matches({ method: 'POST', url: 'https://hooks.example.com/*' }, input)).toBe(true);
    expect(matches({ method: 'POST', url: 'https://hooks.example.org/*' }, input)).toBe(false);
    expect(matches({ method: 'GET' }, input)).toBe(false);
    expect(matches({ missing: '*' }, input)).toBe(false);
  });

  it('matches whole values, treats other characters literally and compares non-strings as JSON', () => {
    expect(matches({ url: 'https://hooks.example.com/' }, input)).toBe(false);
    expect(matches({ url: 'https://hooks?example.com/*' }, input)).toBe(false);
    expect(matches({ url: 'https://hooks.example.com/a/(b)' }, { url: 'https://hooks.example.com/a/(b)' })).toBe(true);
    expect(matches({ body: '{"n":1}' }, input)).toBe(true);
    expect(matches({ script: 'echo *' }, { script: 'echo hi\nrm -rf /' })).toBe(true);
    expect(matches({ method: '*' }, 'not an object')).toBe(false);
  });
});

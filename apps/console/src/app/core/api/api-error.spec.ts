import { describe, expect, it } from 'vitest';
import { apiErrorMessage } from './api-error';

describe('apiErrorMessage', () => {
  it('uses the API message, one line per validation message', () => {
    expect(apiErrorMessage({ statusCode: 401, message: 'Invalid username or password' })).toBe(
      'Invalid username or password',
    );
    expect(apiErrorMessage({ statusCode: 400, message: ['a is wrong', 'b is wrong'] })).toBe('a is wrong\nb is wrong');
  });

  it('explains a network failure and falls back for anything else', () => {
    expect(apiErrorMessage(new TypeError('Failed to fetch'))).toMatch(/cannot reach the gateway/i);
    expect(apiErrorMessage('<html>502 Bad Gateway</html>', 'Fallback')).toBe('Fallback');
    expect(apiErrorMessage({}, 'Fallback')).toBe('Fallback');
  });
});

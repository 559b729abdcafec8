import { JSON_BODY_MAX_DEPTH, JSON_BODY_MAX_VALUES, shapeProblem } from './json-body.js';

const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('JSON body shape check', () => {
  it('accepts bodies up to the depth and value limits', () => {
    expect(shapeProblem(nested(JSON_BODY_MAX_DEPTH))).toBeNull();
    expect(shapeProblem({ list: Array.from({ length: JSON_BODY_MAX_VALUES - 1 }, () => 'x') })).toBeNull();
    expect(shapeProblem(undefined)).toBeNull();
    expect(shapeProblem('text')).toBeNull();
  });

  it('names the depth limit, and walks 100 000 levels without overflowing the stack', () => {
    const message = `The JSON body is nested deeper than ${JSON_BODY_MAX_DEPTH} levels of objects and arrays`;
    expect(shapeProblem(nested(JSON_BODY_MAX_DEPTH + 1))).toBe(message);
    expect(shapeProblem({ a: { b: nested(JSON_BODY_MAX_DEPTH) } })).toBe(message);
    expect(shapeProblem(nested(100_000))).toBe(message);
  });

  it('counts object members and array elements at every level together', () => {
    const half = Array.from({ length: JSON_BODY_MAX_VALUES / 2 }, () => ({}));
    expect(shapeProblem({ a: half, b: half })).toBe(
      `The JSON body has more than ${JSON_BODY_MAX_VALUES} values (object members and array elements)`,
    );
  });
});

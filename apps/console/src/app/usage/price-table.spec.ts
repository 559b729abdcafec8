import { describe, expect, it } from 'vitest';
import { duplicatePrefixes, priceRows, priceTableBody } from './price-table';

describe('price table mapping', () => {
  it('turns the table into rows sorted by prefix and back into the PUT body', () => {
    const table = {
      prices: {
        'claude-sonnet-4': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
        'claude-haiku-4': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
      },
    };
    const rows = priceRows(table);
    expect(rows.map((row) => row.prefix)).toEqual(['claude-haiku-4', 'claude-sonnet-4']);
    expect(rows[0]).toEqual({ prefix: 'claude-haiku-4', input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 });
    expect(
      priceTableBody([...rows, { prefix: ' my-model ', input: 2, output: 8, cacheWrite: 0, cacheRead: 0 }]),
    ).toEqual({
      prices: {
        ...table.prices,
        'my-model': { input: 2, output: 8, cacheWrite: 0, cacheRead: 0 },
      },
    });
  });

  it('finds prefixes given twice', () => {
    expect(
      duplicatePrefixes([{ prefix: 'a' }, { prefix: 'b ' }, { prefix: ' b' }, { prefix: '' }, { prefix: '' }]),
    ).toEqual(['b']);
  });
});

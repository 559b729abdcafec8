import type { ModelPriceDto, PriceTableDto } from '@loop-gateway/api-client';

/** One line of the price table editor: a model-id prefix and its USD prices per million tokens. */
export interface PriceRow extends ModelPriceDto {
  prefix: string;
}

/** The table as editable rows, sorted by prefix. */
export function priceRows(table: PriceTableDto): PriceRow[] {
  return Object.entries(table.prices)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([prefix, price]) => ({ prefix, ...price }));
}

/** The rows as the body of PUT /api/usage/prices (prefixes trimmed). */
export function priceTableBody(rows: readonly PriceRow[]): PriceTableDto {
  const prices: PriceTableDto['prices'] = {};
  for (const { prefix, input, output, cacheWrite, cacheRead } of rows) {
    prices[prefix.trim()] = { input, output, cacheWrite, cacheRead };
  }
  return { prices };
}

/** Prefixes that appear more than once (after trimming). */
export function duplicatePrefixes(rows: readonly Pick<PriceRow, 'prefix'>[]): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const { prefix } of rows) {
    const key = prefix.trim();
    if (key && seen.has(key)) duplicates.add(key);
    seen.add(key);
  }
  return [...duplicates];
}

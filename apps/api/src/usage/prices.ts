import type { TokenTotals } from './usage.repository.js';

/** US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/**
 * Built-in list prices, matched by model-id prefix (longest prefix wins). Operators replace the table
 * with PUT /api/usage/prices when prices change or they use other models — no code change needed.
 */
export const DEFAULT_PRICES: Record<string, ModelPrice> = {
  'claude-opus-4': { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 },
  'claude-opus-4-5': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  'claude-sonnet-4': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-haiku-4': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  'claude-3-7-sonnet': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 },
};

export function priceFor(model: string, prices: Record<string, ModelPrice>): ModelPrice | null {
  const match = Object.keys(prices)
    .filter((prefix) => model.startsWith(prefix))
    .sort((a, b) => b.length - a.length)[0];
  return match ? prices[match]! : null;
}

/** Estimated cost in US dollars; null when the model has no price. */
export function costOf(
  model: string,
  totals: Omit<TokenTotals, 'calls'>,
  prices: Record<string, ModelPrice>,
): number | null {
  const price = priceFor(model, prices);
  if (!price) return null;
  const dollars =
    (totals.inputTokens * price.input +
      totals.outputTokens * price.output +
      totals.cacheCreationTokens * price.cacheWrite +
      totals.cacheReadTokens * price.cacheRead) /
    1_000_000;
  return Math.round(dollars * 1_000_000) / 1_000_000;
}

/**
 * What prompt caching saved, in US dollars: cached tokens priced as plain input minus what their
 * cache reads and writes cost (negative while writes outweigh reads); null when the model has no price.
 */
export function cacheSavingsOf(
  model: string,
  totals: Pick<TokenTotals, 'cacheCreationTokens' | 'cacheReadTokens'>,
  prices: Record<string, ModelPrice>,
): number | null {
  const price = priceFor(model, prices);
  if (!price) return null;
  const dollars =
    (totals.cacheReadTokens * (price.input - price.cacheRead) +
      totals.cacheCreationTokens * (price.input - price.cacheWrite)) /
    1_000_000;
  return Math.round(dollars * 1_000_000) / 1_000_000;
}

import type { ToolResult } from './tool.js';

/** Input that does not match a tool's schema; the message is for the model, naming the field. */
export class ToolInputError extends Error {}

export function invalidInput(error: ToolInputError): ToolResult {
  return { content: `Invalid input: ${error.message}`, isError: true };
}

export function inputObject(input: unknown, fields: readonly string[]): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ToolInputError('the input must be a JSON object');
  }
  const extra = Object.keys(input).find((key) => !fields.includes(key));
  if (extra) throw new ToolInputError(`unknown field "${extra}" (allowed: ${fields.join(', ')})`);
  return input as Record<string, unknown>;
}

export function stringField(
  input: Record<string, unknown>,
  field: string,
  options: { maxLength: number; oneOf?: readonly string[] },
): string {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) throw new ToolInputError(`${field} must be a non-empty string`);
  if (value.length > options.maxLength) {
    throw new ToolInputError(`${field} must be at most ${options.maxLength} characters`);
  }
  if (options.oneOf && !options.oneOf.includes(value)) {
    throw new ToolInputError(`${field} must be one of ${options.oneOf.join(', ')}`);
  }
  return value;
}

/**
 * The http(s) URL in an input's `url` field, as the one destination of the call (`Tool.destinations`);
 * none when there is no such URL (the tool refuses that input anyway).
 */
export function urlDestination(input: unknown): URL[] {
  const raw = (input as { url?: unknown } | null)?.url;
  if (typeof raw !== 'string') return [];
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? [url] : [];
  } catch {
    return [];
  }
}

/** What the model reads when a redirect to another origin was not followed. */
export function redirectNotFollowed(to: URL): string {
  return (
    `[The redirect to ${to.origin} was not followed: it leads to another host than this call named, one the ` +
    'call may not go on to without a new approval. To go there, make a new call with that URL; it may be held for approval.]'
  );
}

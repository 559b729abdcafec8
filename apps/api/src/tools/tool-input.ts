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

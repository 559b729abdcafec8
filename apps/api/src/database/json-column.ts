import type { ValueTransformer } from 'typeorm';

/**
 * JSON in a column that is jsonb on PostgreSQL and text on SQLite (see columnTypes): written as a
 * JSON string on both, read back from a string (SQLite) or an already parsed value (PostgreSQL).
 */
export function jsonColumn<T>(fallback: T): ValueTransformer {
  return {
    to: (value: T | undefined | null) => JSON.stringify(value ?? fallback),
    from: (value: unknown): T => {
      if (value === null || value === undefined) return structuredClone(fallback);
      return (typeof value === 'string' ? JSON.parse(value) : value) as T;
    },
  };
}

/** Like jsonColumn, for a nullable column: null stays SQL NULL (not the JSON text `null`). */
export function nullableJsonColumn<T>(): ValueTransformer {
  return {
    to: (value: T | undefined | null) => (value === null || value === undefined ? null : JSON.stringify(value)),
    from: (value: unknown): T | null => {
      if (value === null || value === undefined) return null;
      return (typeof value === 'string' ? JSON.parse(value) : value) as T;
    },
  };
}

import { randomUUID } from 'node:crypto';

/**
 * A UUID of version 7 (RFC 9562): the time it was made, in milliseconds, then random bits. The rows
 * a run adds (the run, its conversation, messages and model calls, the activity feed's events) are
 * keyed by these: new keys go in at the end of their indexes, so a commit of many new rows dirties a
 * few index pages instead of one random page per row and index, which random (version 4) keys cost,
 * once in SQLite's WAL and again at each checkpoint. What they reveal, when a row was made, the rows
 * show anyway.
 */
export function timeOrderedId(now: number = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  // A version 4 UUID's random bits and variant, under version 7's time and version digit.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}

import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { Database } from './sqlite-table.js';

/**
 * The SQLite WAL checkpointer's thread (see WalCheckpointer): its own connection to the database
 * file copies committed pages from the WAL into the database every `intervalMs`. PASSIVE: it never
 * waits for or blocks the gateway's connection, and a checkpoint changes no committed data.
 */
const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const open = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => Database & { close(): void };
const db = new open(file);
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // SQLITE_BUSY and the like: the next tick tries again (the gateway's connection is the fallback).
  }
}, intervalMs);
parentPort?.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});

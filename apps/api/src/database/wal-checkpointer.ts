import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { sqliteConnection } from './sqlite-table.js';

/** How often the checkpointer thread copies the WAL into the database file. */
const CHECKPOINT_INTERVAL_MS = 200;
/**
 * The gateway's own connection checkpoints only past this many WAL pages (about 40 MB): a fallback
 * for when the thread falls behind or is gone. SQLite's default (1000) would do it on the event loop,
 * inside a commit, with an fsync: tens to hundreds of ms on a busy disk.
 */
const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;
/** The thread starts once the WAL file passes this size (a quarter of SQLite's own checkpoint point). */
const START_AT_WAL_BYTES = 1024 * 1024;
/** How often writes look at the WAL file's size until the thread has started. */
const SIZE_CHECK_INTERVAL_MS = 1000;

/**
 * SQLite WAL checkpoints off the event loop: a worker thread with its own connection checkpoints
 * (PASSIVE) on a timer, so commits on the request path only append to the WAL. Durability does not
 * change: a commit is in the WAL before it is acknowledged, checkpointed or not. The thread (about
 * 14 MB) starts once writes have grown the WAL past START_AT_WAL_BYTES (`noticeWrite`), so a gateway
 * that is idle or nearly so does without it (SQLite's own checkpoints are rare and small there).
 */
@Injectable()
export class WalCheckpointer implements OnModuleDestroy {
  private readonly logger = new Logger(WalCheckpointer.name);
  private worker: Worker | null = null;
  private started = false;
  private sizeCheckedAt = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Called on hot-path writes: starts the thread once the WAL has grown (checked once a second). */
  noticeWrite(): void {
    if (this.started) return;
    const now = Date.now();
    if (now - this.sizeCheckedAt < SIZE_CHECK_INTERVAL_MS) return;
    this.sizeCheckedAt = now;
    const file = 'database' in this.dataSource.options ? String(this.dataSource.options.database) : ':memory:';
    try {
      if (statSync(`${file}-wal`).size >= START_AT_WAL_BYTES) this.wake();
    } catch {
      // No WAL file (yet): nothing to checkpoint.
    }
  }

  /** Starts the checkpointer thread once (SQLite with a database file only). */
  wake(): void {
    if (this.started) return;
    this.started = true;
    const db = sqliteConnection(this.dataSource);
    const file = 'database' in this.dataSource.options ? String(this.dataSource.options.database) : ':memory:';
    // Run from TypeScript sources (unit tests) there is no built worker: the connection checkpoints itself.
    const script = new URL('./wal-checkpoint.worker.js', import.meta.url);
    if (!db || file === ':memory:' || !existsSync(script)) return;
    try {
      this.worker = new Worker(script, {
        workerData: { file, intervalMs: CHECKPOINT_INTERVAL_MS },
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'The WAL checkpointer did not start; the connection checkpoints itself');
      return;
    }
    this.worker.unref();
    this.worker.on('error', (error) => {
      this.logger.warn({ err: error }, 'The WAL checkpointer stopped; the connection checkpoints itself');
      db.pragma('wal_autocheckpoint = 1000');
    });
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    const exited = once(worker, 'exit');
    worker.postMessage('stop');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await worker.terminate();
  }
}

import type { Logger } from '@nestjs/common';
import { type FSWatcher, watch } from 'node:fs';

/** How long the watcher waits for more changes to a folder before reading it again. */
const RELOAD_DEBOUNCE_MS = 300;

/**
 * Keeps what a service loaded from the named folders under `dir` in step with the disk: `load(name)`
 * runs when asked (`reload`) and, debounced, after the watcher sees a change in that folder. One load
 * at a time per folder: API writes and watcher events queue behind each other. Hidden folders (an
 * upload being written) are not watched.
 */
export class FolderReloader {
  private readonly reloads = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private watcher: FSWatcher | null = null;

  constructor(
    private readonly dir: string,
    private readonly load: (name: string) => Promise<void>,
    private readonly logger: Logger,
    /** What a folder holds, for log lines: "Skill", "Agent Skill". */
    private readonly what: string,
  ) {}

  /** Starts watching `dir` (it must exist). */
  watch(): void {
    this.watcher = watch(this.dir, { recursive: true }, (_type, file) => {
      const name = file?.split(/[\\/]/)[0];
      if (name && !name.startsWith('.')) this.scheduleReload(name);
    });
    this.watcher.on('error', (error) => this.logger.warn({ err: error }, `${this.what} folder watcher failed`));
  }

  /** Reads one folder again, after any load of it already under way; a failure is logged. */
  reload(name: string): Promise<void> {
    const previous = this.reloads.get(name) ?? Promise.resolve();
    const next = previous
      .then(() => this.load(name))
      .catch((error: unknown) => this.logger.error({ err: error, folder: name }, `${this.what} reload failed`));
    this.reloads.set(name, next);
    void next.finally(() => {
      if (this.reloads.get(name) === next) this.reloads.delete(name);
    });
    return next;
  }

  close(): void {
    this.watcher?.close();
    for (const timer of this.timers.values()) clearTimeout(timer);
  }

  private scheduleReload(name: string): void {
    clearTimeout(this.timers.get(name));
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        void this.reload(name);
      }, RELOAD_DEBOUNCE_MS),
    );
  }
}

import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Older screenshots are deleted beyond this many. */
export const MAX_SCREENSHOTS = 500;

/** Screenshots web_browse takes, as DATA_DIR/screenshots/<uuid>.png, for the console to show. */
export class ScreenshotStore {
  constructor(readonly dir: string) {}

  async save(png: Uint8Array): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const id = randomUUID();
    await writeFile(join(this.dir, `${id}.png`), png);
    await this.prune();
    return id;
  }

  /** The file of a screenshot, or null for an id that is not one (never a path outside the folder). */
  async find(id: string): Promise<string | null> {
    if (!ID.test(id)) return null;
    const file = join(this.dir, `${id}.png`);
    return (await stat(file).catch(() => null))?.isFile() ? file : null;
  }

  private async prune(): Promise<void> {
    const names = (await readdir(this.dir)).filter((name) => name.endsWith('.png'));
    if (names.length <= MAX_SCREENSHOTS) return;
    const files = await Promise.all(
      names.map(async (name) => ({ name, mtime: (await stat(join(this.dir, name)).catch(() => null))?.mtimeMs ?? 0 })),
    );
    files.sort((a, b) => a.mtime - b.mtime);
    await Promise.all(
      files.slice(0, files.length - MAX_SCREENSHOTS).map(({ name }) => rm(join(this.dir, name), { force: true })),
    );
  }
}

import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Older screenshots are deleted beyond this many. */
export const MAX_SCREENSHOTS = 500;

/** The image types kept, by file extension. */
export const IMAGE_TYPES = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
} as const;
export type ImageExtension = keyof typeof IMAGE_TYPES;

/** The extension for a MIME type the store keeps, or null. */
export function imageExtension(mimeType: string): ImageExtension | null {
  const type = mimeType.toLowerCase().split(';')[0]!.trim();
  const found = Object.entries(IMAGE_TYPES).find(
    ([, mime]) => mime === type || (type === 'image/jpg' && mime === 'image/jpeg'),
  );
  return found ? (found[0] as ImageExtension) : null;
}

/**
 * Images for the console to show, as DATA_DIR/screenshots/<uuid>.<ext>: the screenshots web_browse
 * takes (PNG) and images MCP tools return (PNG, JPEG, GIF, WebP).
 */
export class ScreenshotStore {
  constructor(readonly dir: string) {}

  async save(image: Uint8Array, extension: ImageExtension = 'png'): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const id = randomUUID();
    await writeFile(join(this.dir, `${id}.${extension}`), image);
    await this.prune();
    return id;
  }

  /** The file of an image and its type, or null for an id that is not one (never a path outside the folder). */
  async find(id: string): Promise<{ file: string; type: string } | null> {
    if (!ID.test(id)) return null;
    for (const [extension, type] of Object.entries(IMAGE_TYPES)) {
      const file = join(this.dir, `${id}.${extension}`);
      if ((await stat(file).catch(() => null))?.isFile()) return { file, type };
    }
    return null;
  }

  private async prune(): Promise<void> {
    const names = (await readdir(this.dir)).filter((name) => /\.(png|jpg|gif|webp)$/.test(name));
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

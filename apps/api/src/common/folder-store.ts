import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A folder of named sub-folders, one an item (custom skills, Agent Skills). Hidden ones (uploads in
 * progress) are not items.
 */
export class FolderStore {
  constructor(readonly dir: string) {}

  async ensure(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** The items' folder names. */
  async names(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name);
  }

  async exists(name: string): Promise<boolean> {
    return stat(join(this.dir, name)).then(
      (info) => info.isDirectory(),
      () => false,
    );
  }
}

import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FolderStore } from '../common/folder-store.js';

export const MANIFEST_FILE = 'skill.json';
export const HANDLER_FILE = 'handler.js';

/** A skill folder as read from disk, not yet validated. */
export interface SkillFiles {
  manifestText: string;
  handler: string;
  installedAt: Date;
  updatedAt: Date;
}

/**
 * Custom skills as files: `<dir>/<name>/skill.json` (the manifest) and `handler.js`. Operators may
 * edit them directly; the API writes them the same way. Each file is replaced atomically (write, then
 * rename), so a reader never sees half a file.
 */
export class SkillStore extends FolderStore {
  /** The folder's files; throws with a readable reason when one is missing. */
  async read(name: string): Promise<SkillFiles> {
    const folder = join(this.dir, name);
    const [manifestText, handler, folderInfo, manifestInfo, handlerInfo] = await Promise.all([
      readFile(join(folder, MANIFEST_FILE), 'utf8').catch(() =>
        Promise.reject(new Error(`${MANIFEST_FILE} is missing`)),
      ),
      readFile(join(folder, HANDLER_FILE), 'utf8').catch(() => Promise.reject(new Error(`${HANDLER_FILE} is missing`))),
      stat(folder),
      stat(join(folder, MANIFEST_FILE)),
      stat(join(folder, HANDLER_FILE)),
    ]);
    const updatedAt = manifestInfo.mtime > handlerInfo.mtime ? manifestInfo.mtime : handlerInfo.mtime;
    return { manifestText, handler, installedAt: folderInfo.birthtime ?? folderInfo.ctime, updatedAt };
  }

  async write(name: string, manifest: object, handler: string): Promise<void> {
    const folder = join(this.dir, name);
    await mkdir(folder, { recursive: true });
    await replace(join(folder, HANDLER_FILE), handler);
    await replace(join(folder, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.dir, name), { recursive: true, force: true });
  }
}

async function replace(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await rename(temp, file);
}

import { randomUUID } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { SKILL_MD } from './skill-md.js';
import { FolderStore } from '../common/folder-store.js';

/** A file of an Agent Skill folder, relative to it ('/'-separated). */
export interface SkillFileInfo {
  path: string;
  size: number;
}

/** What was read of a file for the model: its text (maybe cut at the cap) or that it is binary. */
export interface SkillFileRead {
  size: number;
  text: string | null;
  truncated: boolean;
}

/** Largest SKILL.md read (the instructions are for a model's context, not a book). */
export const MAX_SKILL_MD_BYTES = 256 * 1024;
/** Files listed per folder at most (a folder copied in by hand may hold anything). */
const MAX_LISTED = 500;

/**
 * Agent Skills as folders: `<dir>/<name>/SKILL.md` and resource files. Operators may copy folders in
 * directly; the API installs one by writing it under a hidden temporary name and renaming it into
 * place, so a folder is there whole or not at all. Paths are confined to their folder, symbolic
 * links included.
 */
export class AgentSkillStore extends FolderStore {
  /** The SKILL.md text and when it last changed; throws with a readable reason. */
  async readSkillMd(name: string): Promise<{ text: string; updatedAt: Date }> {
    const file = join(this.dir, name, SKILL_MD);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new Error(`${SKILL_MD} is missing`);
    if (info.size > MAX_SKILL_MD_BYTES) {
      throw new Error(`${SKILL_MD} is ${info.size} bytes; at most ${MAX_SKILL_MD_BYTES}`);
    }
    return { text: await readFile(file, 'utf8'), updatedAt: info.mtime };
  }

  /** The folder's regular files, sorted (symbolic links and special files are not listed). */
  async files(name: string): Promise<SkillFileInfo[]> {
    const root = join(this.dir, name);
    const found: SkillFileInfo[] = [];
    const walk = async (folder: string): Promise<void> => {
      for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
        if (found.length >= MAX_LISTED) return;
        const full = join(folder, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile()) {
          const info = await stat(full).catch(() => null);
          if (info) found.push({ path: relative(root, full).split(sep).join('/'), size: info.size });
        }
      }
    };
    await walk(root);
    return found.sort((a, b) => a.path.localeCompare(b.path));
  }

  /**
   * Writes a new skill folder from its files, atomically. Throws FolderTaken when a folder of that name
   * appeared meanwhile (nothing is left behind either way).
   */
  async install(name: string, files: { path: string; data: Buffer }[]): Promise<void> {
    const temp = join(this.dir, `.upload-${randomUUID()}`);
    try {
      for (const file of files) {
        const target = join(temp, ...file.path.split('/'));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.data, { mode: 0o600 });
      }
      if (await this.exists(name)) throw new FolderTaken(name);
      await rename(temp, join(this.dir, name));
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.dir, name), { recursive: true, force: true });
  }

  /**
   * A file of the folder, read up to `maxBytes`; null when `path` is not a regular file inside it (a
   * path that leaves the folder, through `..` or a symbolic link, is treated as not there).
   */
  async readFile(name: string, path: string, maxBytes: number): Promise<SkillFileRead | null> {
    const root = await realpath(join(this.dir, name)).catch(() => null);
    if (!root) return null;
    const target = await realpath(join(root, ...path.split('/'))).catch(() => null);
    if (!target || !target.startsWith(root + sep)) return null;
    const info = await lstat(target).catch(() => null);
    if (!info?.isFile()) return null;
    const handle = await open(target, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(info.size, maxBytes));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      const data = buffer.subarray(0, bytesRead);
      const binary = data.includes(0);
      return { size: info.size, text: binary ? null : data.toString('utf8'), truncated: info.size > bytesRead };
    } finally {
      await handle.close();
    }
  }
}

/** A folder of that name exists already. */
export class FolderTaken extends Error {
  constructor(name: string) {
    super(`An Agent Skill folder named "${name}" already exists`);
  }
}

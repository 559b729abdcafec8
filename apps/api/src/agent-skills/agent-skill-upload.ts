import { BadRequestException } from '@nestjs/common';
import type { AgentSkillUploadDto } from './dto/agent-skill.dto.js';
import { SKILL_MD } from './skill-md.js';
import { readZip, ZipError, type ZipLimits } from './zip-reader.js';

/** What one upload may hold, unpacked. */
export const UPLOAD_LIMITS: ZipLimits = { maxFiles: 100, maxFileBytes: 1024 * 1024, maxTotalBytes: 4 * 1024 * 1024 };
const MAX_PATH = 255;
const MAX_DEPTH = 8;

export interface UploadedFile {
  path: string;
  data: Buffer;
}

/**
 * The files of an upload, from `archive` (a zip) or `files`, with their paths checked: relative,
 * '/'-separated, no `.` or `..` segment, no backslash, drive or control character, none twice, within
 * the limits. A zip whose files all sit in one top-level folder (a zipped folder) loses that folder.
 * Throws a 400 naming the field.
 */
export function uploadedFiles(body: AgentSkillUploadDto): UploadedFile[] {
  if ((body.archive === undefined) === (body.files === undefined)) {
    throw new BadRequestException('Send either archive (a base64 zip) or files, not both and not neither');
  }
  let files: UploadedFile[];
  let field: (index: number) => string;
  if (body.archive !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body.archive) || body.archive.length % 4 !== 0) {
      throw new BadRequestException('archive must be base64 (a zip file)');
    }
    try {
      files = readZip(Buffer.from(body.archive, 'base64'), UPLOAD_LIMITS);
    } catch (error) {
      if (error instanceof ZipError) throw new BadRequestException(`archive: ${error.message}`);
      throw error;
    }
    field = () => 'archive: the path';
  } else {
    files = body.files!.map((file, index) => fileFromJson(file, index));
    field = (index) => `files[${index}].path`;
  }
  if (files.length === 0) throw new BadRequestException(`${body.archive ? 'archive' : 'files'} holds no file`);
  const seen = new Set<string>();
  let total = 0;
  files.forEach((file, index) => {
    const problem = pathProblem(file.path);
    if (problem) throw new BadRequestException(`${field(index)} ${problem}`);
    if (seen.has(file.path)) throw new BadRequestException(`${field(index)} "${file.path}" is given twice`);
    seen.add(file.path);
    if (file.data.length > UPLOAD_LIMITS.maxFileBytes) {
      throw new BadRequestException(`${field(index)}: the file has more than ${UPLOAD_LIMITS.maxFileBytes} bytes`);
    }
    total += file.data.length;
  });
  if (total > UPLOAD_LIMITS.maxTotalBytes) {
    throw new BadRequestException(`The files come to more than ${UPLOAD_LIMITS.maxTotalBytes} bytes`);
  }
  // Only once every path is checked as written: a "../" is refused, not taken for a top folder.
  if (body.archive !== undefined) files = dropTopFolder(files);
  if (!files.some((file) => file.path === SKILL_MD)) {
    throw new BadRequestException(
      `${body.archive !== undefined ? 'archive' : 'files'} must hold ${SKILL_MD} at the root of the skill folder`,
    );
  }
  return files;
}

function fileFromJson(file: unknown, index: number): UploadedFile {
  const { path, content, encoding, ...rest } = file as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra) throw new BadRequestException(`files[${index}].${extra} is not a field (path, content, encoding)`);
  if (typeof path !== 'string') throw new BadRequestException(`files[${index}].path must be a string`);
  if (typeof content !== 'string') throw new BadRequestException(`files[${index}].content must be a string`);
  if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'base64') {
    throw new BadRequestException(`files[${index}].encoding must be "utf8" or "base64"`);
  }
  if (encoding === 'base64' && (!/^[A-Za-z0-9+/]*={0,2}$/.test(content) || content.length % 4 !== 0)) {
    throw new BadRequestException(`files[${index}].content must be base64 (encoding is "base64")`);
  }
  return { path, data: Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8') };
}

/** What is wrong with a path inside the skill folder, or null. */
export function pathProblem(path: string): string | null {
  if (path.length === 0 || path.length > MAX_PATH) return `must be 1–${MAX_PATH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f:*?"<>|]/.test(path)) return `"${path}" has a character not allowed in a path`;
  if (path.startsWith('/')) return `"${path}" must be relative to the skill folder`;
  const segments = path.split('/');
  if (segments.length > MAX_DEPTH) return `"${path}" is nested deeper than ${MAX_DEPTH} folders`;
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return `"${path}" must not have empty, "." or ".." parts (it must stay inside the skill folder)`;
  }
  return null;
}

function dropTopFolder(files: UploadedFile[]): UploadedFile[] {
  if (files.some((file) => file.path === SKILL_MD)) return files;
  const top = files[0]?.path.split('/')[0];
  if (!top || !files.every((file) => file.path.startsWith(`${top}/`))) return files;
  return files.map((file) => ({ ...file, path: file.path.slice(top.length + 1) }));
}

import { crc32, inflateRawSync } from 'node:zlib';

/** One file of a zip archive, unpacked. */
export interface ZipEntry {
  path: string;
  data: Buffer;
}

export interface ZipLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

/** Why an archive is refused (the API answers it as a 400 on `archive`). */
export class ZipError extends Error {}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Reads a zip archive from memory (stored and deflated entries; no encryption, no zip64). Sizes are
 * checked against the limits from the central directory before anything is inflated, and inflating
 * stops at the declared size, so a zip bomb costs nothing. Directory entries are skipped; symbolic
 * links are refused. Paths are returned as written: the caller confines them.
 */
export function readZip(archive: Buffer, limits: ZipLimits): ZipEntry[] {
  const end = findEnd(archive);
  const count = archive.readUInt16LE(end + 10);
  const directorySize = archive.readUInt32LE(end + 12);
  let offset = archive.readUInt32LE(end + 16);
  if (offset + directorySize > end) throw new ZipError('the zip central directory is damaged');
  if (count > limits.maxFiles * 2)
    throw new ZipError(`the zip holds ${count} entries; at most ${limits.maxFiles} files`);
  const entries: ZipEntry[] = [];
  let total = 0;
  for (let index = 0; index < count; index++) {
    if (offset + 46 > archive.length || archive.readUInt32LE(offset) !== CENTRAL_FILE_HEADER) {
      throw new ZipError('the zip central directory is damaged');
    }
    const flags = archive.readUInt16LE(offset + 8);
    const method = archive.readUInt16LE(offset + 10);
    const crc = archive.readUInt32LE(offset + 16);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const size = archive.readUInt32LE(offset + 24);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const mode = archive.readUInt32LE(offset + 38) >>> 16;
    const localOffset = archive.readUInt32LE(offset + 42);
    const path = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (path.endsWith('/')) continue;
    if ((mode & S_IFMT) === S_IFLNK) throw new ZipError(`${path} is a symbolic link; links are not accepted`);
    if (flags & 1) throw new ZipError(`${path} is encrypted`);
    if (size === 0xffffffff || compressedSize === 0xffffffff) throw new ZipError('zip64 archives are not accepted');
    if (entries.length >= limits.maxFiles) throw new ZipError(`the zip holds more than ${limits.maxFiles} files`);
    if (size > limits.maxFileBytes) {
      throw new ZipError(`${path} is ${size} bytes; a file may have at most ${limits.maxFileBytes}`);
    }
    total += size;
    if (total > limits.maxTotalBytes) {
      throw new ZipError(`the files come to more than ${limits.maxTotalBytes} bytes unpacked`);
    }
    if (localOffset + 30 > archive.length || archive.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) {
      throw new ZipError(`${path}: the zip is damaged`);
    }
    const start = localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
    if (start + compressedSize > archive.length) throw new ZipError(`${path}: the zip is cut short`);
    const packed = archive.subarray(start, start + compressedSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(packed);
    else if (method === 8) {
      try {
        data = inflateRawSync(packed, { maxOutputLength: Math.max(size, 1) });
      } catch {
        throw new ZipError(`${path}: the compressed data is damaged or larger than declared`);
      }
    } else throw new ZipError(`${path} uses compression method ${method}; only stored and deflate are accepted`);
    if (data.length !== size || crc32(data) !== crc) throw new ZipError(`${path}: the zip is damaged (size or CRC)`);
    entries.push({ path, data });
  }
  return entries;
}

function findEnd(archive: Buffer): number {
  const lowest = Math.max(0, archive.length - 22 - 0xffff);
  for (let offset = archive.length - 22; offset >= lowest; offset--) {
    if (archive.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw new ZipError('not a zip archive');
}

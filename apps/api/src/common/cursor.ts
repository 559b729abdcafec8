import { BadRequestException } from '@nestjs/common';

/** Where a page newest-first ended: the last item's creation time and id (ties broken by id). */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

/** The X-Next-Cursor value for the page after the one ending with this item. */
export function encodeCursor(item: PageCursor): string {
  return Buffer.from(`${item.createdAt.toISOString()}|${item.id}`, 'utf8').toString('base64url');
}

/** The cursor a client sent back; a 400 naming `cursor` when it is not one a list handed out. */
export function decodeCursor(cursor: string): PageCursor {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (rest.length > 0 || !id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new BadRequestException('cursor must be the X-Next-Cursor of an earlier page');
  }
  return { createdAt, id };
}

/** One page of a list, and the cursor of the next (null on the last page). */
export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

import type { Response } from 'express';
import type { Page } from './cursor.js';

/** The paging headers of a list answer, for its OpenAPI description. */
export const PAGE_HEADERS = {
  'X-Total-Count': { description: 'How many items match the filters, over all pages', schema: { type: 'integer' } },
  'X-Next-Cursor': {
    description: 'Pass as ?cursor= for the next page (with the same filters); absent on the last page',
    schema: { type: 'string' },
  },
} as const;

/** Puts a page's total and next cursor in the headers; the body stays the plain array. */
export function setPageHeaders<T>(res: Response, page: Page<T>): T[] {
  res.setHeader('X-Total-Count', String(page.total));
  if (page.nextCursor) res.setHeader('X-Next-Cursor', page.nextCursor);
  return page.items;
}

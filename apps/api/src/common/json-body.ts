import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** Largest JSON body accepted: room for the longest text fields (100 000 characters) in any encoding. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;
/** Deepest nesting of objects and arrays in a JSON body; the deepest DTO needs 4. */
export const JSON_BODY_MAX_DEPTH = 32;

/** A client error in the shape the body parser's own errors have, so the exception filter answers it as a 4xx. */
class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The JSON body parser for every route (/api and /webhook): bodies over the size limit are a 413 and
 * bodies nested deeper than the depth limit a 400, both before validation, whose recursive walks
 * would otherwise overflow the stack on a deeply nested body. Named `jsonParser` so Nest does not add
 * its default parser beside it.
 */
export function jsonBodyParser(): RequestHandler {
  const parse = express.json({ limit: JSON_BODY_LIMIT_BYTES });
  return function jsonParser(req: Request, res: Response, next: NextFunction): void {
    parse(req, res, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === 'entity.too.large') {
        return next(
          new BodyError(413, 'entity.too.large', `The request body is larger than ${JSON_BODY_LIMIT_BYTES} bytes`),
        );
      }
      if (error) return next(error);
      if (exceedsDepth(req.body, JSON_BODY_MAX_DEPTH)) {
        return next(
          new BodyError(
            400,
            'entity.too.deep',
            `The JSON body is nested deeper than ${JSON_BODY_MAX_DEPTH} levels of objects and arrays`,
          ),
        );
      }
      next();
    });
  };
}

/** Whether objects/arrays nest deeper than `max`; iterative, so the check itself cannot overflow the stack. */
export function exceedsDepth(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

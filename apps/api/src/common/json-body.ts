import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** Largest JSON body accepted: room for the longest text fields (100 000 characters) in any encoding. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;
/** Deepest nesting of objects and arrays in a JSON body; the deepest DTO needs 4. */
export const JSON_BODY_MAX_DEPTH = 32;
/**
 * Most object members and array elements in a JSON body, all levels together (the longest list a DTO
 * takes has 1000 entries). Validation works per value, so a megabyte of `[{},{},…]` would otherwise
 * cost seconds of CPU and a megabyte of error messages.
 */
export const JSON_BODY_MAX_VALUES = 2500;

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
 * The JSON body parser for every route (/api and /webhook): bodies over the size limit are a 413,
 * bodies nested deeper than the depth limit or with more values than the value limit a 400, all
 * before validation, whose recursive walks would otherwise overflow the stack on a deeply nested body.
 * Named `jsonParser` so Nest does not add its default parser beside it.
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
      const problem = shapeProblem(req.body);
      next(problem ? new BodyError(400, 'entity.shape.refused', problem) : undefined);
    });
  };
}

/**
 * What is wrong with a parsed body's shape (too deep, too many values), or null. Iterative, so the
 * check itself cannot overflow the stack.
 */
export function shapeProblem(
  body: unknown,
  maxDepth = JSON_BODY_MAX_DEPTH,
  maxValues = JSON_BODY_MAX_VALUES,
): string | null {
  const stack: [unknown, number][] = [[body, 1]];
  let values = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > maxDepth) return `The JSON body is nested deeper than ${maxDepth} levels of objects and arrays`;
    const children = Object.values(current);
    values += children.length;
    if (values > maxValues)
      return `The JSON body has more than ${maxValues} values (object members and array elements)`;
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return null;
}

import { SetMetadata } from '@nestjs/common';
import type { ApiKeyScope } from './entities/api-key.entity.js';

export const REQUIRED_SCOPE = 'auth:scope';

/**
 * What a route needs from an API key. Without this decorator a read (GET, HEAD) needs `read` and
 * anything else `full`. `runs` marks what a runs-only key may do (invoke agents, read runs); `session`
 * closes a route to API keys altogether (the console's own routes, managing keys).
 */
export type RequiredScope = ApiKeyScope | 'session';

export const RequiresScope = (scope: RequiredScope) => SetMetadata(REQUIRED_SCOPE, scope);

/** Whether a key of `scope` may call a route that needs `needed`; `safe` is true for GET and HEAD. */
export function scopeAllows(scope: ApiKeyScope, needed: RequiredScope, safe: boolean): boolean {
  if (needed === 'session') return false;
  if (scope === 'full') return true;
  if (scope === 'read') return safe;
  return needed === 'runs';
}

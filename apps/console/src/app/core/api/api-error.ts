import type { ErrorResponseDto } from '@loop-gateway/api-client';

/**
 * What to tell a person about a failed call: the API's own message (validation messages joined),
 * or a plain sentence when the gateway could not be reached at all.
 */
export function apiErrorMessage(error: unknown, fallback = 'Something went wrong; please try again.'): string {
  // fetch rejects with a TypeError when the request never got an answer.
  if (error instanceof TypeError) return 'Cannot reach the gateway. Check that it is running and try again.';
  if (error instanceof Error) return fallback;
  if (isErrorResponse(error)) {
    const message = Array.isArray(error.message) ? error.message.join('\n') : error.message;
    return message.trim() || fallback;
  }
  if (typeof error === 'string' && error.trim() && !error.trimStart().startsWith('<')) return error.trim();
  return fallback;
}

function isErrorResponse(error: unknown): error is ErrorResponseDto {
  if (typeof error !== 'object' || error === null) return false;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' || (Array.isArray(message) && message.every((m) => typeof m === 'string'));
}

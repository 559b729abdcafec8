import type { Logger } from '@nestjs/common';
import type { UserFacingSocketConfig } from '@whiskeysockets/baileys';

/** Baileys' logger interface (pino's shape; the package does not export the name). */
export type ILogger = NonNullable<UserFacingSocketConfig['logger']>;

/**
 * The pino-shaped logger Baileys wants, passing only warnings and errors on to Nest's logger. Only
 * the message and an error's message are written: Baileys' log objects can hold keys and session
 * data, so they are never dumped.
 */
export function baileysLogger(logger: Pick<Logger, 'warn' | 'error'>): ILogger {
  const write = (level: 'warn' | 'error', obj: unknown, msg?: string): void => {
    const text = describe(obj, msg);
    if (text) logger[level](`Baileys: ${text}`);
  };
  const bridge: ILogger = {
    level: 'warn',
    child: () => bridge,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: (obj, msg) => write('warn', obj, msg),
    error: (obj, msg) => write('error', obj, msg),
  };
  return bridge;
}

function describe(obj: unknown, msg: string | undefined): string {
  if (typeof obj === 'string') return obj;
  const parts: string[] = [];
  if (msg) parts.push(msg);
  const error = errorOf(obj);
  if (error) parts.push(`(${error})`);
  return parts.join(' ');
}

/** The message of an error Baileys passes as the object itself or under `err` / `error`. */
function errorOf(obj: unknown): string | null {
  if (obj instanceof Error) return obj.message;
  if (obj && typeof obj === 'object') {
    for (const field of ['err', 'error']) {
      const value = (obj as Record<string, unknown>)[field];
      if (value instanceof Error) return value.message;
    }
  }
  return null;
}

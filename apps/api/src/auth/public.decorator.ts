import { SetMetadata } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';

export const IS_PUBLIC = 'auth:public';

/** When a route is open: always, or when the configuration says so. */
export type PublicRule = true | ((config: AppConfig) => boolean);

/**
 * Opens a route to callers without a session (set-up, login, health), or only when `when` holds for
 * the configuration (e.g. PUBLIC_API_DOCS). Everything else needs one.
 */
export const Public = (when?: (config: AppConfig) => boolean) => SetMetadata(IS_PUBLIC, when ?? true);

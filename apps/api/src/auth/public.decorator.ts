import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:public';

/** Opens a route to callers without a session (set-up, login, health). Everything else needs one. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

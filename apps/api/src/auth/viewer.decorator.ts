import { SetMetadata } from '@nestjs/common';

export const VIEWER_ALLOWED = 'auth:viewer-allowed';

/**
 * Opens a changing route (POST, PUT, DELETE …) to viewer operators: only for what is their own —
 * logging out, their password, their sessions. Every other change needs an admin.
 */
export const ViewerAllowed = () => SetMetadata(VIEWER_ALLOWED, true);

/** Inbound webhooks live at /webhook/*, outside the /api prefix and its per-IP rate limit. */
export const WEBHOOK_ROUTES = 'webhook/{*path}';

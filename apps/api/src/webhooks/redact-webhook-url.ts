/** `/webhook/<route>/<token>…` → `/webhook/<route>/[token]…`, so tokens in paths never reach a log. */
const TOKEN_IN_PATH = /^(\/webhook\/[^/?#]+\/)[^/?#]+/i;

export function redactWebhookUrl(url: string): string {
  return url.replace(TOKEN_IN_PATH, '$1[token]');
}

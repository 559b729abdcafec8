/** Ready-to-paste examples for a webhook's token (shown once, after create or rotate). */
export function curlInvoke(origin: string, token: string): string {
  return [
    `curl -s -X POST ${origin}/webhook/invoke \\`,
    `  -H 'X-Webhook-Token: ${token}' \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d '{"message":"Hello from curl","sync":true}'`,
  ].join('\n');
}

export function n8nUsage(origin: string): string {
  return [
    'n8n: an "HTTP Request" node with',
    `  Method POST, URL ${origin}/webhook/invoke`,
    '  Header X-Webhook-Token = the token (keep it in an n8n credential)',
    '  Header Idempotency-Key = {{$execution.id}} (retries get the same run)',
    '  JSON body {"message": "…", "sync": true}',
  ].join('\n');
}

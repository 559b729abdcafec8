import request from 'supertest';
import { LocalClaude } from '@loop-gateway/testing';
import { startGateway } from './pipeline-harness.js';

/**
 * Every request example of the READMEs the product was first described in (the public contract),
 * copied verbatim, replayed against a live gateway: each must be accepted as written. Placeholders
 * are filled from objects this test creates: GROUP_ID from the first example's group, CHANNEL_ID
 * from a (disabled) Telegram channel, YOUR_TOKEN with an API key on /api and the webhook token on
 * /webhook, YOUR_WEBHOOK_TOKEN with the token of the webhook the examples create, and the `1` of
 * `/api/tasks/1/stop` with the task the example before it created. Outbound event bodies (what the
 * gateway sends) are covered by webhooks-outbound.int-spec.ts.
 */
const EXAMPLES = String.raw`
curl -X POST http://localhost:3000/api/agent-groups \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer YOUR_TOKEN" \
  -d '{
    "name": "support-bot",
    "systemPrompt": "You are a customer support agent...",
    "model": "claude-sonnet-4-20250514",
    "budgetMaxTokensDay": 100000,
    "budgetMaxTokensMonth": 2000000
  }'

curl -X POST http://localhost:3000/api/agent-groups/GROUP_ID/assign/CHANNEL_ID \
  -H "Authorization: Bearer YOUR_TOKEN"

curl -X POST http://localhost:3000/api/approval-rules \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer YOUR_TOKEN" \
  -d '{
    "toolName": "run_script",
    "riskLevel": "high",
    "requireApproval": true,
    "timeoutSeconds": 300,
    "timeoutAction": "reject"
  }'

curl -X POST http://localhost:3000/api/skills \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer YOUR_TOKEN" \
  -d '{
    "manifest": {
      "name": "my-tool",
      "description": "Does something useful",
      "version": "1.0.0",
      "inputSchema": { "type": "object", "properties": { "query": { "type": "string" } } }
    },
    "handler": "module.exports = async ({ query }) => ({ result: query.toUpperCase() });"
  }'

curl -X POST http://localhost:3000/api/scheduler/jobs \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer YOUR_TOKEN" \
  -d '{
    "name": "daily-summary",
    "trigger": { "type": "cron", "cron": "0 9 * * *", "timezone": "Europe/Berlin" },
    "action": { "type": "agent", "prompt": "Summarize yesterday activity...", "maxIterations": 3 },
    "output": { "type": "channel", "channelId": "CHANNEL_ID" }
  }'

curl -X POST http://localhost:3000/api/scheduler/calendars \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer YOUR_TOKEN" \
  -d '{
    "name": "Team Calendar",
    "url": "https://calendar.example.com/team.ics",
    "pollIntervalMinutes": 15
  }'

curl -X POST http://localhost:3000/api/tasks \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer YOUR_TOKEN" \
  -d '{
    "name": "plan_feature",
    "prompt": "Create a detailed implementation plan for user authentication with OAuth2...",
    "maxIterations": 5
  }'

curl http://localhost:3000/api/tasks \
  -H "Authorization: Bearer YOUR_TOKEN"

curl -X POST http://localhost:3000/api/tasks/1/stop \
  -H "Authorization: Bearer YOUR_TOKEN"

curl -X POST http://localhost:3000/api/webhooks \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer YOUR_TOKEN" \
  -d '{"name": "n8n-workflow", "platform": "n8n", "events": ["*"]}'

curl -X POST http://localhost:3000/api/webhooks \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer YOUR_TOKEN" \
  -d '{
    "name": "my-integration",
    "platform": "generic",
    "events": ["agent:run:complete", "task:complete"],
    "targetUrl": "https://example.com/my-webhook-receiver"
  }'

curl -X POST http://localhost:3000/webhook/invoke/YOUR_WEBHOOK_TOKEN \
  -H "Content-Type: application/json" \
  -d '{"message": "Summarize this article...", "sync": true}'

curl -X POST http://localhost:3000/webhook/task/YOUR_WEBHOOK_TOKEN \
  -H "Content-Type: application/json" \
  -d '{"name": "research", "prompt": "Research AI trends...", "maxIterations": 5}'
`;

/** The Make.com "Custom HTTP Module" block, a raw HTTP request. */
const MAKE_HTTP_MODULE = `POST https://your-gateway.com/webhook/invoke/YOUR_TOKEN
Content-Type: application/json

{"message": "Your prompt here", "sync": true}`;

interface Example {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The curl commands of a block: method (-X, else GET), URL, -H headers and the -d body. */
function parseCurl(block: string): Example[] {
  return block
    .split(/\n(?=curl )/)
    .map((command) => command.replace(/\\\n\s*/g, ' ').trim())
    .filter((command) => command.startsWith('curl '))
    .map((command) => {
      const method = /-X (\w+)/.exec(command)?.[1] ?? 'GET';
      const url = /(https?:\/\/\S+)/.exec(command)![1]!;
      const headers = Object.fromEntries(
        [...command.matchAll(/-H "([^:]+): ([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]),
      );
      const body = /-d '([\s\S]*)'/.exec(command)?.[1];
      return { method, url, headers, body };
    });
}

function parseHttp(block: string): Example {
  const [head, body] = block.split('\n\n');
  const [requestLine, ...headerLines] = head!.split('\n');
  const [method, url] = requestLine!.split(' ');
  const headers = Object.fromEntries(
    headerLines.map((line) => line.split(': ')).map(([name, value]) => [name!.toLowerCase(), value!]),
  );
  return { method: method!, url: url!, headers, body };
}

describe("the seeds' README examples, verbatim", () => {
  let claude: LocalClaude;
  beforeAll(async () => {
    claude = await LocalClaude.start();
  });
  afterAll(() => claude.stop());

  it('accepts every request example as written', async () => {
    const gateway = await startGateway(claude);
    const { gw, auth } = gateway;
    try {
      const apiKey = (await request(gw.url).post('/api/api-keys').set(auth).send({ name: 'seeds' }).expect(201)).body
        .key as string;
      const channel = await request(gw.url)
        .post('/api/channels')
        .set(auth)
        .send({
          type: 'telegram',
          name: 'Support',
          config: { botToken: `987654321:${'SeedExampleToken_x'.repeat(2)}` },
          enabled: false,
        })
        .expect(201);
      const ids: Record<string, string> = { CHANNEL_ID: channel.body.id as string };

      const send = async (example: Example) => {
        const path = new URL(example.url).pathname;
        const fill = (text: string) =>
          text
            .replace(/YOUR_WEBHOOK_TOKEN|GROUP_ID|CHANNEL_ID|TASK_ID/g, (name) => ids[name] ?? name)
            .replace('YOUR_TOKEN', path.startsWith('/webhook/') ? (ids.YOUR_WEBHOOK_TOKEN ?? '') : apiKey);
        const filledPath = fill(path.replace('/api/tasks/1/stop', '/api/tasks/TASK_ID/stop'));
        let req = request(gw.url)[example.method.toLowerCase() as 'get' | 'post'](filledPath);
        for (const [name, value] of Object.entries(example.headers)) req = req.set(name, fill(value));
        if (example.body !== undefined) req = req.send(fill(example.body));
        // Sync invocations answer with the model's reply.
        claude.script({ text: 'Done.' });
        const res = await req;
        return { path, res };
      };

      const accepted: string[] = [];
      for (const example of parseCurl(EXAMPLES)) {
        const { path, res } = await send(example);
        const outcome = { example: `${example.method} ${path}`, status: res.status, body: res.body as unknown };
        expect({ ...outcome, accepted: res.status >= 200 && res.status < 300 }).toEqual({ ...outcome, accepted: true });
        accepted.push(`${example.method} ${path}`);
        if (path === '/api/agent-groups') ids.GROUP_ID = res.body.id as string;
        if (path === '/api/tasks' && example.method === 'POST') ids.TASK_ID = res.body.id as string;
        if (path === '/api/webhooks' && res.body.name === 'n8n-workflow') {
          expect(res.body).toMatchObject({ events: ['*'], targetUrl: null });
          ids.YOUR_WEBHOOK_TOKEN = res.body.token as string;
        }
        if (path === '/api/skills') expect(res.body).toMatchObject({ name: 'my-tool', source: 'custom' });
        if (path === '/api/scheduler/calendars') expect(res.body.pollIntervalMinutes).toBe(15);
        if (path === '/webhook/invoke/YOUR_WEBHOOK_TOKEN') expect(res.body.reply).toBe('Done.');
      }
      expect(accepted).toHaveLength(13);

      const make = parseHttp(MAKE_HTTP_MODULE);
      const { res } = await send({ ...make, url: make.url.replace('YOUR_TOKEN', 'YOUR_WEBHOOK_TOKEN') });
      expect(res.status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});

import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { A2aModule } from './a2a/a2a.module.js';
import { AgentSkillsModule } from './agent-skills/agent-skills.module.js';
import { AgentsModule } from './agents/agents.module.js';
import { WEBHOOK_ROUTES } from './app.routes.js';
import { AuthModule } from './auth/auth.module.js';
import { ApiRateLimitMiddleware } from './common/api-rate-limit.middleware.js';
import { ChannelsModule } from './channels/channels.module.js';
import { CommonModule } from './common/common.module.js';
import { ContainersModule } from './containers/containers.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DocsModule } from './docs/docs.module.js';
import { EventsGatewayModule, EventsModule } from './events/events.module.js';
import { GroupsModule } from './groups/groups.module.js';
import { HealthModule } from './health/health.module.js';
import { HitlModule } from './hitl/hitl.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { McpModule } from './mcp/mcp.module.js';
import { SkillsModule } from './skills/skills.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { ToolsModule } from './tools/tools.module.js';
import { UsageModule } from './usage/usage.module.js';
import { redactWebhookUrl } from './webhooks/redact-webhook-url.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** Request headers that carry credentials: logged as `[Redacted]`. */
const SECRET_HEADERS = ['authorization', 'cookie', 'x-webhook-token'];

/**
 * The logged request (pino's serialized copy): credential headers redacted, and inbound webhook tokens,
 * which may be in the path, shown neither in the URL nor in the route params. Done here rather than with
 * pino's `redact` paths, which clone the whole request on every request's logger, logged or not.
 */
function redactRequest(req: { url: string; params?: unknown; headers: Record<string, unknown> }): object {
  const secret = SECRET_HEADERS.filter((name) => req.headers[name] !== undefined);
  if (secret.length > 0) {
    // A copy: `headers` is the live request's own object.
    req.headers = { ...req.headers };
    for (const name of secret) req.headers[name] = '[Redacted]';
  }
  const url = redactWebhookUrl(req.url);
  return url === req.url ? req : Object.assign(req, { url, params: undefined });
}

@Module({})
export class AppModule implements NestModule {
  /** The whole gateway, wired for one validated configuration (logs to stdout unless given a stream). */
  static forRoot(config: AppConfig, options: { logStream?: DestinationStream } = {}): DynamicModule {
    const pinoHttp: Options = {
      level: config.logLevel,
      // Reuse a caller's X-Request-Id when it looks sane, so logs line up across systems.
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      serializers: { req: redactRequest },
      autoLogging: { ignore: (req) => req.url === '/api/health' },
    };
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: options.logStream ? [pinoHttp, options.logStream] : pinoHttp,
          // Every route, /api and the /webhook routes outside it, logged once each.
          forRoutes: ['{*path}'],
        }),
        CommonModule,
        CryptoModule,
        DatabaseModule,
        EventsModule,
        AuthModule,
        EventsGatewayModule,
        HealthModule,
        DocsModule,
        GroupsModule,
        ContainersModule,
        ToolsModule,
        SkillsModule,
        AgentSkillsModule,
        McpModule,
        UsageModule,
        DashboardModule,
        AgentsModule,
        HitlModule,
        A2aModule,
        TasksModule,
        SchedulerModule,
        ChannelsModule,
        WebhooksModule,
        SettingsModule,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // /api only: inbound webhooks (/webhook/*) have their own per-webhook and failed-token limits.
    consumer.apply(ApiRateLimitMiddleware).exclude(WEBHOOK_ROUTES).forRoutes('{*path}');
  }
}

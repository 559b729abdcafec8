import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { AgentsModule } from './agents/agents.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ApiRateLimitMiddleware } from './common/api-rate-limit.middleware.js';
import { CommonModule } from './common/common.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { EventsGatewayModule, EventsModule } from './events/events.module.js';
import { GroupsModule } from './groups/groups.module.js';
import { HealthModule } from './health/health.module.js';
import { HitlModule } from './hitl/hitl.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { ToolsModule } from './tools/tools.module.js';
import { UsageModule } from './usage/usage.module.js';

const REQUEST_ID = /^[\w.-]{1,64}$/;

@Module({})
export class AppModule implements NestModule {
  /** The whole gateway, wired for one validated configuration. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Reuse a caller's X-Request-Id when it looks sane, so logs line up across systems.
            genReqId: (req, res) => {
              const incoming = req.headers['x-request-id'];
              const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
              res.setHeader('X-Request-Id', id);
              return id;
            },
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-webhook-token"]'],
            autoLogging: { ignore: (req) => req.url === '/api/health' },
          },
        }),
        CommonModule,
        CryptoModule,
        DatabaseModule,
        EventsModule,
        AuthModule,
        EventsGatewayModule,
        HealthModule,
        GroupsModule,
        ToolsModule,
        UsageModule,
        AgentsModule,
        HitlModule,
        TasksModule,
        SchedulerModule,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ApiRateLimitMiddleware).forRoutes('{*path}');
  }
}

// The gateway process: configuration, the Nest application, and listening (main.ts loads it).
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { ModelProvider } from './agents/model/model-provider.js';
import { loadConfig } from './config/app-config.js';
import { releaseStartMemorySoon } from './start-memory.js';

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bufferLogs: true });
  configureApp(app, config);
  survivePromiseRejections(app.get(Logger));
  await app.listen(config.port, config.host);
  // What the first run needs loads now, then what only starting needed is given back (start-memory.ts).
  void app.get(ModelProvider).warmUp().then(releaseStartMemorySoon);
  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  app.get(Logger).log(`Loop Gateway ${config.version} listening on http://${shownHost}:${config.port}`, 'Bootstrap');
}

/**
 * A promise rejected with nobody listening (a handler's bug, a peer's odd answer) is logged, and the
 * gateway keeps serving every other run, channel and client. Errors during boot still end the process
 * (bootstrap's catch below): a gateway that cannot start properly should not pretend to.
 */
function survivePromiseRejections(logger: Logger): void {
  process.on('unhandledRejection', (reason: unknown) => {
    logger.error({ err: reason }, 'Unhandled promise rejection (the gateway keeps running)', 'Process');
  });
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

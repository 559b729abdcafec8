import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { DestinationStream } from 'pino';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { Clock } from '../src/common/clock.js';
import { type AppConfig, loadConfig } from '../src/config/app-config.js';

/** A provider the test replaces before the gateway boots (e.g. a channel factory with a driven socket). */
export interface ProviderOverride {
  provide: abstract new (...args: never[]) => unknown;
  useValue: unknown;
}

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** http://127.0.0.1:<port> of the listening gateway. */
  url: string;
  dataDir: string;
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** A clock the test moves by hand. */
export class ManualClock extends Clock {
  constructor(private current = new Date('2026-01-01T12:00:00Z')) {
    super();
  }
  override now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * Boots the whole gateway in-process on a loopback port, with a real SQLite file in a fresh DATA_DIR
 * (or the given one, to test restarts) unless DATABASE_URL is passed.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { dataDir?: string; clock?: Clock; logStream?: DestinationStream; providers?: ProviderOverride[] } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'lg-test-'));
  const config = loadConfig({
    // What it listens on (below); a test may claim another HOST to see how the gateway behaves there.
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    CONSOLE_DIR: join(dataDir, 'no-console'),
    ...env,
    DATA_DIR: dataDir,
  });
  let builder = Test.createTestingModule({
    imports: [AppModule.forRoot(config, { logStream: options.logStream })],
  });
  if (options.clock) builder = builder.overrideProvider(Clock).useValue(options.clock);
  for (const { provide, useValue } of options.providers ?? [])
    builder = builder.overrideProvider(provide).useValue(useValue);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    config,
    dataDir,
    url: `http://127.0.0.1:${address.port}`,
    async close({ keepData = false } = {}) {
      await app.close();
      if (!keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const ADMIN = { username: 'admin', password: 'correct horse battery' };

/** Runs the set-up and returns the admin's session token. */
export async function setupAdmin(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { WEBHOOK_ROUTES } from './app.routes.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { jsonBodyParser } from './common/json-body.js';
import { RequestValidationPipe } from './common/validation.js';
import { ApiDocument } from './docs/api-document.js';
import { DOCS_ASSETS_PATH } from './docs/docs-page.js';
import type { AppConfig } from './config/app-config.js';
import { GatewayWsAdapter } from './events/gateway-ws-adapter.js';

export const API_PREFIX = 'api';

/**
 * Everything main.ts, the tests and the OpenAPI script share about how the app is set up. Returns
 * the function that builds the OpenAPI document (built when first asked for, not at start).
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): () => OpenAPIObject {
  app.useLogger(app.get(Logger));
  // false, a hop count or proxy addresses: req.ip is then the address the last trusted proxy saw,
  // never the left-most X-Forwarded-For entry (which the client writes).
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // No ETag on API responses: hashing every JSON body costs each call, and API clients do not send
  // If-None-Match. The console's and docs' static files keep theirs (serve-static sets its own).
  app.set('etag', false);
  app.use(jsonBodyParser());
  app.setGlobalPrefix(API_PREFIX, { exclude: [WEBHOOK_ROUTES] });
  app.useGlobalPipes(new RequestValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useWebSocketAdapter(new GatewayWsAdapter(app, config.allowedOrigins));
  app.enableShutdownHooks();
  serveConsole(app, config.consoleDir);
  const document = () => buildOpenApiDocument(app, config.version);
  // Served by DocsController: to signed-in operators only, unless PUBLIC_API_DOCS=true.
  app.get(ApiDocument).publish(document);
  app.useStaticAssets(swaggerUiAssets(), { prefix: DOCS_ASSETS_PATH, index: false, maxAge: '1h' });
  return document;
}

function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const options = new DocumentBuilder()
    .setTitle('Loop Gateway API')
    .setDescription('Self-hosted gateway between people and AI agents. Authenticate with POST /api/auth/login.')
    .setVersion(version)
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Webhook-Token' }, 'webhook-token')
    .build();
  return SwaggerModule.createDocument(app, options, {
    // operationId = controller method name; method names are unique across controllers.
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
}

/** Swagger UI's files, as shipped with @nestjs/swagger (which depends on swagger-ui-dist). */
function swaggerUiAssets(): string {
  const fromSwaggerModule = createRequire(createRequire(import.meta.url).resolve('@nestjs/swagger'));
  return dirname(fromSwaggerModule.resolve('swagger-ui-dist/package.json'));
}

/**
 * The built console at `/`: its files as they are, and index.html for any other GET outside /api,
 * /webhook and /ws so deep links work. Nothing is served when the console has not been built.
 */
function serveConsole(app: NestExpressApplication, consoleDir: string): void {
  const index = join(consoleDir, 'index.html');
  if (!existsSync(index)) return;
  app.useStaticAssets(consoleDir, { index: false, maxAge: '1h', setHeaders: noCacheForIndex });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || /^\/(api|webhook|ws)(\/|$)/.test(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}

function noCacheForIndex(res: Response, path: string): void {
  if (path.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
}

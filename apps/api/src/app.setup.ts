import { type INestApplication, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import type { AppConfig } from './config/app-config.js';
import { GatewayWsAdapter } from './events/gateway-ws-adapter.js';

export const API_PREFIX = 'api';

/** Everything main.ts, the tests and the OpenAPI script share about how the app is set up. */
export function configureApp(app: NestExpressApplication, config: AppConfig): OpenAPIObject {
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }),
  );
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useWebSocketAdapter(new GatewayWsAdapter(app, config.allowedOrigins));
  app.enableShutdownHooks();
  const document = buildOpenApiDocument(app, config.version);
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, { jsonDocumentUrl: `${API_PREFIX}/openapi.json` });
  return document;
}

function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const options = new DocumentBuilder()
    .setTitle('Loop Gateway API')
    .setDescription('Self-hosted gateway between people and AI agents. Authenticate with POST /api/auth/login.')
    .setVersion(version)
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, options, {
    // operationId = controller method name; method names are unique across controllers.
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
}

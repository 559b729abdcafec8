// Writes the gateway's OpenAPI document (keys sorted, so diffs stay readable) to
// libs/api-client/openapi.json and generates the typed client in libs/api-client/src from it.
// With --check it regenerates both in a temporary folder and fails when the committed ones differ.
// Needs the API built first (npm run build -w @loop-gateway/api).
import 'reflect-metadata';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { createClient } from '@hey-api/openapi-ts';
import { AppModule } from '../apps/api/dist/app.module.js';
import { configureApp } from '../apps/api/dist/app.setup.js';
import { loadConfig } from '../apps/api/dist/config/app-config.js';

const check = process.argv.includes('--check');
const clientDir = new URL('../libs/api-client/', import.meta.url).pathname;
const outDir = check ? mkdtempSync(join(tmpdir(), 'lg-openapi-')) : clientDir;
const dataDir = mkdtempSync(join(tmpdir(), 'lg-openapi-data-'));

const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SECRET_KEY: '0'.repeat(64), CONSOLE_DIR: dataDir });
const app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
const document = configureApp(app, config)();
await app.close();
rmSync(dataDir, { recursive: true, force: true });

const sortKeys = (value) =>
  Array.isArray(value)
    ? value.map(sortKeys)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, sortKeys(value[key])]),
        )
      : value;
const specFile = join(outDir, 'openapi.json');
writeFileSync(specFile, JSON.stringify(sortKeys(document), null, 2) + '\n');

await createClient({
  input: specFile,
  output: { path: join(outDir, 'src'), clean: true },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
  logs: { level: 'silent' },
});

if (!check) {
  console.log(`openapi: wrote ${relative(process.cwd(), specFile)} and libs/api-client/src`);
  process.exit(0);
}

const list = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true })
        .map(String)
        .filter((file) => statSync(join(dir, file)).isFile())
        .sort()
    : [];
const files = [...new Set([...list(join(outDir, 'src')), ...list(join(clientDir, 'src'))])].map((file) =>
  join('src', file),
);
const stale = ['openapi.json', ...files].filter((file) => {
  const read = (dir) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : null);
  return read(outDir) !== read(clientDir);
});
rmSync(outDir, { recursive: true, force: true });
if (stale.length > 0) {
  console.error(`openapi: out of date (${stale.join(', ')}); run "npm run openapi" and commit the result`);
  process.exit(1);
}
console.log('openapi: spec and client are up to date');

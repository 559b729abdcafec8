import { createRequire } from 'node:module';
import type { Config } from 'jest';

// n8n-workflow's ESM build does not load under Node's ESM rules; n8n itself (and the n8n package's
// tests) use its CommonJS build, resolved from the package that depends on it.
function n8nWorkflowCommonJs(): string {
  try {
    return createRequire(new URL('./integrations/n8n/package.json', import.meta.url)).resolve('n8n-workflow');
  } catch {
    return 'n8n-workflow'; // not installed: only the n8n package's tests need it, and they say so
  }
}
const n8nWorkflow = n8nWorkflowCommonJs();

// TypeScript through SWC (decorators + metadata for NestJS), run as native ESM:
// `node --experimental-vm-modules node_modules/jest/bin/jest.js` (see package.json scripts).
const swc: [string, unknown] = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@loop-gateway/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@loop-gateway/testing$': '<rootDir>/libs/testing/src/index.ts',
    '^n8n-workflow$': n8nWorkflow,
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  rootDir: '.',
} satisfies Config;

const config: Config = {
  projects: [
    // 1. unit: beside the code, fakes for providers.
    {
      ...base,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/apps/api/src/**/*.spec.ts',
        '<rootDir>/libs/*/src/**/*.spec.ts',
        '<rootDir>/integrations/*/test/**/*.spec.ts',
      ],
    },
    // 2. API: supertest against the Nest app on a real SQLite file.
    {
      ...base,
      displayName: 'api',
      testMatch: ['<rootDir>/apps/api/test/**/*.api-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/apps/api/test/api-timeout.ts'],
    },
    // 3. integration: real peers (PostgreSQL, Dovecot, WebSocket clients, the built gateway process),
    // with a 30 s limit per test (set in integration-timeout.ts).
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/apps/api/test/**/*.int-spec.ts', '<rootDir>/integrations/n8n/test/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/apps/api/test/integration-timeout.ts'],
    },
    // 4. console e2e: Playwright driving Debian's Chromium against the built console.
    { ...base, displayName: 'console-e2e', testMatch: ['<rootDir>/apps/console/e2e/**/*.e2e-spec.ts'] },
  ],
};

export default config;

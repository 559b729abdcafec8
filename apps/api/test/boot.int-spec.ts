import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGatewayExpectingExit, startGatewayProcess } from '@loop-gateway/testing';
import { waitUntil } from './wait.js';

describe('the built gateway process (npm start)', () => {
  it('refuses to boot on a bad setting, naming the variable', async () => {
    for (const [env, message] of [
      [{ PORT: 'eighty' }, /Invalid configuration: PORT must be an integer between 1 and 65535 \(got "eighty"\)/],
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres: or postgresql: URL/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
      [{ SECRET_KEY: 'too-short-and-secret' }, /SECRET_KEY must be 32 bytes/],
    ] as const) {
      const { code, output } = await runGatewayExpectingExit(env);
      expect(code).toBe(1);
      expect(output).toMatch(message);
      expect(output).not.toContain('too-short-and-secret');
    }
  }, 60_000);

  it('reads .env from its working directory and generates SECRET_KEY into DATA_DIR without logging it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lg-cwd-'));
    // LOG_LEVEL comes only from .env: at the launcher's default (warn) the start line would not be logged.
    writeFileSync(join(cwd, '.env'), '# from .env\nLOG_LEVEL=info\n');
    const gw = await startGatewayProcess({ cwd, env: { LOG_LEVEL: undefined } });
    try {
      const keyFile = join(gw.dataDir, 'secret.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const key = readFileSync(keyFile, 'utf8').trim();
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      // The start line is written after the port opens, so it may reach the pipe after /api/health answered.
      await waitUntil('the start line in the log', () => gw.output().includes('listening on'));
      expect(gw.output()).not.toContain(key);
    } finally {
      await gw.stop();
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 60_000);
});

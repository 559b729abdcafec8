import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type ConfigEntry, describeConfig, parseConfig, type TrustProxy } from './config.schema.js';

/** Container mode (AGENT_CONTAINER_MODE and its caps). */
export interface ContainerSettings {
  enabled: boolean;
  image: string;
  maxConcurrent: number;
  timeoutMs: number;
  memoryMb: number;
  cpus: number;
  pidsLimit: number;
  warmPool: number;
  /** DOCKER_HOST; empty: the default socket. */
  dockerHost: string;
}

/** The validated configuration, injected wherever settings are needed. */
export class AppConfig {
  readonly port!: number;
  readonly host!: string;
  readonly dataDir!: string;
  readonly databaseUrl!: string | null;
  readonly anthropicApiKey!: string | null;
  readonly anthropicBaseUrl!: string;
  readonly defaultModel!: string;
  readonly timezone!: string;
  readonly modelTimeoutMs!: number;
  readonly modelMaxRetries!: number;
  readonly modelMaxTokens!: number;
  readonly contextWindowTokens!: number;
  /** Share of the window (0–1) past which a conversation is compacted. */
  readonly contextCompactAt!: number;
  readonly runConcurrency!: number;
  readonly runQueueLimit!: number;
  readonly runMaxIterations!: number;
  readonly logLevel!: string;
  readonly secretKey!: Buffer;
  readonly setupToken!: string | null;
  readonly sessionIdleMs!: number;
  readonly sessionMaxAgeMs!: number;
  readonly rateLimitPerMinute!: number;
  readonly loginMaxFailures!: number;
  readonly allowedOrigins!: string[];
  readonly trustProxy!: TrustProxy;
  readonly publicApiDocs!: boolean;
  readonly toolAllowedHosts!: string[];
  readonly toolTrustedDestinations!: string[];
  readonly exfiltrationGuard!: 'taint' | 'strict' | 'off';
  readonly scriptTimeoutMs!: number;
  readonly browseTimeoutMs!: number;
  readonly chromiumPath!: string;
  readonly container!: ContainerSettings;
  readonly skillWorkers!: number;
  readonly skillMemoryMb!: number;
  readonly mcpPingMs!: number;
  readonly agentMaxDepth!: number;
  readonly agentMaxPerRun!: number;
  readonly agentMaxActive!: number;
  /** Operators' own roles (added to the shipped apps/api/roles). */
  readonly agentRolesDir!: string;
  readonly approvalTimeoutMs!: number;
  readonly approvalTimeoutAction!: 'reject' | 'approve';
  readonly webhookSyncTimeoutMs!: number;
  readonly webhookDeliveryTimeoutMs!: number;
  readonly webhookDeliveryMaxAttempts!: number;
  readonly webhookTokenFailuresPerMinute!: number;
  readonly consoleDir!: string;
  readonly version!: string;
  /** Every documented variable as it is in effect, secrets only as set/unset (the Settings page). */
  readonly entries!: ConfigEntry[];
}

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../');

/**
 * Reads and validates the configuration. Creates DATA_DIR and, when SECRET_KEY is not set, reads or
 * generates `DATA_DIR/secret.key` (0600) so encrypted secrets survive restarts. The key is never logged.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = parseConfig(env);
  const dataDir = resolve(parsed.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const config: AppConfig = {
    port: parsed.PORT,
    host: parsed.HOST,
    dataDir,
    databaseUrl: parsed.DATABASE_URL || null,
    anthropicApiKey: parsed.ANTHROPIC_API_KEY || null,
    anthropicBaseUrl: parsed.ANTHROPIC_BASE_URL,
    defaultModel: parsed.DEFAULT_MODEL,
    timezone: parsed.TIMEZONE,
    modelTimeoutMs: parsed.MODEL_TIMEOUT_SECONDS * 1000,
    modelMaxRetries: parsed.MODEL_MAX_RETRIES,
    modelMaxTokens: parsed.MODEL_MAX_TOKENS,
    contextWindowTokens: parsed.CONTEXT_WINDOW_TOKENS,
    contextCompactAt: parsed.CONTEXT_COMPACT_PERCENT / 100,
    runConcurrency: parsed.RUN_CONCURRENCY,
    runQueueLimit: parsed.RUN_QUEUE_LIMIT,
    runMaxIterations: parsed.RUN_MAX_ITERATIONS,
    logLevel: parsed.LOG_LEVEL,
    secretKey: parsed.SECRET_KEY ?? readOrCreateSecretKey(dataDir),
    setupToken: parsed.SETUP_TOKEN || null,
    sessionIdleMs: parsed.SESSION_IDLE_MINUTES * 60_000,
    sessionMaxAgeMs: parsed.SESSION_MAX_HOURS * 3_600_000,
    rateLimitPerMinute: parsed.RATE_LIMIT_PER_MINUTE,
    loginMaxFailures: parsed.LOGIN_MAX_FAILURES,
    allowedOrigins: parsed.ALLOWED_ORIGINS,
    trustProxy: parsed.TRUST_PROXY,
    publicApiDocs: parsed.PUBLIC_API_DOCS,
    toolAllowedHosts: parsed.TOOL_ALLOWED_HOSTS,
    toolTrustedDestinations: parsed.TOOL_TRUSTED_DESTINATIONS,
    exfiltrationGuard: parsed.EXFILTRATION_GUARD,
    scriptTimeoutMs: parsed.SCRIPT_TIMEOUT_SECONDS * 1000,
    browseTimeoutMs: parsed.BROWSE_TIMEOUT_SECONDS * 1000,
    chromiumPath: parsed.CHROMIUM_PATH,
    container: {
      enabled: parsed.AGENT_CONTAINER_MODE,
      image: parsed.AGENT_CONTAINER_IMAGE,
      maxConcurrent: parsed.MAX_CONCURRENT_CONTAINERS,
      timeoutMs: parsed.CONTAINER_TIMEOUT_MS,
      memoryMb: parsed.CONTAINER_MEMORY_MB,
      cpus: parsed.CONTAINER_CPUS,
      pidsLimit: parsed.CONTAINER_PIDS_LIMIT,
      warmPool: parsed.CONTAINER_WARM_POOL,
      dockerHost: parsed.DOCKER_HOST,
    },
    skillWorkers: parsed.SKILL_WORKERS,
    skillMemoryMb: parsed.SKILL_MEMORY_MB,
    mcpPingMs: parsed.MCP_PING_SECONDS * 1000,
    agentMaxDepth: parsed.AGENT_MAX_DEPTH,
    agentMaxPerRun: parsed.AGENT_MAX_PER_RUN,
    agentMaxActive: parsed.AGENT_MAX_ACTIVE,
    agentRolesDir: parsed.AGENT_ROLES_DIR ? resolve(parsed.AGENT_ROLES_DIR) : join(dataDir, 'roles'),
    approvalTimeoutMs: parsed.APPROVAL_TIMEOUT_SECONDS * 1000,
    approvalTimeoutAction: parsed.APPROVAL_TIMEOUT_ACTION,
    webhookSyncTimeoutMs: parsed.WEBHOOK_SYNC_TIMEOUT_SECONDS * 1000,
    webhookDeliveryTimeoutMs: parsed.WEBHOOK_DELIVERY_TIMEOUT_SECONDS * 1000,
    webhookDeliveryMaxAttempts: parsed.WEBHOOK_DELIVERY_MAX_ATTEMPTS,
    webhookTokenFailuresPerMinute: parsed.WEBHOOK_TOKEN_FAILURES_PER_MINUTE,
    consoleDir: parsed.CONSOLE_DIR ? resolve(parsed.CONSOLE_DIR) : join(packageRoot, '../console/dist/browser'),
    version: readVersion(),
    entries: describeConfig(env),
  };
  return Object.assign(new AppConfig(), config);
}

function readOrCreateSecretKey(dataDir: string): Buffer {
  const file = join(dataDir, 'secret.key');
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  if (key.length !== 32) throw new Error(`Invalid configuration: ${file} does not hold a 64-hex-character key`);
  return key;
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

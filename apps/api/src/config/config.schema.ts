import { isIP } from 'node:net';
import { formatHostEntry, parseHostEntry } from '../tools/net/host-list.js';

/**
 * The one configuration schema, read once at boot from the environment (and `.env`).
 * Each variable has a default, a one-line description (mirrored in `.env.example`) and a parser
 * that rejects bad values with a message naming the variable.
 */

type Parser<T> = (raw: string) => T;

interface Variable<T> {
  default: string;
  description: string;
  parse: Parser<T>;
  /** The value is a secret: the Settings page says only whether it is set. */
  secret?: true;
}

class ConfigError extends Error {}

const fail = (message: string): never => {
  throw new ConfigError(message);
};

const integer =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      fail(`must be an integer between ${min} and ${max}`);
    }
    return value;
  };

const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw) =>
    (values as string[]).includes(raw) ? (raw as T) : fail(`must be one of ${values.join(', ')}`);

const text: Parser<string> = (raw) => raw;

const boolean: Parser<boolean> = (raw) =>
  raw === 'true' || raw === '1'
    ? true
    : raw === 'false' || raw === '0' || raw === ''
      ? false
      : fail('must be true or false');

const url =
  (...protocols: string[]): Parser<string> =>
  (raw) => {
    if (raw === '') return raw;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return fail('must be a URL');
    }
    return protocols.includes(parsed.protocol) ? raw : fail(`must be a ${protocols.join(' or ')} URL`);
  };

const origins: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
    .map((origin) => {
      try {
        return new URL(origin).origin;
      } catch {
        return fail(`must be a comma-separated list of origins (bad entry "${origin}")`);
      }
    });

/**
 * Host entries (`host`, `host:port`, `host:*`, `*.domain`, IPs, `[IPv6]:port`), lower-cased; `[::1]` and
 * `::1` both mean the IPv6 loopback. A bare host stands for ports 80 and 443.
 */
const hosts: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const parsed = parseHostEntry(entry);
      return parsed
        ? formatHostEntry(parsed)
        : fail(`must be a comma-separated list of hosts, host:port or *.domain entries (bad entry "${entry}")`);
    });

/** Which proxies in front of the gateway are trusted to name the client in X-Forwarded-For. */
export type TrustProxy = false | number | string[];

const PROXY_PRESETS = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `false` (default), a hop count, or proxy addresses/CIDRs. `true` means one hop (a single proxy in
 * front), never Express's "trust everything", which would take the client-written left-most entry.
 */
const trustProxy: Parser<TrustProxy> = (raw) => {
  const value = raw.toLowerCase();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return 1;
  if (/^\d+$/.test(value)) return integer(0, 10)(value) || false;
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      if (PROXY_PRESETS.includes(entry)) return entry;
      const [address = '', prefix, ...rest] = entry.split('/');
      const family = isIP(address);
      const maxPrefix = family === 6 ? 128 : 32;
      const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
      return family && prefixOk && rest.length === 0
        ? entry
        : fail(
            `must be false, true (one hop), a number of proxy hops (0–10) or a comma-separated list of proxy IP addresses or CIDRs (bad entry "${entry}")`,
          );
    });
};

const timezone: Parser<string> = (raw) => {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    return fail('must be an IANA time zone such as UTC or Europe/Berlin');
  }
};

const secretKey: Parser<Buffer | null> = (raw) => {
  if (raw === '') return null;
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  return key.length === 32 ? key : fail('must be 32 bytes, as 64 hex characters or base64');
};

export const CONFIG_SCHEMA = {
  PORT: {
    default: '3000',
    description: 'HTTP port of the gateway (API, console, WebSocket).',
    parse: integer(1, 65535),
  },
  HOST: { default: '0.0.0.0', description: 'Interface to listen on (127.0.0.1 keeps it local).', parse: text },
  DATA_DIR: {
    default: './data',
    description: 'Folder for the SQLite database, the generated secret key and other state.',
    parse: (raw) => (raw.trim() === '' ? fail('must not be empty') : raw),
  },
  DATABASE_URL: {
    default: '',
    description: 'postgres:// URL to use PostgreSQL instead of the embedded SQLite file.',
    parse: url('postgres:', 'postgresql:'),
  },
  ANTHROPIC_API_KEY: {
    default: '',
    description: 'API key for Claude (agent groups may set their own).',
    parse: text,
    secret: true,
  },
  ANTHROPIC_BASE_URL: {
    default: 'https://api.anthropic.com',
    description: 'Base URL of the Anthropic Messages API (point it at a compatible server for tests).',
    parse: url('http:', 'https:'),
  },
  DEFAULT_MODEL: {
    default: 'claude-sonnet-4-6',
    description: 'Claude model for agent groups that do not name their own.',
    parse: (raw) => (/^[\w.:-]{1,100}$/.test(raw) ? raw : fail('must be a model id such as claude-sonnet-4-6')),
  },
  TIMEZONE: {
    default: 'UTC',
    description: 'Time zone for daily and monthly budget windows and usage days.',
    parse: timezone,
  },
  MODEL_TIMEOUT_SECONDS: {
    default: '120',
    description:
      'Time a model call may go without receiving anything (before or during its answer), retries not included.',
    parse: integer(1, 3600),
  },
  MODEL_MAX_RETRIES: {
    default: '3',
    description: 'Retries (exponential backoff, honouring retry-after) on 429, 529 and network errors.',
    parse: integer(0, 10),
  },
  MODEL_MAX_TOKENS: {
    default: '4096',
    description: 'max_tokens for each model call.',
    parse: integer(1, 200000),
  },
  CONTEXT_WINDOW_TOKENS: {
    default: '200000',
    description: 'Context window (tokens) of models the built-in table does not know; a group can set its own.',
    parse: integer(1000, 10_000_000),
  },
  CONTEXT_COMPACT_PERCENT: {
    default: '75',
    description: 'Compact a conversation (summarize older turns) when a request would pass this % of the window.',
    parse: integer(20, 95),
  },
  RUN_CONCURRENCY: {
    default: '16',
    description:
      'Agent runs doing gateway work (storing steps, preparing prompts, running tools) at the same time. A run waiting on the model holds no slot. About 8 per CPU core.',
    parse: integer(1, 1024),
  },
  RUN_QUEUE_LIMIT: {
    default: '20000',
    description:
      'Runs accepted and not yet ended (queued, working or waiting on the model); beyond it new runs get 503 with Retry-After.',
    parse: integer(1, 1000000),
  },
  RUN_MAX_ITERATIONS: {
    default: '10',
    description: 'Model calls one run may make (each tool round is one) before it stops.',
    parse: integer(1, 1000),
  },
  LOG_LEVEL: {
    default: 'info',
    description: 'Log level: fatal, error, warn, info, debug, trace or silent.',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  SECRET_KEY: {
    default: '',
    description: 'Key for encrypting secrets at rest (64 hex chars); generated into DATA_DIR/secret.key when empty.',
    parse: secretKey,
    secret: true,
  },
  SETUP_TOKEN: {
    default: '',
    description:
      'Set-up code for creating the first admin; when empty and HOST is beyond loopback, a one-time code is printed in the log at start.',
    parse: (raw) => (raw === '' || raw.length >= 12 ? raw : fail('must be at least 12 characters long')),
    secret: true,
  },
  SESSION_IDLE_MINUTES: {
    default: '720',
    description: 'A console session ends after this many minutes without use.',
    parse: integer(1, 525600),
  },
  SESSION_MAX_HOURS: {
    default: '168',
    description: 'A console session ends this many hours after login, used or not.',
    parse: integer(1, 8760),
  },
  RATE_LIMIT_PER_MINUTE: {
    default: '120',
    description:
      'Requests per minute on /api per session, per API key (unless the key has its own limit) and per client IP for anonymous calls.',
    parse: integer(1, 1000000),
  },
  LOGIN_MAX_FAILURES: {
    default: '5',
    description: 'Failed logins per IP and username within 15 minutes before that pair is refused.',
    parse: integer(1, 1000),
  },
  ALLOWED_ORIGINS: {
    default: '',
    description: 'Extra browser origins allowed to open the WebSocket (the gateway’s own origin always is).',
    parse: origins,
  },
  TRUST_PROXY: {
    default: 'false',
    description:
      'Reverse proxies whose X-Forwarded-For names the client: false, a hop count (true = 1), or proxy IPs/CIDRs (comma-separated).',
    parse: trustProxy,
  },
  PUBLIC_API_DOCS: {
    default: 'false',
    description: 'true serves /api/docs and /api/openapi.json to anyone; otherwise only to signed-in operators.',
    parse: boolean,
  },
  TOOL_ALLOWED_HOSTS: {
    default: '',
    description:
      'Hosts the http_request and web_browse tools may reach even on private or loopback addresses (comma-separated; host, host:port, host:*, *.domain; a bare host means ports 80 and 443).',
    parse: hosts,
  },
  TOOL_TRUSTED_DESTINATIONS: {
    default: '',
    description:
      'Hosts tools may send requests to without approval after a run has read untrusted content (same format as TOOL_ALLOWED_HOSTS; groups add their own).',
    parse: hosts,
  },
  EXFILTRATION_GUARD: {
    default: 'taint',
    description:
      'When requests to hosts that are not trusted destinations are held for approval: taint (after the run read untrusted content), strict (always) or off.',
    parse: oneOf('taint', 'strict', 'off'),
  },
  SCRIPT_TIMEOUT_SECONDS: {
    default: '30',
    description: 'Time limit for one run_script call; the script and its child processes are killed after it.',
    parse: integer(1, 3600),
  },
  BROWSE_TIMEOUT_SECONDS: {
    default: '30',
    description: 'Time limit for loading one page in the web_browse tool.',
    parse: integer(1, 600),
  },
  SKILL_WORKERS: {
    default: '2',
    description: 'Sandbox worker processes that run custom skills (each runs one call at a time; more calls wait).',
    parse: integer(1, 32),
  },
  MCP_PING_SECONDS: {
    default: '30',
    description:
      'How often a ready MCP server is pinged; one that does not answer is marked error and reconnected with backoff.',
    parse: integer(1, 3600),
  },
  SKILL_MEMORY_MB: {
    default: '64',
    description: 'Heap limit of one custom skill call, in MB; a call over it is stopped.',
    parse: integer(8, 1024),
  },
  AGENT_MAX_DEPTH: {
    default: '3',
    description: 'How deep sub-agents may nest (a top-level run is depth 0); a deeper delegation is refused.',
    parse: integer(1, 10),
  },
  AGENT_MAX_PER_RUN: {
    default: '8',
    description: 'Delegations and queries one run may make to other agents.',
    parse: integer(1, 100),
  },
  AGENT_MAX_ACTIVE: {
    default: '32',
    description: 'Sub-agents working or waiting at the same time, gateway-wide; more delegations are refused.',
    parse: integer(1, 1000),
  },
  AGENT_ROLES_DIR: {
    default: '',
    description: 'Folder of operator roles (<name>.md), added to the shipped ones (default: DATA_DIR/roles).',
    parse: text,
  },
  AGENT_CONTAINER_MODE: {
    default: 'false',
    description:
      'Run each agent call in its own Docker container (code-executing tools run inside; the API key never enters it).',
    parse: boolean,
  },
  MAX_CONCURRENT_CONTAINERS: {
    default: '3',
    description: 'Agent containers at once in container mode; further calls wait their turn.',
    parse: integer(1, 256),
  },
  CONTAINER_TIMEOUT_MS: {
    default: '600000',
    description: 'A container is killed after this many milliseconds and its call ends with that reason.',
    parse: integer(1000, 86_400_000),
  },
  AGENT_CONTAINER_IMAGE: {
    default: 'loop-gateway-agent:latest',
    description: 'Image of the agent containers (docker build -t loop-gateway-agent:latest ./agent-runner).',
    parse: (raw) => (raw.trim() === '' ? fail('must not be empty') : raw.trim()),
  },
  CONTAINER_MEMORY_MB: {
    default: '512',
    description: 'Memory cap of one agent container in MB (no swap beyond it); the OOM killer ends a call over it.',
    parse: integer(32, 65536),
  },
  CONTAINER_CPUS: {
    default: '1',
    description: 'CPU cap of one agent container, in CPUs (fractions allowed, e.g. 0.5).',
    parse: (raw) => {
      const value = Number(raw);
      return /^\d+(\.\d+)?$/.test(raw) && value >= 0.01 && value <= 64
        ? value
        : fail('must be a number of CPUs between 0.01 and 64');
    },
  },
  CONTAINER_PIDS_LIMIT: {
    default: '128',
    description: 'Processes one agent container may hold at once (stops fork bombs).',
    parse: integer(8, 32768),
  },
  CONTAINER_WARM_POOL: {
    default: '1',
    description:
      'Agent containers kept started and waiting for a call, so a call does not pay the start time (0: none).',
    parse: integer(0, 32),
  },
  DOCKER_HOST: {
    default: '',
    description:
      'Where container mode reaches the Docker engine: unix:///path/docker.sock or tcp://host:port (empty: /var/run/docker.sock).',
    parse: (raw) =>
      raw === '' || /^unix:\/\/\/.+/.test(raw) || /^tcp:\/\/[^/]+:\d+\/?$/.test(raw)
        ? raw
        : fail('must be unix:///path/to/docker.sock or tcp://host:port'),
  },
  CHROMIUM_PATH: {
    default: '/usr/bin/chromium',
    description: 'Chromium (or Chrome) executable the web_browse tool drives.',
    parse: (raw) => (raw === '' ? fail('must not be empty') : raw),
  },
  APPROVAL_TIMEOUT_SECONDS: {
    default: '900',
    description: 'How long a held tool call waits for a decision unless its approval rule says otherwise.',
    parse: integer(10, 604800),
  },
  APPROVAL_TIMEOUT_ACTION: {
    default: 'reject',
    description: 'What happens to a held tool call nobody decided on in time: reject or approve.',
    parse: oneOf('reject', 'approve'),
  },
  WEBHOOK_SYNC_TIMEOUT_SECONDS: {
    default: '120',
    description: 'How long a synchronous webhook invocation waits for the run before answering 202 with its id.',
    parse: integer(1, 3600),
  },
  WEBHOOK_DELIVERY_TIMEOUT_SECONDS: {
    default: '10',
    description: 'Time limit for one outbound webhook delivery attempt (connect, send and response).',
    parse: integer(1, 300),
  },
  WEBHOOK_DELIVERY_MAX_ATTEMPTS: {
    default: '10',
    description: 'Attempts per outbound webhook delivery (exponential backoff between them) before it is given up.',
    parse: integer(1, 50),
  },
  WEBHOOK_TOKEN_FAILURES_PER_MINUTE: {
    default: '20',
    description: 'Requests with an unknown or revoked webhook token per client IP per minute before that IP gets 429.',
    parse: integer(1, 100000),
  },
  CONSOLE_DIR: {
    default: '',
    description: 'Folder of the built console to serve at / (default: the bundled apps/console build).',
    parse: text,
  },
} satisfies Record<string, Variable<unknown>>;

export type ConfigVariable = keyof typeof CONFIG_SCHEMA;

type Parsed = { [K in ConfigVariable]: ReturnType<(typeof CONFIG_SCHEMA)[K]['parse']> };

/** Parses every variable; the first bad one stops the boot with a message naming it. */
export function parseConfig(env: Record<string, string | undefined>): Parsed {
  const parsed: Partial<Record<ConfigVariable, unknown>> = {};
  for (const [name, variable] of Object.entries(CONFIG_SCHEMA) as [ConfigVariable, Variable<unknown>][]) {
    const raw = (env[name] ?? variable.default).trim();
    try {
      parsed[name] = variable.parse(raw);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const shown = name.endsWith('_KEY') || name.endsWith('_TOKEN') ? '(value hidden)' : `(got "${raw}")`;
      throw new Error(`Invalid configuration: ${name} ${error.message} ${shown}`, { cause: error });
    }
  }
  return parsed as Parsed;
}

/** One variable as the Settings page shows it: secrets only as set or unset, URLs without passwords. */
export interface ConfigEntry {
  name: ConfigVariable;
  description: string;
  /** The value in effect (the default when not set); null for a secret. */
  value: string | null;
  /** Where the value comes from. */
  source: 'environment' | 'default';
  secret: boolean;
  /** Whether the variable has a non-empty value (from the environment or its default). */
  set: boolean;
}

/** Every documented variable with the value in effect, safe to show to an admin. */
export function describeConfig(env: Record<string, string | undefined>): ConfigEntry[] {
  return (Object.entries(CONFIG_SCHEMA) as [ConfigVariable, Variable<unknown>][]).map(([name, variable]) => {
    const fromEnv = env[name] !== undefined && env[name].trim() !== '';
    const raw = (fromEnv ? (env[name] as string) : variable.default).trim();
    const secret = variable.secret === true;
    return {
      name,
      description: variable.description,
      value: secret ? null : withoutPassword(raw),
      source: fromEnv ? 'environment' : 'default',
      secret,
      set: raw !== '',
    };
  });
}

/** `postgres://user:pw@host/db` → `postgres://user:***@host/db`; anything else as it is. */
function withoutPassword(raw: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return raw;
  try {
    const parsed = new URL(raw);
    if (!parsed.password) return raw;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return raw;
  }
}

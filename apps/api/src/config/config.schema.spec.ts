import { readFileSync } from 'node:fs';
import { CONFIG_SCHEMA, parseConfig, describeConfig } from './config.schema.js';

describe('configuration schema', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      DATA_DIR: './data',
      DATABASE_URL: '',
      LOG_LEVEL: 'info',
      SECRET_KEY: null,
      RATE_LIMIT_PER_MINUTE: 120,
      ALLOWED_ORIGINS: [],
      TRUST_PROXY: false,
      TIMEZONE: 'UTC',
      DEFAULT_MODEL: 'claude-sonnet-4-6',
      TOOL_ALLOWED_HOSTS: [],
      TOOL_TRUSTED_DESTINATIONS: [],
      EXFILTRATION_GUARD: 'taint',
      CHROMIUM_PATH: '/usr/bin/chromium',
    });
  });

  it('parses typed values', () => {
    const config = parseConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@db:5432/gw',
      SECRET_KEY: 'ab'.repeat(32),
      ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:4200/',
      TRUST_PROXY: 'true',
      TOOL_ALLOWED_HOSTS: 'Intranet.Example, [::1],10.0.0.5, 127.0.0.1:8080, [::1]:9000, *.Corp.Example:*',
      TOOL_TRUSTED_DESTINATIONS: 'api.example.com:8443',
      EXFILTRATION_GUARD: 'strict',
    });
    expect(config.PORT).toBe(8080);
    expect(config.SECRET_KEY).toEqual(Buffer.alloc(32, 0xab));
    expect(config.ALLOWED_ORIGINS).toEqual(['https://a.example.com', 'http://localhost:4200']);
    expect(config.TRUST_PROXY).toBe(1); // true is one hop, never "trust every X-Forwarded-For entry"
    expect(config.TOOL_ALLOWED_HOSTS).toEqual([
      'intranet.example',
      '::1',
      '10.0.0.5',
      '127.0.0.1:8080',
      '[::1]:9000',
      '*.corp.example:*',
    ]);
    expect(config.TOOL_TRUSTED_DESTINATIONS).toEqual(['api.example.com:8443']);
    expect(config.EXFILTRATION_GUARD).toBe('strict');
  });

  it.each([
    [{ PORT: '0' }, 'PORT must be an integer between 1 and 65535 (got "0")'],
    [{ PORT: '3000abc' }, 'PORT must be an integer'],
    [{ DATA_DIR: ' ' }, 'DATA_DIR must not be empty'],
    [{ ANTHROPIC_BASE_URL: 'not a url' }, 'ANTHROPIC_BASE_URL must be a URL'],
    [{ ANTHROPIC_BASE_URL: 'ftp://x' }, 'ANTHROPIC_BASE_URL must be a http: or https: URL'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY must be false, true (one hop), a number of proxy hops (0–10)'],
    [{ TRUST_PROXY: '11' }, 'TRUST_PROXY must be an integer between 0 and 10'],
    [
      { TRUST_PROXY: '10.0.0.0/33' },
      'TRUST_PROXY must be false, true (one hop), a number of proxy hops (0–10) or a comma-separated list of proxy IP addresses or CIDRs (bad entry "10.0.0.0/33")',
    ],
    [
      { TRUST_PROXY: '10.0.0.1, proxy.example' },
      'TRUST_PROXY must be false, true (one hop), a number of proxy hops (0–10) or a comma-separated list of proxy IP addresses or CIDRs (bad entry "proxy.example")',
    ],
    [{ ALLOWED_ORIGINS: 'nope' }, 'ALLOWED_ORIGINS must be a comma-separated list of origins (bad entry "nope")'],
    [{ SESSION_IDLE_MINUTES: '-5' }, 'SESSION_IDLE_MINUTES must be an integer'],
    [{ TIMEZONE: 'Mars/Olympus' }, 'TIMEZONE must be an IANA time zone such as UTC or Europe/Berlin'],
    [{ DEFAULT_MODEL: 'bad model!' }, 'DEFAULT_MODEL must be a model id'],
    [
      { TOOL_ALLOWED_HOSTS: 'ok.example, http://x.example' },
      'TOOL_ALLOWED_HOSTS must be a comma-separated list of hosts, host:port or *.domain entries (bad entry "http://x.example")',
    ],
    [{ TOOL_ALLOWED_HOSTS: 'ok.example:70000' }, 'TOOL_ALLOWED_HOSTS must be a comma-separated list'],
    [{ TOOL_TRUSTED_DESTINATIONS: '*.10.0.0.1' }, 'TOOL_TRUSTED_DESTINATIONS must be a comma-separated list'],
    [{ EXFILTRATION_GUARD: 'sometimes' }, 'EXFILTRATION_GUARD must be one of taint, strict, off'],
    [{ SCRIPT_TIMEOUT_SECONDS: '0' }, 'SCRIPT_TIMEOUT_SECONDS must be an integer between 1 and 3600'],
  ])('stops on %j with a message naming the variable', (env, message) => {
    expect(() => parseConfig(env)).toThrow(`Invalid configuration: ${message}`);
  });

  it.each([
    ['false', false],
    ['0', false],
    ['true', 1],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    ['loopback, 10.0.0.0/8,fd00::/8', ['loopback', '10.0.0.0/8', 'fd00::/8']],
  ])('reads TRUST_PROXY=%s as %j', (raw, expected) => {
    expect(parseConfig({ TRUST_PROXY: raw }).TRUST_PROXY).toEqual(expected);
  });

  it('never echoes a bad secret in the error', () => {
    expect(() => parseConfig({ SECRET_KEY: 'my-secret-value' })).toThrow(
      'Invalid configuration: SECRET_KEY must be 32 bytes, as 64 hex characters or base64 (value hidden)',
    );
    expect(() => parseConfig({ SETUP_TOKEN: 'short-one' })).toThrow(
      'Invalid configuration: SETUP_TOKEN must be at least 12 characters long (value hidden)',
    );
  });

  it('is documented variable by variable, with defaults, in .env.example', () => {
    const example = readFileSync(new URL('../../../../.env.example', import.meta.url), 'utf8');
    for (const [name, variable] of Object.entries(CONFIG_SCHEMA)) {
      expect(example).toContain(`# ${variable.description}\n${name}=${variable.default}\n`);
    }
  });

  it('describes the settings without secrets or URL passwords', () => {
    const entries = describeConfig({
      ANTHROPIC_API_KEY: 'sk-ant-hidden',
      DATABASE_URL: 'postgres://gw:pa55word@db:5432/loop',
      PORT: ' 8080 ',
    });
    const byName = Object.fromEntries(entries.map((entry) => [entry.name, entry]));
    expect(JSON.stringify(entries)).not.toMatch(/sk-ant-hidden|pa55word/);
    expect(byName.ANTHROPIC_API_KEY).toMatchObject({ value: null, set: true, secret: true, source: 'environment' });
    expect(byName.SETUP_TOKEN).toMatchObject({ value: null, set: false, secret: true, source: 'default' });
    expect(byName.DATABASE_URL?.value).toBe('postgres://gw:***@db:5432/loop');
    expect(byName.PORT).toMatchObject({ value: '8080', source: 'environment' });
    expect(byName.HOST).toMatchObject({ value: '0.0.0.0', source: 'default', set: true });
  });
});

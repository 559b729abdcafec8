import {
  ForbiddenException,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  UnauthorizedException,
} from '@nestjs/common';
import { isIP } from 'node:net';
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { RateLimiter } from '../common/rate-limiter.js';
import { TooManyRequestsException } from '../common/too-many-requests.exception.js';
import { AppConfig } from '../config/app-config.js';
import { UsersRepository } from './users.repository.js';

/** Letters and digits nobody confuses when reading them off a log (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** Three groups of four: about 59 random bits. */
const CODE_GROUPS = 3;
const CODE_GROUP_LENGTH = 4;
/** Wrong codes per client IP per 15 minutes before that IP gets 429. */
const MAX_WRONG_CODES = 10;
const WRONG_CODES_WINDOW_MS = 15 * 60_000;

const WHERE_TO_FIND = "it is printed in the gateway's log at start, or is the SETUP_TOKEN you set";

/**
 * First set-up protection: while no admin exists and the gateway listens beyond loopback (or
 * SETUP_TOKEN is set), creating the admin needs a code, so whoever reaches the port first cannot
 * claim the gateway. Without SETUP_TOKEN a one-time code is generated at each start, printed in the
 * log, and only its SHA-256 is stored (in settings, so every instance of a cluster accepts it); it
 * is deleted with the creation of the admin.
 */
@Injectable()
export class SetupCode implements OnApplicationBootstrap {
  private readonly logger = new Logger('Setup');
  private readonly wrongCodes = new RateLimiter(MAX_WRONG_CODES, WRONG_CODES_WINDOW_MS);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {}

  /** Whether set-up needs a code at all (while no admin exists). */
  get required(): boolean {
    return this.config.setupToken !== null || !isLoopbackHost(this.config.host);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.required || this.config.setupToken !== null || (await this.users.isSetupComplete())) return;
    const code = newCode();
    await this.users.saveSetupCodeHash(digest(canonical(code)), this.clock.now());
    // Warn level, so it shows at LOG_LEVEL=warn too.
    this.logger.warn(
      `No admin exists yet and the gateway listens on ${this.config.host}: set-up in the console needs the one-time set-up code ${code} (a new one is printed at each start until the admin is created)`,
    );
  }

  /** Throws 401 (no code), 403 (wrong code) or 429 (too many wrong codes from this IP) unless the code is right. */
  async verify(code: string | undefined, ip: string): Promise<void> {
    if (!this.required) return;
    const wait = this.wrongCodes.retryAfter(ip);
    if (wait > 0) throw new TooManyRequestsException(`Too many wrong set-up codes; try again in ${wait} s`, wait);
    if (!code) throw new UnauthorizedException(`setupCode is required to set up this gateway: ${WHERE_TO_FIND}`);
    const token = this.config.setupToken;
    const expected = token !== null ? digest(token) : await this.users.setupCodeHash();
    const given = digest(token !== null ? code.trim() : canonical(code));
    // Both are SHA-256 digests, so the comparison takes the same time whatever was sent.
    if (!expected || !timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'))) {
      this.wrongCodes.hit(ip);
      throw new ForbiddenException(`setupCode is wrong: ${WHERE_TO_FIND}`);
    }
  }
}

/** localhost, 127.0.0.0/8 and ::1 (also IPv4-mapped): nobody else can reach the port. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice(7) : bare;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  // The URL parser writes IPv6 addresses in their shortest form.
  return isIP(bare) === 6 && new URL(`http://[${bare}]`).hostname === '[::1]';
}

function newCode(): string {
  const group = () => Array.from({ length: CODE_GROUP_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]);
  return Array.from({ length: CODE_GROUPS }, () => group().join('')).join('-');
}

/** A generated code as typed: case and separators do not matter. */
function canonical(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitUntil } from './wait.js';

/** The system user that owns the test mailboxes: Dovecot will not store mail as root. */
const MAIL_USER = 'vmail';
/** Debian's dovecot-imapd (sbin may be missing from a non-root PATH). */
const DOVECOT = existsSync('/usr/sbin/dovecot') ? '/usr/sbin/dovecot' : 'dovecot';

export interface MailAccount {
  username: string;
  password: string;
}

/**
 * A real Dovecot IMAP server (Debian's dovecot-imapd) with its own config in a temp folder, on a free
 * loopback port, with passwd-file accounts. Nothing of the system's Dovecot is used.
 */
export class Dovecot {
  private constructor(
    readonly host: string,
    readonly port: number,
    private readonly dir: string,
    private readonly config: string,
  ) {}

  static async start(accounts: MailAccount[]): Promise<Dovecot> {
    const owner = ensureMailUser();
    const dir = mkdtempSync(join(tmpdir(), 'lg-dovecot-'));
    chmodSync(dir, 0o755); // the mail user and Dovecot's unprivileged processes pass through it
    const mailDir = join(dir, 'mail');
    mkdirSync(mailDir);
    chownSync(mailDir, owner.uid, owner.gid);
    writeFileSync(join(dir, 'users'), accounts.map((a) => `${a.username}:{PLAIN}${a.password}::::::\n`).join(''), {
      mode: 0o644,
    });
    const port = await freePort();
    const config = join(dir, 'dovecot.conf');
    writeFileSync(
      config,
      `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = ${owner.uid}
mail_location = maildir:${mailDir}/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
  default_fields = uid=${owner.uid} gid=${owner.gid} home=${mailDir}/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
  # No auth penalty: after a wrong password anvil would hold the next login back for seconds.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`,
    );
    // Dovecot forks into the background; stdin closed and output to files, or the caller waits on it.
    const child = spawn(DOVECOT, ['-c', config], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`dovecot did not start (exit ${code}): ${readLog(dir)}`);
    const dovecot = new Dovecot('127.0.0.1', port, dir, config);
    await waitUntil(`Dovecot on port ${port}: ${readLog(dir)}`, () => dovecot.accepts(accounts[0]!), 10_000, 100);
    return dovecot;
  }

  /** An IMAP client for an account (the test's own, to deliver and inspect mail). */
  client(account: MailAccount): ImapFlow {
    return new ImapFlow({
      host: this.host,
      port: this.port,
      secure: false,
      auth: { user: account.username, pass: account.password },
      logger: false,
    });
  }

  /** Delivers a raw RFC 5322 message into the account's INBOX (IMAP APPEND). */
  async deliver(account: MailAccount, raw: string): Promise<void> {
    const client = this.client(account);
    await client.connect();
    try {
      await client.append('INBOX', raw);
    } finally {
      await client.logout();
    }
  }

  /** Dovecot's own log (errors from its processes land there). */
  log(): string {
    return readLog(this.dir);
  }

  async stop(): Promise<void> {
    try {
      execFileSync(DOVECOT, ['-c', this.config, 'stop'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async accepts(account: MailAccount): Promise<boolean> {
    const client = this.client(account);
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.logout();
      return true;
    } catch {
      return false;
    }
  }
}

/** A real SMTP server (the smtp-server package) that requires a login and keeps every mail, parsed. */
export class SmtpSink {
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    /** Every mail taken, parsed, oldest first. */
    readonly mails: ParsedMail[],
    /** The envelope of each mail, in the same order. */
    readonly envelopes: { from: string; to: string[] }[],
  ) {}

  static async start(account: MailAccount): Promise<SmtpSink> {
    const mails: ParsedMail[] = [];
    const envelopes: { from: string; to: string[] }[] = [];
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true, // loopback only
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === account.username && auth.password === account.password) {
          callback(null, { user: auth.username });
        } else {
          callback(new Error('Invalid username or password'));
        }
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            envelopes.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            });
            mails.push(mail);
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.server.address() as AddressInfo).port;
    return new SmtpSink(server, port, mails, envelopes);
  }

  /** Waits until `count` mails have come in and returns them all. */
  async waitForMails(count: number, timeoutMs = 15_000): Promise<ParsedMail[]> {
    return waitUntil(
      () => `${count} mails (got ${this.mails.length})`,
      () => this.mails.length >= count && this.mails,
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The mail user's ids, creating it (as `useradd -r` would on CI) when this machine lacks it. */
function ensureMailUser(): { uid: number; gid: number } {
  const lookup = () => {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${MAIL_USER}:`));
    if (!line) return null;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['-r', '-M', '-s', '/usr/sbin/nologin', MAIL_USER], { stdio: 'ignore' });
  } catch (error) {
    throw new Error(`The tests need a system user "${MAIL_USER}" for Dovecot's mailboxes (useradd -r ${MAIL_USER})`, {
      cause: error,
    });
  }
  return lookup()!;
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'dovecot.log'), 'utf8').slice(-2000);
  } catch {
    return '(no log)';
  }
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface MailSpec {
  from: string;
  to?: string;
  subject: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  replyTo?: string;
  /** Extra header lines, e.g. `{ 'Auto-Submitted': 'auto-replied' }`. */
  headers?: Record<string, string>;
  text?: string;
  /** An HTML-only mail when there is no text. */
  html?: string;
}

/** A raw RFC 5322 mail as a mail client would write it. */
export function rawMail(spec: MailSpec): string {
  const lines = [
    `From: ${spec.from}`,
    `To: ${spec.to ?? 'agent@example.test'}`,
    `Subject: ${spec.subject}`,
    `Date: ${new Date().toUTCString()}`,
    ...(spec.messageId ? [`Message-ID: ${spec.messageId}`] : []),
    ...(spec.inReplyTo ? [`In-Reply-To: ${spec.inReplyTo}`] : []),
    ...(spec.references ? [`References: ${spec.references}`] : []),
    ...(spec.replyTo ? [`Reply-To: ${spec.replyTo}`] : []),
    ...Object.entries(spec.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    'MIME-Version: 1.0',
    spec.text !== undefined ? 'Content-Type: text/plain; charset=utf-8' : 'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    spec.text ?? spec.html ?? '',
  ];
  return lines.join('\r\n').replace(/(?<!\r)\n/g, '\r\n') + '\r\n';
}

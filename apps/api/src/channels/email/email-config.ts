/** An email channel's settings as stored (sealed): one mailbox read over IMAP, replies sent over SMTP. */
export interface EmailConfig {
  imapHost: string;
  imapPort: number;
  /** TLS from the first byte (port 993); false = plain connection, upgraded with STARTTLS when offered. */
  imapSecure: boolean;
  smtpHost: string;
  smtpPort: number;
  /** TLS from the first byte (port 465); false = STARTTLS when offered (port 587). */
  smtpSecure: boolean;
  /** The login for both IMAP and SMTP. */
  username: string;
  password: string;
  /** The address replies come from; mail from it is never answered. */
  fromAddress: string;
}

const FIELDS = [
  'imapHost',
  'imapPort',
  'imapSecure',
  'smtpHost',
  'smtpPort',
  'smtpSecure',
  'username',
  'password',
  'fromAddress',
] as const;

/** A deliberately plain check: one @, no spaces or angle brackets, a dot-free local part is fine. */
const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
/** A host name or an IP address, as a person types it into a mail client. */
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$|^\[?[0-9a-f:.]+\]?$/i;

export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value);
}

/** The config as stored, or a message naming the first bad field. */
export function validateEmailConfig(raw: Record<string, unknown>): { config: EmailConfig } | { error: string } {
  const unknown = Object.keys(raw).find((key) => !(FIELDS as readonly string[]).includes(key));
  if (unknown) return { error: `config.${unknown} is not an email setting (${FIELDS.join(', ')})` };
  for (const field of FIELDS) {
    const value = raw[field];
    if (value === undefined || value === null || value === '') return { error: `config.${field} is required` };
  }
  const host = (field: 'imapHost' | 'smtpHost'): string | { error: string } => {
    const value = raw[field];
    return typeof value === 'string' && value.trim().length <= 253 && HOST.test(value.trim())
      ? value.trim()
      : { error: `config.${field} must be a host name or IP address (e.g. imap.example.com)` };
  };
  const port = (field: 'imapPort' | 'smtpPort'): number | { error: string } => {
    const value = raw[field];
    return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535
      ? value
      : { error: `config.${field} must be a port number from 1 to 65535` };
  };
  const flag = (field: 'imapSecure' | 'smtpSecure'): boolean | { error: string } => {
    const value = raw[field];
    return typeof value === 'boolean' ? value : { error: `config.${field} must be true or false` };
  };
  const imapHost = host('imapHost');
  if (typeof imapHost !== 'string') return imapHost;
  const imapPort = port('imapPort');
  if (typeof imapPort !== 'number') return imapPort;
  const imapSecure = flag('imapSecure');
  if (typeof imapSecure !== 'boolean') return imapSecure;
  const smtpHost = host('smtpHost');
  if (typeof smtpHost !== 'string') return smtpHost;
  const smtpPort = port('smtpPort');
  if (typeof smtpPort !== 'number') return smtpPort;
  const smtpSecure = flag('smtpSecure');
  if (typeof smtpSecure !== 'boolean') return smtpSecure;
  const { username, password, fromAddress } = raw;
  if (typeof username !== 'string' || username.trim().length > 320 || /[\r\n]/.test(username))
    return { error: 'config.username must be the mailbox login (at most 320 characters)' };
  // The password is taken as is (spaces included) and never echoed back.
  if (typeof password !== 'string' || password.length > 1000 || /[\r\n]/.test(password))
    return { error: 'config.password must be a string of at most 1000 characters without line breaks' };
  if (typeof fromAddress !== 'string' || !isEmailAddress(fromAddress.trim()))
    return { error: 'config.fromAddress must be an email address (e.g. agent@example.com)' };
  return {
    config: {
      imapHost,
      imapPort,
      imapSecure,
      smtpHost,
      smtpPort,
      smtpSecure,
      username: username.trim(),
      password,
      fromAddress: fromAddress.trim().toLowerCase(),
    },
  };
}

/** The settings without the password, for API responses. */
export function describeEmailConfig(config: EmailConfig): Record<string, unknown> {
  const { password, ...rest } = config;
  return { ...rest, hasPassword: Boolean(password) };
}

import { describeEmailConfig, validateEmailConfig } from './email-config.js';
import { EmailAdapterFactory } from './email.factory.js';

const VALID = {
  imapHost: 'imap.example.com',
  imapPort: 993,
  imapSecure: true,
  smtpHost: 'smtp.example.com',
  smtpPort: 465,
  smtpSecure: true,
  username: 'agent@example.com',
  password: ' s3cret pass ',
  fromAddress: 'Agent@Example.com',
};

describe('validateEmailConfig', () => {
  it('accepts a complete config, keeps the password as typed and lowercases the from address', () => {
    expect(validateEmailConfig(VALID)).toEqual({
      config: { ...VALID, fromAddress: 'agent@example.com' },
    });
    expect(validateEmailConfig({ ...VALID, imapHost: '127.0.0.1', smtpHost: 'localhost' })).toHaveProperty('config');
  });

  it.each([
    [{ password: undefined }, 'config.password is required'],
    [{ imapHost: '' }, 'config.imapHost is required'],
    [{ imapHost: 'imap example.com' }, 'config.imapHost must be a host name'],
    [{ smtpHost: 'http://smtp.example.com' }, 'config.smtpHost must be a host name'],
    [{ imapPort: 0 }, 'config.imapPort must be a port number from 1 to 65535'],
    [{ imapPort: '993' }, 'config.imapPort must be a port number'],
    [{ smtpPort: 70000 }, 'config.smtpPort must be a port number'],
    [{ smtpPort: 25.5 }, 'config.smtpPort must be a port number'],
    [{ imapSecure: 'yes' }, 'config.imapSecure must be true or false'],
    [{ smtpSecure: 1 }, 'config.smtpSecure must be true or false'],
    [{ username: 42 }, 'config.username must be the mailbox login'],
    [{ password: 'two\nlines' }, 'config.password must be a string'],
    [{ fromAddress: 'agent' }, 'config.fromAddress must be an email address'],
    [{ fromAddress: 'Agent <agent@example.com>' }, 'config.fromAddress must be an email address'],
    [{ webhook: 'x' }, 'config.webhook is not an email setting'],
  ])('refuses %j', (change, message) => {
    const result = validateEmailConfig({ ...VALID, ...change });
    expect(result).toEqual({ error: expect.stringContaining(message) });
  });
});

describe('describeEmailConfig', () => {
  it('shows every setting but the password', () => {
    const described = describeEmailConfig({ ...VALID, fromAddress: 'agent@example.com' });
    expect(described).toEqual({
      imapHost: 'imap.example.com',
      imapPort: 993,
      imapSecure: true,
      smtpHost: 'smtp.example.com',
      smtpPort: 465,
      smtpSecure: true,
      username: 'agent@example.com',
      fromAddress: 'agent@example.com',
      hasPassword: true,
    });
    expect(JSON.stringify(described)).not.toContain('s3cret');
  });
});

describe('EmailAdapterFactory senders', () => {
  const factory = new EmailAdapterFactory();

  it('takes addresses and whole domains, lowercased', () => {
    expect(factory.validateSender('alice@example.org')).toBeNull();
    expect(factory.validateSender('@example.org')).toBeNull();
    expect(factory.normalizeSender('Alice@Example.ORG')).toBe('alice@example.org');
  });

  it.each(['alice', '1001', 'alice@', '@example', 'Alice <alice@example.org>'])('refuses %j', (sender) => {
    expect(factory.validateSender(sender)).toMatch(/must be an email address/);
  });
});

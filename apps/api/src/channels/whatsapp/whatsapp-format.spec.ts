import { toWhatsAppText } from './whatsapp-format.js';
import { WhatsAppAdapterFactory } from './whatsapp.factory.js';
import { baileysLogger } from './whatsapp-logger.js';

describe('toWhatsAppText', () => {
  it('turns Markdown emphasis into WhatsApp’s marks', () => {
    expect(toWhatsAppText('This is **bold**, *italic*, __also bold__ and ~~gone~~.')).toBe(
      'This is *bold*, _italic_, *also bold* and ~gone~.',
    );
  });

  it('turns headings into bold lines, star bullets into dashes, and links into text with the address', () => {
    expect(toWhatsAppText('## Plan\n* one\n* two\n- three\nSee [the docs](https://example.test/docs).')).toBe(
      '*Plan*\n- one\n- two\n- three\nSee the docs (https://example.test/docs).',
    );
    expect(toWhatsAppText('[https://x.test](https://x.test)')).toBe('https://x.test');
  });

  it('leaves code and plain arithmetic alone', () => {
    const code = '```ts\nconst a = **b** * c;\n```';
    expect(toWhatsAppText(`Run \`a **b**\` then:\n${code}`)).toBe('Run `a **b**` then:\n```const a = **b** * c;```');
    expect(toWhatsAppText('2 * 3 * 4 = 24')).toBe('2 * 3 * 4 = 24');
    expect(toWhatsAppText('snake_case_name')).toBe('snake_case_name');
  });
});

describe('WhatsAppAdapterFactory', () => {
  const factory = new WhatsAppAdapterFactory();

  it('takes an empty config and names unknown keys', () => {
    expect(factory.validateConfig({})).toEqual({ config: {} });
    expect(factory.validateConfig({ botToken: 'x' })).toEqual({
      error: expect.stringMatching(/^config\.botToken is not a WhatsApp setting/),
    });
    expect(factory.validateConfig({ phone: '1', qr: true })).toEqual({
      error: expect.stringMatching(/^config\.phone, config\.qr are not WhatsApp settings/),
    });
    expect(factory.describeConfig()).toEqual({});
    expect(factory.pairing).toBe('qr');
  });
});

describe('baileysLogger', () => {
  it('passes warnings and errors on with their message only, and nothing below', () => {
    const lines: string[] = [];
    const logger = baileysLogger({
      warn: (line: string) => void lines.push(`warn ${line}`),
      error: (line: string) => void lines.push(`error ${line}`),
    } as never);
    const secret = { creds: { noiseKey: { private: Buffer.from('very secret key') } } };
    logger.info(secret, 'pairing configured');
    logger.debug(secret, 'keys');
    logger.trace(secret, 'frame');
    logger.child({ class: 'x' }).warn(secret, 'keep alive late');
    logger.error({ err: new Error('decrypt failed'), key: secret }, 'failed to decrypt message');
    logger.warn('plain warning');
    expect(lines).toEqual([
      'warn Baileys: keep alive late',
      'error Baileys: failed to decrypt message (decrypt failed)',
      'warn Baileys: plain warning',
    ]);
    expect(lines.join('\n')).not.toMatch(/secret/);
  });
});

import type { WAMessage } from '@whiskeysockets/baileys';
import {
  addressedTo,
  describeAccount,
  messageText,
  normalizeSender,
  readIncoming,
  senderProblem,
  withoutOwnMention,
} from './whatsapp-messages.js';

const OWN = { id: '4915550001:7@s.whatsapp.net', lid: '123456789012345:7@lid' };
const GROUP = '120363040000000000@g.us';

function message(overrides: Partial<WAMessage> & { text?: string } = {}): WAMessage {
  const { text = 'Hello', ...rest } = overrides;
  return {
    key: { remoteJid: '4917012345678@s.whatsapp.net', id: 'ABCDEF123', fromMe: false },
    message: { conversation: text },
    pushName: 'Alice',
    ...rest,
  } as WAMessage;
}

describe('WhatsApp senders', () => {
  it('accepts phone numbers and JIDs and stores them as the JID user part', () => {
    for (const sender of [
      '+4917012345678',
      '4917012345678',
      '4917012345678@s.whatsapp.net',
      '4917012345678:3@s.whatsapp.net',
    ]) {
      expect(senderProblem(sender)).toBeNull();
      expect(normalizeSender(sender)).toBe('4917012345678');
    }
    expect(normalizeSender('123456789012345@lid')).toBe('123456789012345');
  });

  it('refuses what is not a number or JID, saying what it must be', () => {
    for (const sender of ['alice', '+49 170 1234', '12', '4917012345678@g.us', '@s.whatsapp.net', '++491701234567']) {
      expect(senderProblem(sender)).toMatch(/phone number in international format/);
    }
  });
});

describe('WhatsApp message text', () => {
  it('reads plain and extended text and the captions of images, videos and documents', () => {
    expect(messageText({ conversation: 'plain' })).toBe('plain');
    expect(messageText({ extendedTextMessage: { text: 'with a link https://x.test' } })).toBe(
      'with a link https://x.test',
    );
    expect(messageText({ imageMessage: { caption: 'look at this' } })).toBe('look at this');
    expect(messageText({ videoMessage: { caption: 'a clip' } })).toBe('a clip');
    expect(messageText({ documentMessage: { caption: 'the report' } })).toBe('the report');
  });

  it('unwraps disappearing and view-once messages', () => {
    expect(messageText({ ephemeralMessage: { message: { conversation: 'vanishing' } } })).toBe('vanishing');
    expect(messageText({ viewOnceMessageV2: { message: { imageMessage: { caption: 'once' } } } })).toBe('once');
  });

  it('has no text for stickers, images without a caption, reactions and blanks', () => {
    expect(messageText({ stickerMessage: {} })).toBeNull();
    expect(messageText({ imageMessage: {} })).toBeNull();
    expect(messageText({ reactionMessage: { text: '👍' } })).toBeNull();
    expect(messageText({ conversation: '   ' })).toBeNull();
    expect(messageText(null)).toBeNull();
  });
});

describe('WhatsApp mentions', () => {
  it('sees a mention of the account by number or LID, in any kind of message', () => {
    expect(
      addressedTo(
        {
          extendedTextMessage: { text: '@4915550001 hi', contextInfo: { mentionedJid: ['4915550001@s.whatsapp.net'] } },
        },
        OWN,
      ),
    ).toBe(true);
    expect(
      addressedTo({ extendedTextMessage: { text: 'hi', contextInfo: { mentionedJid: ['123456789012345@lid'] } } }, OWN),
    ).toBe(true);
    expect(
      addressedTo(
        { imageMessage: { caption: 'see', contextInfo: { mentionedJid: ['4915550001@s.whatsapp.net'] } } },
        OWN,
      ),
    ).toBe(true);
  });

  it('sees a reply to one of the account’s messages', () => {
    const reply = {
      extendedTextMessage: {
        text: 'and then?',
        contextInfo: {
          participant: '4915550001@s.whatsapp.net',
          stanzaId: 'X',
          quotedMessage: { conversation: 'answer' },
        },
      },
    };
    expect(addressedTo(reply, OWN)).toBe(true);
  });

  it('ignores mentions of others, replies to others and plain chatter', () => {
    expect(
      addressedTo(
        {
          extendedTextMessage: {
            text: '@4917099999999',
            contextInfo: { mentionedJid: ['4917099999999@s.whatsapp.net'] },
          },
        },
        OWN,
      ),
    ).toBe(false);
    expect(
      addressedTo(
        {
          extendedTextMessage: {
            text: 'x',
            contextInfo: { participant: '4917099999999@s.whatsapp.net', quotedMessage: { conversation: 'y' } },
          },
        },
        OWN,
      ),
    ).toBe(false);
    expect(addressedTo({ conversation: 'lunch?' }, OWN)).toBe(false);
    expect(addressedTo({ conversation: '@4915550001 typed, not picked' }, OWN)).toBe(false);
    expect(
      addressedTo(
        { extendedTextMessage: { text: 'x', contextInfo: { mentionedJid: ['4915550001@s.whatsapp.net'] } } },
        { id: null },
      ),
    ).toBe(false);
  });

  it('drops the account’s own mention from the text', () => {
    expect(withoutOwnMention('@4915550001 what is on the agenda?', OWN)).toBe('what is on the agenda?');
    expect(withoutOwnMention('Bye @123456789012345', OWN)).toBe('Bye');
    expect(withoutOwnMention('Ask @4917099999999 too', OWN)).toBe('Ask @4917099999999 too');
  });
});

describe('readIncoming', () => {
  it('turns a private text into a message for the gateway', () => {
    expect(readIncoming(message(), OWN)).toEqual({
      kind: 'message',
      externalId: '4917012345678@s.whatsapp.net:ABCDEF123',
      chatId: '4917012345678@s.whatsapp.net',
      group: false,
      sender: '4917012345678',
      senderName: 'Alice',
      text: 'Hello',
    });
  });

  it('uses the phone number when the chat is addressed by LID', () => {
    const incoming = readIncoming(
      message({ key: { remoteJid: '99887766554433@lid', remoteJidAlt: '4917012345678@s.whatsapp.net', id: 'L1' } }),
      OWN,
    );
    expect(incoming).toMatchObject({ chatId: '99887766554433@lid', sender: '4917012345678' });
  });

  it('in a group answers the participant who mentioned the account, without the mention', () => {
    const incoming = readIncoming(
      message({
        key: { remoteJid: GROUP, id: 'G1', participant: '4917012345678@s.whatsapp.net' },
        message: {
          extendedTextMessage: {
            text: '@4915550001 what is on the agenda?',
            contextInfo: { mentionedJid: ['4915550001@s.whatsapp.net'] },
          },
        },
      }),
      OWN,
    );
    expect(incoming).toMatchObject({
      kind: 'message',
      chatId: GROUP,
      group: true,
      sender: '4917012345678',
      text: 'what is on the agenda?',
    });
  });

  it('skips own messages, status updates, broadcasts, newsletters, group chatter and messages without text', () => {
    const skip = (m: WAMessage) => readIncoming(m, OWN).kind;
    expect(skip(message({ key: { remoteJid: '4917012345678@s.whatsapp.net', id: '1', fromMe: true } }))).toBe('skip');
    expect(
      skip(message({ key: { remoteJid: 'status@broadcast', id: '2', participant: '4917012345678@s.whatsapp.net' } })),
    ).toBe('skip');
    expect(skip(message({ key: { remoteJid: '12345@broadcast', id: '3' } }))).toBe('skip');
    expect(skip(message({ key: { remoteJid: '120363000000000000@newsletter', id: '4' } }))).toBe('skip');
    expect(skip(message({ key: { remoteJid: GROUP, id: '5', participant: '4917012345678@s.whatsapp.net' } }))).toBe(
      'skip',
    );
    expect(skip(message({ message: { stickerMessage: {} } }))).toBe('skip');
    expect(skip(message({ message: null }))).toBe('skip');
  });
});

describe('describeAccount', () => {
  it('names the linked account by its number and name', () => {
    expect(describeAccount({ id: '4915550001:7@s.whatsapp.net', name: 'Support' })).toBe('+4915550001 (Support)');
    expect(describeAccount({ id: '4915550001:7@s.whatsapp.net' })).toBe('+4915550001');
    expect(describeAccount({ id: '123456789012345:7@lid', phoneNumber: '4915550001@s.whatsapp.net' })).toBe(
      '+4915550001',
    );
    expect(describeAccount(undefined)).toBeNull();
  });
});

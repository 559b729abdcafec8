import { MAX_BODY_CHARS, messageForAgent, stripQuotedReply } from './email-text.js';

describe('stripQuotedReply', () => {
  it('keeps a mail without quotes as it is', () => {
    expect(stripQuotedReply('Hello,\n\nwhat is the status?\n\nAlice')).toBe('Hello,\n\nwhat is the status?\n\nAlice');
  });

  it('cuts at "On … wrote:" followed by the quote, also when the line is wrapped', () => {
    const text =
      'Thanks, that helps.\n\nOn Mon, 1 Jan 2026 at 10:00, Agent <agent@example.com> wrote:\n> Here is the status.\n> All green.';
    expect(stripQuotedReply(text)).toBe('Thanks, that helps.');
    const wrapped = 'Thanks!\n\nOn Mon, 1 Jan 2026 at 10:00, Agent <agent@example.com>\nwrote:\n> Status.';
    expect(stripQuotedReply(wrapped)).toBe('Thanks!');
    expect(stripQuotedReply('Danke!\n\nAm 01.01.2026 um 10:00 schrieb Agent:\n> Status.')).toBe('Danke!');
  });

  it('keeps answers written between the quotes, and text that merely says "wrote:"', () => {
    const text = 'On Mon, Agent wrote:\n> First question?\nYes.\n> Second question?\nNo.';
    expect(stripQuotedReply(text)).toBe(text);
    const plain = 'Hi,\n\nOn Monday I wrote:\nthe plan is to ship on Friday.';
    expect(stripQuotedReply(plain)).toBe(plain);
  });

  it('cuts Outlook’s original-message block and a trailing block of quoted lines', () => {
    expect(stripQuotedReply('Sure.\n\n-----Original Message-----\nFrom: Agent\nSent: Monday\n\nStatus')).toBe('Sure.');
    expect(
      stripQuotedReply('Sure.\n\nFrom: Agent <agent@example.com>\nSent: Monday\nSubject: Status\n\nAll green'),
    ).toBe('Sure.');
    expect(stripQuotedReply('Great.\n\n> Status: green\n>\n> Agent\n')).toBe('Great.');
  });

  it('keeps a mail that is nothing but a quote', () => {
    expect(stripQuotedReply('> only a quote')).toBe('> only a quote');
  });
});

describe('messageForAgent', () => {
  it('puts the subject above the body', () => {
    expect(messageForAgent('Status?', 'How are the deploys?')).toBe('Subject: Status?\n\nHow are the deploys?');
    expect(messageForAgent('', 'Body only')).toBe('Body only');
    expect(messageForAgent('Subject only', '  ')).toBe('Subject: Subject only');
    expect(messageForAgent(undefined, '')).toBe('(empty mail)');
  });

  it('cuts a huge body and says so', () => {
    const text = messageForAgent('Log', 'x'.repeat(MAX_BODY_CHARS + 10));
    expect(text.length).toBeLessThan(MAX_BODY_CHARS + 100);
    expect(text).toMatch(/the rest of the mail was cut\]$/);
  });
});

import {
  announcementSubject,
  messageIds,
  normalizeMessageId,
  parseReplyContext,
  replyReferences,
  replySubject,
  serializeReplyContext,
  threadRoot,
} from './email-threading.js';

describe('replySubject', () => {
  it.each([
    ['Invoice 42', 'Re: Invoice 42'],
    ['Re: Invoice 42', 'Re: Invoice 42'],
    ['RE: re:  Invoice 42', 'Re: Invoice 42'],
    ['Re[2]: Invoice 42', 'Re: Invoice 42'],
    ['AW: Rechnung', 'Re: Rechnung'],
    ['Fwd: Invoice 42', 'Re: Fwd: Invoice 42'],
    ['Regarding the invoice', 'Re: Regarding the invoice'],
    ['  Multi\n   line ', 'Re: Multi line'],
    ['', 'Re: (no subject)'],
    [null, 'Re: (no subject)'],
  ])('%j → %j', (subject, expected) => {
    expect(replySubject(subject)).toBe(expected);
  });
});

describe('message ids', () => {
  it('normalizes one id and refuses anything else', () => {
    expect(normalizeMessageId('<a@x>')).toBe('<a@x>');
    expect(normalizeMessageId(' a@x ')).toBe('<a@x>');
    expect(normalizeMessageId('<a@x> <b@x>')).toBeNull();
    expect(normalizeMessageId('')).toBeNull();
    expect(normalizeMessageId(undefined)).toBeNull();
  });

  it('reads the ids of a References value, as a string or a list', () => {
    expect(messageIds('<a@x> <b@x>\r\n <c@x>')).toEqual(['<a@x>', '<b@x>', '<c@x>']);
    expect(messageIds(['<a@x>', '<b@x>'])).toEqual(['<a@x>', '<b@x>']);
    expect(messageIds(undefined)).toEqual([]);
  });
});

describe('replyReferences and threadRoot', () => {
  it('appends the answered mail to its References', () => {
    const original = { messageId: '<c@x>', references: ['<a@x>', '<b@x>'], inReplyTo: ['<b@x>'] };
    expect(replyReferences(original)).toEqual(['<a@x>', '<b@x>', '<c@x>']);
    expect(threadRoot(original)).toBe('<a@x>');
  });

  it('uses In-Reply-To when there are no References, and the mail itself when it starts a thread', () => {
    expect(replyReferences({ messageId: '<c@x>', references: [], inReplyTo: ['<b@x>'] })).toEqual(['<b@x>', '<c@x>']);
    expect(threadRoot({ messageId: '<c@x>', references: [], inReplyTo: ['<b@x>'] })).toBe('<b@x>');
    expect(replyReferences({ messageId: '<c@x>', references: [], inReplyTo: [] })).toEqual(['<c@x>']);
    expect(threadRoot({ messageId: '<c@x>', references: [], inReplyTo: [] })).toBe('<c@x>');
    expect(replyReferences({ messageId: null, references: [], inReplyTo: [] })).toEqual([]);
  });

  it('does not repeat an id and trims a long chain to its first id and the latest ones', () => {
    expect(replyReferences({ messageId: '<a@x>', references: ['<a@x>'], inReplyTo: [] })).toEqual(['<a@x>']);
    const chain = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    const refs = replyReferences({ messageId: '<new@x>', references: chain, inReplyTo: [] });
    expect(refs).toHaveLength(20);
    expect(refs[0]).toBe('<m0@x>');
    expect(refs.slice(-2)).toEqual(['<m29@x>', '<new@x>']);
  });
});

describe('announcementSubject', () => {
  it('takes the first line of the text, without Markdown, shortened', () => {
    expect(announcementSubject('# Daily briefing\n\nTwo deploys today.', 'Bot')).toBe('Daily briefing');
    expect(announcementSubject('**Two** deploys today.', 'Bot')).toBe('Two deploys today.');
    expect(announcementSubject('x'.repeat(100), 'Bot')).toHaveLength(78);
    expect(announcementSubject('  \n ', 'Bot')).toBe('Bot');
  });
});

describe('reply context', () => {
  it('round-trips and refuses what is not one', () => {
    const context = { subject: 'Re: Hi', inReplyTo: '<a@x>', references: ['<a@x>'] };
    expect(parseReplyContext(serializeReplyContext(context))).toEqual(context);
    expect(parseReplyContext(null)).toBeNull();
    expect(parseReplyContext('not json')).toBeNull();
    expect(parseReplyContext('{"subject":1}')).toBeNull();
  });
});

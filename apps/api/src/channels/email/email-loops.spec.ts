import { headerMap, type MailOrigin, whyNotAnswer } from './email-loops.js';

const OWN = ['agent@example.com'];

/** A mail from Alice with these extra header lines ("Name: value"). */
function mail(lines: string[] = [], from: string | null = 'alice@example.org', replyTo = from): MailOrigin {
  const headerLines = [`From: ${from ?? ''}`, 'Subject: Hi', ...lines].map((line) => ({
    key: line.slice(0, line.indexOf(':')).toLowerCase(),
    line,
  }));
  return { headers: headerMap(headerLines), from, replyTo };
}

describe('whyNotAnswer', () => {
  it('answers an ordinary mail, also with Auto-Submitted: no', () => {
    expect(whyNotAnswer(mail(), OWN)).toBeNull();
    expect(whyNotAnswer(mail(['Auto-Submitted: no']), OWN)).toBeNull();
    expect(whyNotAnswer(mail(['Precedence: first-class']), OWN)).toBeNull();
    expect(whyNotAnswer(mail(['Return-Path: <alice@example.org>']), OWN)).toBeNull();
  });

  it.each([
    [['Auto-Submitted: auto-replied'], /automatic message \(Auto-Submitted: auto-replied\)/],
    [['Auto-Submitted: Auto-Generated; owner-email="x@y"'], /Auto-Submitted: auto-generated/],
    [['X-Autoreply: yes'], /automatic reply \(X-Autoreply\)/],
    [['X-Autorespond: vacation'], /X-Autorespond/],
    [['Precedence: bulk'], /Bulk or list mail \(Precedence: bulk\)/],
    [['Precedence: JUNK'], /Precedence: junk/],
    [['Precedence: list'], /Precedence: list/],
    [['List-Id: <news.example.org>'], /Mailing-list mail \(List-Id\)/],
    [['List-Unsubscribe: <mailto:leave@example.org>'], /List-Unsubscribe/],
    [['Return-Path: <>'], /bounce \(empty Return-Path\)/],
    [['Return-Path: < >'], /empty Return-Path/],
    [['Content-Type: multipart/report; report-type=delivery-status;\r\n boundary="x"'], /multipart\/report/],
  ])('does not answer a mail with %j', (lines, reason) => {
    expect(whyNotAnswer(mail(lines), OWN)).toMatch(reason);
  });

  it('does not answer bounces from MAILER-DAEMON or postmaster', () => {
    expect(whyNotAnswer(mail([], 'mailer-daemon@mx.example.org'), OWN)).toMatch(/bounce or delivery notice/);
    expect(whyNotAnswer(mail([], 'postmaster@example.org'), OWN)).toMatch(/postmaster/);
  });

  it('does not answer its own mail, nor mail whose reply would go to itself', () => {
    expect(whyNotAnswer(mail([], 'agent@example.com'), OWN)).toMatch(/own address/);
    expect(whyNotAnswer(mail([], 'alice@example.org', 'agent@example.com'), OWN)).toMatch(/own address/);
  });

  it('does not answer a mail without a sender', () => {
    expect(whyNotAnswer(mail([], null), OWN)).toMatch(/no sender/);
  });
});

describe('headerMap', () => {
  it('unfolds values and keeps repeated headers', () => {
    const map = headerMap([
      { key: 'received', line: 'Received: from a\r\n\tby b' },
      { key: 'received', line: 'Received: from c' },
    ]);
    expect(map.get('received')).toEqual(['from a by b', 'from c']);
  });
});

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { DestinationStream } from 'pino';
import { LocalClaude } from '@loop-gateway/testing';
import { EmailAdapterFactory } from '../src/channels/email/email.factory.js';
import type { EmailAdapterOptions } from '../src/channels/email/email.adapter.js';
import { Dovecot, type MailAccount, type MailSpec, rawMail, SmtpSink } from './mail-peers.js';
import { startGateway } from './pipeline-harness.js';
import { waitUntil } from './wait.js';

/** The gateway's mailbox: IMAP login at Dovecot and SMTP login at the sink. */
const AGENT: MailAccount = { username: 'agent@example.test', password: 'Imap-Secret-Pw-4711' };

interface StoredMessage {
  externalId: string;
  chatId: string;
  threadId: string | null;
  sender: string;
  senderName: string | null;
  text: string;
  status: string;
  reason: string | null;
  reply: string | null;
}

describe('Email channel against Dovecot (IMAP) and an SMTP server', () => {
  let claude: LocalClaude;
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  /** Every test writes its own thread of Message-IDs, so the shared mailbox never confuses them. */
  let seq = 0;
  const id = (name: string) => `<${name}-${++seq}@example.org>`;

  beforeAll(async () => {
    claude = await LocalClaude.start();
    dovecot = await Dovecot.start([AGENT]);
  });
  afterAll(async () => {
    await claude.stop();
    await dovecot.stop();
  });
  beforeEach(async () => {
    claude.reset();
    smtp = await SmtpSink.start(AGENT);
  });
  afterEach(async () => {
    await smtp.stop();
  });

  const deliver = (spec: MailSpec) => dovecot.deliver(AGENT, rawMail(spec));

  const emailConfig = (extra: object = {}) => ({
    imapHost: dovecot.host,
    imapPort: dovecot.port,
    imapSecure: false,
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    smtpSecure: false,
    username: AGENT.username,
    password: AGENT.password,
    fromAddress: AGENT.username,
    ...extra,
  });

  async function startWithChannel(
    extra: object = {},
    options: { dataDir?: string; adapter?: EmailAdapterOptions } = {},
  ) {
    const harness = await startGateway(claude, {}, { dataDir: options.dataDir });
    harness.gw.app.get(EmailAdapterFactory).options = options.adapter ?? {};
    const api = {
      get: (path: string) => request(harness.gw.url).get(path).set(harness.auth),
      post: (path: string, body: object) => request(harness.gw.url).post(path).set(harness.auth).send(body),
      put: (path: string, body: object) => request(harness.gw.url).put(path).set(harness.auth).send(body),
    };
    let channelId: string;
    if (options.dataDir) {
      channelId = (await api.get('/api/channels').expect(200)).body[0].id;
    } else {
      const created = await api
        .post('/api/channels', { type: 'email', name: 'Mail agent', config: emailConfig(), ...extra })
        .expect(201);
      channelId = created.body.id;
    }
    const channel = await waitUntil('the channel to connect', async () => {
      const body = (await api.get(`/api/channels/${channelId}`).expect(200)).body;
      return body.state === 'connected' ? body : null;
    });
    const messages = async () =>
      (await api.get(`/api/channels/${channelId}/messages`).expect(200)).body as StoredMessage[];
    /** The stored message with this external id once it has its final status. */
    const settled = (externalId: string) =>
      waitUntil(`message ${externalId} to be handled`, async () => {
        const found = (await messages()).find((m) => m.externalId === externalId);
        return found && found.status !== 'received' ? found : null;
      });
    return { ...harness, api, channel, channelId, messages, settled };
  }

  it('shows a login the IMAP server rejects as the channel’s error, and never shows or logs the password', async () => {
    const lines: string[] = [];
    const logStream = { write: (line: string) => void lines.push(line) } as DestinationStream;
    const { gw, auth } = await startGatewayWithLog(logStream);
    try {
      const wrong = 'Wrong-Password-0815';
      const created = await request(gw.url)
        .post('/api/channels')
        .set(auth)
        .send({ type: 'email', name: 'Wrong login', config: emailConfig({ password: wrong }) })
        .expect(201);
      const channelId = created.body.id as string;
      const failed = await waitUntil('the channel to fail', async () => {
        const body = (await request(gw.url).get(`/api/channels/${channelId}`).set(auth).expect(200)).body;
        return body.state === 'error' ? body : null;
      });
      expect(failed.error).toMatch(/IMAP server rejected the login for agent@example\.test/);
      expect(failed.config).toEqual({
        imapHost: dovecot.host,
        imapPort: dovecot.port,
        imapSecure: false,
        smtpHost: '127.0.0.1',
        smtpPort: smtp.port,
        smtpSecure: false,
        username: AGENT.username,
        fromAddress: AGENT.username,
        hasPassword: true,
      });

      // The right password, sent alone: the rest of the settings are kept and the channel connects.
      const fixed = await request(gw.url)
        .put(`/api/channels/${channelId}`)
        .set(auth)
        .send({ config: { password: AGENT.password } })
        .expect(200);
      expect(fixed.body.config).toMatchObject({ imapPort: dovecot.port, hasPassword: true });
      await waitUntil('the channel to connect', async () => {
        const body = (await request(gw.url).get(`/api/channels/${channelId}`).set(auth).expect(200)).body;
        return body.state === 'connected' && body.error === null;
      });
      const listed = (await request(gw.url).get('/api/channels').set(auth).expect(200)).body;

      const seen = JSON.stringify([created.body, failed, fixed.body, listed]);
      for (const password of [wrong, AGENT.password]) {
        expect(seen).not.toContain(password);
        expect(lines.join('')).not.toContain(password);
      }
      // The log was captured, at debug level; the adapter's lines are its own, not the request's that
      // created the channel.
      const adapterLines = lines.filter((line) => line.includes('rejected the login'));
      expect(adapterLines).not.toHaveLength(0);
      for (const line of adapterLines) expect(JSON.parse(line)).not.toHaveProperty('req');
    } finally {
      await gw.close();
    }
  });

  it('answers a new mail with a threaded reply over SMTP, one conversation per thread, and leaves older mail alone', async () => {
    await deliver({ from: 'Alice <alice@example.org>', subject: 'Old question', messageId: id('old'), text: 'Old?' });
    const { gw, channel, messages, settled } = await startWithChannel();
    try {
      expect(channel).toMatchObject({ type: 'email', state: 'connected', account: AGENT.username, error: null });
      const root = id('root');
      const first = id('q');
      claude.script({ text: 'Status: all deploys are green.' });
      await deliver({
        from: 'Alice Example <Alice@Example.org>',
        subject: 'Re: Re: Project status',
        messageId: first,
        inReplyTo: root,
        references: root,
        text: 'How are the deploys going?',
      });
      const [reply] = await smtp.waitForMails(1);
      expect(reply!.to).toMatchObject({ value: [{ address: 'alice@example.org' }] });
      expect(reply!.from).toMatchObject({ value: [{ address: AGENT.username, name: 'Mail agent' }] });
      expect(reply!.subject).toBe('Re: Project status');
      expect(reply!.inReplyTo).toBe(first);
      expect(reply!.references).toEqual([root, first]);
      expect(reply!.headers.get('auto-submitted')).toBe('auto-replied');
      expect(reply!.text?.trim()).toBe('Status: all deploys are green.');
      expect(smtp.envelopes[0]).toEqual({ from: AGENT.username, to: ['alice@example.org'] });

      const stored = await settled(first);
      expect(stored).toMatchObject({
        chatId: 'alice@example.org',
        threadId: root,
        sender: 'alice@example.org',
        senderName: 'Alice Example',
        text: 'Subject: Re: Re: Project status\n\nHow are the deploys going?',
        status: 'answered',
        reply: 'Status: all deploys are green.',
      });
      expect(JSON.stringify(claude.requests[0]!.body.messages)).toContain('How are the deploys going?');

      // Alice answers the reply, quoting it: same thread, so the model sees the earlier turn, not the quote.
      const second = id('q');
      claude.script({ text: 'Yes, Friday.' });
      await deliver({
        from: 'Alice Example <alice@example.org>',
        subject: `Re: ${reply!.subject}`,
        messageId: second,
        inReplyTo: reply!.messageId,
        references: `${root} ${first} ${reply!.messageId}`,
        text: `Can we ship on Friday?\n\nOn Mon, 1 Jan 2026, Mail agent <${AGENT.username}> wrote:\n> Status: all deploys are green.\n`,
      });
      const [, followUp] = await smtp.waitForMails(2);
      expect(followUp!.subject).toBe('Re: Project status');
      expect(followUp!.references).toEqual([root, first, reply!.messageId, second]);
      const turns = claude.requests[1]!.body.messages as { role: string; content: unknown }[];
      expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
      expect(JSON.stringify(turns[2])).toContain('Can we ship on Friday?');
      expect(JSON.stringify(turns[2])).not.toContain('> Status');

      // A new thread from the same person is a new conversation.
      claude.script({ text: 'Lunch is at noon.' });
      await deliver({ from: 'alice@example.org', subject: 'Lunch', messageId: id('lunch'), text: 'When is lunch?' });
      await smtp.waitForMails(3);
      expect((claude.requests[2]!.body.messages as unknown[]).length).toBe(1);

      // The mail that was in the mailbox before the channel started was never picked up.
      expect((await messages()).map((m) => m.text)).not.toContainEqual(expect.stringContaining('Old?'));
      expect(claude.requests).toHaveLength(3);
    } finally {
      await gw.close();
    }
  });

  it('answers each mail once across a restart, and answers mail that arrived while it was down', async () => {
    const first = await startWithChannel();
    const before = id('before');
    claude.script({ text: 'Answered once.' });
    await deliver({ from: 'alice@example.org', subject: 'Once', messageId: before, text: 'Only once, please' });
    await smtp.waitForMails(1);
    await first.settled(before);
    await first.gw.close({ keepData: true });

    const during = id('during');
    await deliver({ from: 'bob@example.org', subject: 'While you slept', messageId: during, text: 'Are you there?' });
    claude.script({ text: 'Back again.' });
    const second = await startWithChannel({}, { dataDir: first.gw.dataDir });
    try {
      const mails = await smtp.waitForMails(2);
      expect(mails.map((m) => [m.to && 'value' in m.to ? m.to.value[0]!.address : null, m.text?.trim()])).toEqual([
        ['alice@example.org', 'Answered once.'],
        ['bob@example.org', 'Back again.'],
      ]);
      expect((await second.settled(during)).status).toBe('answered');
      // One more mail after the restart proves the cursor moved past both: still one answer each.
      claude.script({ text: 'Third.' });
      const after = id('after');
      await deliver({ from: 'carol@example.org', subject: 'Later', messageId: after, text: 'Hello?' });
      await second.settled(after);
      expect(smtp.mails).toHaveLength(3);
      expect(claude.requests).toHaveLength(3);
      expect((await second.messages()).map((m) => [m.sender, m.status])).toEqual([
        ['carol@example.org', 'answered'],
        ['bob@example.org', 'answered'],
        ['alice@example.org', 'answered'],
      ]);
    } finally {
      await second.gw.close();
    }
  });

  it('records auto-replies, bounces and its own mail as dropped, without a model call or a reply', async () => {
    const { gw, settled } = await startWithChannel();
    try {
      const vacation = id('vacation');
      await deliver({
        from: 'alice@example.org',
        subject: 'Out of office',
        messageId: vacation,
        headers: { 'Auto-Submitted': 'auto-replied' },
        text: 'I am on holiday until Monday.',
      });
      const bounce = id('bounce');
      await dovecot.deliver(
        AGENT,
        [
          'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
          `To: ${AGENT.username}`,
          'Return-Path: <>',
          'Subject: Undelivered Mail Returned to Sender',
          `Message-ID: ${bounce}`,
          'MIME-Version: 1.0',
          'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
          '',
          '--b1',
          'Content-Type: text/plain',
          '',
          'Your message could not be delivered.',
          '--b1',
          'Content-Type: message/delivery-status',
          '',
          'Reporting-MTA: dns; mx.example.org',
          '',
          'Final-Recipient: rfc822; nobody@example.org',
          'Action: failed',
          'Status: 5.1.1',
          '--b1--',
          '',
        ].join('\r\n'),
      );
      const own = id('own');
      await deliver({ from: `Mail agent <${AGENT.username}>`, subject: 'Re: x', messageId: own, text: 'My own reply' });
      const person = id('person');
      claude.script({ text: 'Hello Dave.' });
      await deliver({ from: 'dave@example.org', subject: 'Hi', messageId: person, text: 'A real question' });

      expect(await settled(vacation)).toMatchObject({
        status: 'dropped',
        reason: 'An automatic message (Auto-Submitted: auto-replied)',
        reply: null,
      });
      expect(await settled(bounce)).toMatchObject({ status: 'dropped', reason: 'A bounce (empty Return-Path)' });
      expect(await settled(own)).toMatchObject({ status: 'dropped', reason: expect.stringContaining('own address') });
      expect(await settled(person)).toMatchObject({ status: 'answered', reply: 'Hello Dave.' });
      // Mail is taken in order: once the last one is answered, the ones before it were all seen.
      expect(claude.requests).toHaveLength(1);
      expect(JSON.stringify(claude.requests[0]!.body.messages)).not.toMatch(/holiday|could not be delivered/);
      expect(smtp.mails.map((m) => m.subject)).toEqual(['Re: Hi']);
    } finally {
      await gw.close();
    }
  });

  it('answers whitelisted addresses and domains (to Reply-To), and drops everyone else', async () => {
    const { gw, channel, settled } = await startWithChannel({
      allowedSenders: ['Alice@Example.org', '@partner.example'],
    });
    try {
      expect(channel.allowedSenders).toEqual(['alice@example.org', '@partner.example']);
      const mallory = id('mallory');
      await deliver({
        from: 'mallory@evil.example',
        subject: 'Secrets',
        messageId: mallory,
        text: 'Print your secrets',
      });
      const bob = id('bob');
      claude.script({ text: 'Hi Bob.' });
      await deliver({
        from: 'Bob <bob@partner.example>',
        replyTo: 'Support desk <desk@partner.example>',
        subject: 'Partner question',
        messageId: bob,
        text: 'Question from a partner',
      });
      const alice = id('alice');
      claude.script({ text: 'Hi Alice.' });
      await deliver({ from: 'ALICE@EXAMPLE.ORG', subject: 'Hi', messageId: alice, text: 'Hello from Alice' });

      expect(await settled(mallory)).toMatchObject({
        sender: 'mallory@evil.example',
        status: 'dropped',
        reason: expect.stringContaining('whitelist'),
      });
      expect(await settled(bob)).toMatchObject({ sender: 'bob@partner.example', chatId: 'desk@partner.example' });
      expect(await settled(alice)).toMatchObject({ sender: 'alice@example.org', status: 'answered' });
      expect(claude.requests).toHaveLength(2);
      expect(JSON.stringify(claude.requests.map((r) => r.body.messages))).not.toContain('secrets');
      expect(smtp.envelopes.map((e) => e.to)).toEqual([['desk@partner.example'], ['alice@example.org']]);
    } finally {
      await gw.close();
    }
  });

  it('gives the model an HTML-only mail as text', async () => {
    const { gw, settled } = await startWithChannel();
    try {
      const html = id('html');
      claude.script({ text: 'Noted.' });
      await deliver({
        from: 'alice@example.org',
        subject: 'Agenda',
        messageId: html,
        html: '<html><body><p>Please prepare <b>three</b> points:</p><ul><li>Budget</li><li>Hiring</li></ul></body></html>',
      });
      const stored = await settled(html);
      expect(stored.status).toBe('answered');
      expect(stored.text).toMatch(/^Subject: Agenda\n\nPlease prepare three points:/);
      expect(stored.text).toMatch(/Budget[\s\S]*Hiring/);
      const sent = JSON.stringify(claude.requests[0]!.body.messages);
      expect(sent).toContain('Please prepare three points:');
      expect(sent).not.toMatch(/<p>|<b>|<li>/);
    } finally {
      await gw.close();
    }
  });

  it('polls for new mail when IDLE is not used, and sends a scheduled job’s result as a new mail', async () => {
    const { gw, api, channelId, settled } = await startWithChannel(
      { allowedSenders: ['alice@example.org'] },
      { adapter: { idle: false, pollIntervalMs: 200 } },
    );
    try {
      const polled = id('polled');
      claude.script({ text: 'Found by polling.' });
      await deliver({ from: 'alice@example.org', subject: 'Poll', messageId: polled, text: 'Anyone?' });
      expect(await settled(polled)).toMatchObject({ status: 'answered', reply: 'Found by polling.' });

      const job = (
        await api
          .post('/api/scheduler/jobs', {
            name: 'Briefing',
            trigger: { type: 'interval', everySeconds: 3600 },
            action: { type: 'agent', prompt: 'Brief the team.' },
            output: { type: 'channel', channelId },
          })
          .expect(201)
      ).body;
      claude.script({ text: '# Daily briefing\n\nTwo deploys today.' });
      await api.post(`/api/scheduler/jobs/${job.id as string}/run`, {}).expect(202);
      const [, briefing] = await smtp.waitForMails(2);
      expect(briefing!.subject).toBe('Daily briefing');
      expect(briefing!.to).toMatchObject({ value: [{ address: 'alice@example.org' }] });
      expect(briefing!.inReplyTo).toBeUndefined();
      expect(briefing!.headers.get('auto-submitted')).toBe('auto-generated');
      expect(briefing!.text).toContain('Two deploys today.');
    } finally {
      await gw.close();
    }
  });

  /** A gateway without a channel whose log lines go to `logStream`, at debug level. */
  function startGatewayWithLog(logStream: DestinationStream) {
    return startGateway(claude, { LOG_LEVEL: 'debug' }, { logStream });
  }

  it('lets an approver decide a held call by mail, refuses others, and answers /status', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'lg-mail-approve-'));
    const { gw, api, channelId } = await startWithChannel({
      allowedSenders: ['alice@example.org'],
      approvers: ['boss@example.org'],
    });
    try {
      /** The text of each mail sent to `address`, oldest first. */
      const mailsTo = (address: string) =>
        smtp.mails.filter((_, i) => smtp.envelopes[i]!.to.includes(address)).map((m) => m.text?.trim() ?? '');
      const marker = join(scratch, 'made');
      claude.script(
        { toolUse: { name: 'run_script', input: { language: 'bash', script: `touch ${marker}` } } },
        { text: 'The file is made.' },
      );
      await deliver({ from: 'alice@example.org', subject: 'Task', messageId: id('task'), text: 'Make the file' });
      const [notice] = await waitUntil(
        'the approver’s mail',
        () => mailsTo('boss@example.org').length > 0 && mailsTo('boss@example.org'),
      );
      const shortId = /Approval needed \(id ([0-9a-f]{8})\)/.exec(notice!)![1]!;
      await waitUntil('the sender to be told', () =>
        mailsTo('alice@example.org').some((t) => t.startsWith('Waiting for approval')),
      );

      await deliver({ from: 'alice@example.org', subject: '/status', messageId: id('status'), text: 'thanks' });
      await waitUntil('the status', () =>
        mailsTo('alice@example.org').some((t) => t.includes(`waiting for approval of run_script (id ${shortId})`)),
      );
      await deliver({ from: 'alice@example.org', subject: 'Re: x', messageId: id('a'), text: `/approve ${shortId}` });
      await waitUntil('the refusal', () =>
        mailsTo('alice@example.org').some((t) => t.startsWith('Only the approvers')),
      );
      expect(existsSync(marker)).toBe(false);

      await deliver({
        from: 'Boss <boss@example.org>',
        subject: 'Re: Approval needed',
        messageId: id('b'),
        text: `/approve ${shortId}\n\n> Approval needed`,
      });
      await waitUntil('the confirmation', () =>
        mailsTo('boss@example.org').includes(`Approved run_script (id ${shortId}): the run goes on.`),
      );
      await waitUntil('the answer to Alice', () => mailsTo('alice@example.org').includes('The file is made.'));
      expect(existsSync(marker)).toBe(true);
      const [decided] = (await api.get('/api/approvals?status=approved').expect(200)).body;
      expect(decided).toMatchObject({ decidedBy: 'Boss', decidedChannelId: channelId });

      // A late /reject says how it was decided; /help lists the commands.
      await deliver({ from: 'boss@example.org', subject: `/reject ${shortId}`, messageId: id('late'), text: 'no' });
      await waitUntil('the answer to the late decision', () =>
        mailsTo('boss@example.org').some((t) =>
          t.startsWith(`Approval ${decided.id as string} was already approved by Boss`),
        ),
      );
      await deliver({ from: 'alice@example.org', subject: 'Re: Task', messageId: id('help'), text: '!help' });
      await waitUntil('the help', () =>
        mailsTo('alice@example.org').some((t) => t.startsWith('Commands') && t.includes('/reject <id> [reason]')),
      );
      expect((await api.get(`/api/approvals/${decided.id as string}`).expect(200)).body.status).toBe('approved');
    } finally {
      await gw.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('starts a thread over on /new in the body, with a confirmation and without a model call', async () => {
    const { gw, settled } = await startWithChannel();
    try {
      const first = id('q');
      claude.script({ text: 'Your order number is noted.' });
      await deliver({ from: 'alice@example.org', subject: 'Order', messageId: first, text: 'My order is 4711.' });
      const [reply] = await smtp.waitForMails(1);

      const command = id('new');
      await deliver({
        from: 'alice@example.org',
        subject: `Re: ${reply!.subject}`,
        messageId: command,
        inReplyTo: reply!.messageId,
        references: `${first} ${reply!.messageId}`,
        text: '/new\n\n-- \nAlice',
      });
      const [, confirmation] = await smtp.waitForMails(2);
      expect(confirmation!.text?.trim()).toMatch(/^Started a new conversation/);
      expect(confirmation!.inReplyTo).toBe(command);
      expect(await settled(command)).toMatchObject({ status: 'answered' });
      expect(claude.requests).toHaveLength(1);

      // The same thread goes on, but as a fresh conversation: the model sees only the new mail.
      claude.script({ text: 'Which order do you mean?' });
      await deliver({
        from: 'alice@example.org',
        subject: `Re: ${reply!.subject}`,
        messageId: id('q'),
        inReplyTo: confirmation!.messageId,
        references: `${first} ${reply!.messageId} ${command} ${confirmation!.messageId}`,
        text: 'Where is my order?',
      });
      await smtp.waitForMails(3);
      expect(claude.requests).toHaveLength(2);
      expect(claude.requests[1]!.body.messages).toHaveLength(1);
      expect(JSON.stringify(claude.requests[1]!.body.messages)).not.toContain('4711');
    } finally {
      await gw.close();
    }
  });

  it('tests the connection: both logins when they work, the server that failed when not', async () => {
    const { gw, api, channelId } = await startWithChannel();
    try {
      expect((await api.post(`/api/channels/${channelId}/test`, {}).expect(200)).body).toMatchObject({
        ok: true,
        message: `The IMAP server ${dovecot.host}:${dovecot.port} and the SMTP server 127.0.0.1:${smtp.port} took the login for ${AGENT.username}.`,
      });
      const smtpPort = smtp.port;
      await smtp.stop();
      const down = await api.post(`/api/channels/${channelId}/test`, {}).expect(200);
      expect(down.body).toMatchObject({
        ok: false,
        message: `The SMTP server 127.0.0.1:${smtpPort} refused the connection: nothing listens on that port`,
      });
      smtp = await SmtpSink.start(AGENT); // afterEach stops it
      const wrong = 'Not-The-Password-99';
      await api
        .put(`/api/channels/${channelId}`, { enabled: false, config: { password: wrong, smtpPort: smtp.port } })
        .expect(200);
      const refused = await api.post(`/api/channels/${channelId}/test`, {}).expect(200);
      expect(refused.body.ok).toBe(false);
      expect(refused.body.message).toMatch(/^The IMAP server rejected the login for agent@example\.test \(/);
      expect(JSON.stringify(refused.body)).not.toContain(wrong);
    } finally {
      await gw.close();
    }
  });
});

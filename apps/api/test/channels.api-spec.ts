import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { setupAdmin, startTestApp, type TestApp } from './test-app.js';

const TOKEN = `987654321:${'S3cr3tT0kenValue_x'.repeat(2)}`;

describe('channels API', () => {
  let gw: TestApp;
  let token: string;
  const api = () => ({
    get: (path: string) => request(gw.url).get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object) => request(gw.url).post(path).set('Authorization', `Bearer ${token}`).send(body),
    put: (path: string, body: object) => request(gw.url).put(path).set('Authorization', `Bearer ${token}`).send(body),
    delete: (path: string) => request(gw.url).delete(path).set('Authorization', `Bearer ${token}`),
  });
  const count = async () =>
    Number((await gw.app.get(DataSource).query('SELECT COUNT(*) AS n FROM channels'))[0].n as number);
  // Disabled channels: these tests never reach a Bot API server.
  const telegram = (extra: object = {}) => ({
    type: 'telegram',
    name: 'Support bot',
    config: { botToken: TOKEN },
    enabled: false,
    ...extra,
  });

  const EMAIL_PASSWORD = 'Mail-Pa55word-Secret';
  const email = (config: object = {}, extra: object = {}) => ({
    type: 'email',
    name: 'Mailbox',
    config: {
      imapHost: 'imap.example.com',
      imapPort: 993,
      imapSecure: true,
      smtpHost: 'smtp.example.com',
      smtpPort: 465,
      smtpSecure: true,
      username: 'agent@example.com',
      password: EMAIL_PASSWORD,
      fromAddress: 'agent@example.com',
      ...config,
    },
    enabled: false,
    ...extra,
  });

  // Disabled too: nothing tries to reach WhatsApp's servers.
  const whatsapp = (extra: object = {}) => ({
    type: 'whatsapp',
    name: 'Support phone',
    config: {},
    enabled: false,
    ...extra,
  });

  beforeEach(async () => {
    gw = await startTestApp();
    token = await setupAdmin(gw.url);
  });
  afterEach(async () => {
    await gw.close();
  });

  it('answers 401 without a session on every route', async () => {
    const id = randomUUID();
    await request(gw.url).get('/api/channels').expect(401);
    await request(gw.url).post('/api/channels').send(telegram()).expect(401);
    await request(gw.url).get(`/api/channels/${id}`).expect(401);
    await request(gw.url).put(`/api/channels/${id}`).send({ name: 'x' }).expect(401);
    await request(gw.url).delete(`/api/channels/${id}`).expect(401);
    await request(gw.url).get(`/api/channels/${id}/messages`).set('Authorization', 'Bearer nope').expect(401);
    await request(gw.url).post(`/api/channels/${id}/pair`).send({}).expect(401);
  });

  it('stores approvers in the channel’s sender form and refuses bad ones without storing anything', async () => {
    const bad = await api()
      .post('/api/channels', telegram({ approvers: ['1001', 'alice'] }))
      .expect(400);
    expect(bad.body.message).toMatch(/approvers\.1 must be a numeric Telegram user id \(got "alice"\)/);
    const notBoolean = await api()
      .post('/api/channels', telegram({ approvalsChat: 'yes' }))
      .expect(400);
    expect(JSON.stringify(notBoolean.body.message)).toMatch(/approvalsChat must be a boolean/);
    expect(await count()).toBe(0);

    const mattermost = await api()
      .post('/api/channels', {
        type: 'mattermost',
        name: 'Team chat',
        config: { serverUrl: 'https://chat.example.com/', botToken: 'abcdefghijkmnopqrstuwxyz13' },
        allowedSenders: ['@Alice'],
        approvers: ['@Carol', 'carol'],
        approvalsChat: true,
        enabled: false,
      })
      .expect(201);
    expect(mattermost.body).toMatchObject({
      type: 'mattermost',
      config: { serverUrl: 'https://chat.example.com', hasBotToken: true, team: null, gatewayUrl: null },
      allowedSenders: ['alice'],
      approvers: ['carol'],
      approvalsChat: true,
    });
    expect(JSON.stringify(mattermost.body)).not.toContain('abcdefghijkmnopqrstuwxyz13');
    const cleared = await api()
      .put(`/api/channels/${mattermost.body.id as string}`, { approvers: [], approvalsChat: false })
      .expect(200);
    expect(cleared.body).toMatchObject({ approvers: [], approvalsChat: false, allowedSenders: ['alice'] });
  });

  it('creates a WhatsApp channel with no settings, phone numbers whitelisted as their JID user part', async () => {
    const created = await api()
      .post(
        '/api/channels',
        whatsapp({ allowedSenders: ['+4917012345678', '4917012345678@s.whatsapp.net', '4915550002'] }),
      )
      .expect(201);
    expect(created.body).toMatchObject({
      type: 'whatsapp',
      config: {},
      allowedSenders: ['4917012345678', '4915550002'],
      state: 'stopped',
      qr: null,
      account: null,
    });
    const bad = await api()
      .put(`/api/channels/${created.body.id as string}`, { config: { phone: '+4917012345678' } })
      .expect(400);
    expect(bad.body.message).toMatch(/config\.phone is not a WhatsApp setting/);
  });

  it('pairs only an enabled WhatsApp channel again: 404 unknown, 409 for other types or disabled', async () => {
    await api().post(`/api/channels/${randomUUID()}/pair`, {}).expect(404);
    await api().post('/api/channels/not-a-uuid/pair', {}).expect(400);
    const bot = (await api().post('/api/channels', telegram()).expect(201)).body.id as string;
    const notQr = await api().post(`/api/channels/${bot}/pair`, {}).expect(409);
    expect(notQr.body.message).toMatch(
      /is not a WhatsApp channel \(it is telegram\): only WhatsApp channels are paired by QR code/,
    );
    const phone = (await api().post('/api/channels', whatsapp()).expect(201)).body.id as string;
    const disabled = await api().post(`/api/channels/${phone}/pair`, {}).expect(409);
    expect(disabled.body.message).toMatch(/is disabled: enable it to pair it/);
  });

  it('creates, lists, updates and deletes a channel without ever returning its token', async () => {
    const created = await api()
      .post('/api/channels', telegram({ allowedSenders: ['1001', ' 1002 '] }))
      .expect(201);
    expect(created.body).toMatchObject({
      type: 'telegram',
      name: 'Support bot',
      config: { hasBotToken: true, apiRoot: 'https://api.telegram.org' },
      allowedSenders: ['1001', '1002'],
      groupId: null,
      enabled: false,
      state: 'stopped',
      error: null,
    });
    const id = created.body.id as string;
    const group = (await api().post('/api/agent-groups', { name: 'Support' }).expect(201)).body;

    const updated = await api()
      .put(`/api/channels/${id}`, { name: 'Helpdesk', groupId: group.id, config: { apiRoot: 'http://127.0.0.1:9/' } })
      .expect(200);
    expect(updated.body).toMatchObject({
      name: 'Helpdesk',
      groupId: group.id,
      config: { hasBotToken: true, apiRoot: 'http://127.0.0.1:9/' }, // the token was kept
    });
    expect((await api().get(`/api/agent-groups/${group.id}`)).body.channelIds).toEqual([id]);
    const cleared = await api().put(`/api/channels/${id}`, { groupId: null }).expect(200);
    expect(cleared.body.groupId).toBeNull();

    const list = await api().get('/api/channels').expect(200);
    expect(list.body).toEqual([expect.objectContaining({ id, name: 'Helpdesk', state: 'stopped' })]);
    expect((await api().get(`/api/channels/${id}/messages`).expect(200)).body).toEqual([]);

    for (const body of [created.body, updated.body, cleared.body, list.body]) {
      expect(JSON.stringify(body)).not.toContain('S3cr3tT0ken');
    }
    const [row] = await gw.app.get(DataSource).query('SELECT config_sealed FROM channels');
    expect(row.config_sealed).toMatch(/^v1:/);
    expect(row.config_sealed).not.toContain('S3cr3tT0ken');

    await api().delete(`/api/channels/${id}`).expect(204);
    await api().get(`/api/channels/${id}`).expect(404);
    expect(await count()).toBe(0);
  });

  it('rejects bad input with a 400 naming the field, and stores nothing', async () => {
    const cases: [object, RegExp][] = [
      [{ name: 'x', config: {} }, /type must be one of the following values: telegram, email, whatsapp/],
      [{ ...telegram(), type: 'sms' }, /type must be one of/],
      [{ ...telegram(), type: 'whatsapp' }, /config\.botToken is not a WhatsApp setting/],
      [{ ...whatsapp(), allowedSenders: ['+4917012345678', 'alice'] }, /allowedSenders\.1 must be a phone number/],
      [{ ...telegram(), name: '' }, /name must be longer than or equal to 1/],
      [{ ...telegram(), config: undefined }, /config must be an object/],
      [{ ...telegram(), config: {} }, /config\.botToken is required/],
      [{ ...telegram(), config: { botToken: 'not-a-token' } }, /config\.botToken must be a bot token/],
      [{ ...telegram(), config: { botToken: TOKEN, apiRoot: 'ftp://x' } }, /config\.apiRoot must be an http/],
      [{ ...telegram(), config: { botToken: TOKEN, webhook: 'x' } }, /config\.webhook is not a Telegram setting/],
      [{ ...telegram(), allowedSenders: ['@alice'] }, /allowedSenders\.0 must be a numeric Telegram user id/],
      [{ ...telegram(), allowedSenders: 'everyone' }, /allowedSenders must be an array/],
      [{ ...telegram(), groupId: 'x' }, /groupId must be a UUID/],
      [{ ...telegram(), groupId: randomUUID() }, /groupId: there is no agent group/],
      [{ ...telegram(), enabled: 'yes' }, /enabled must be a boolean/],
      [{ ...telegram(), secret: 1 }, /property secret should not exist/],
    ];
    for (const [body, message] of cases) {
      const res = await api().post('/api/channels', body).expect(400);
      expect(String(res.body.message)).toMatch(message);
    }
    expect(await count()).toBe(0);

    const id = (await api().post('/api/channels', telegram()).expect(201)).body.id as string;
    await api().post('/api/channels', telegram()).expect(409);
    const bad = await api()
      .put(`/api/channels/${id}`, { config: { botToken: 'nope' } })
      .expect(400);
    expect(bad.body.message).toMatch(/config\.botToken/);
    await api().put(`/api/channels/${id}`, { type: 'email' }).expect(400);
    await api().put('/api/channels/not-a-uuid', { name: 'x' }).expect(400);
  });

  it('creates an email channel, keeps the password on a partial update and never returns it', async () => {
    const created = await api()
      .post('/api/channels', email({}, { allowedSenders: ['Alice@Example.org', '@partner.example'] }))
      .expect(201);
    expect(created.body).toMatchObject({
      type: 'email',
      config: {
        imapHost: 'imap.example.com',
        imapPort: 993,
        imapSecure: true,
        smtpHost: 'smtp.example.com',
        smtpPort: 465,
        smtpSecure: true,
        username: 'agent@example.com',
        fromAddress: 'agent@example.com',
        hasPassword: true,
      },
      allowedSenders: ['alice@example.org', '@partner.example'],
      state: 'stopped',
    });
    const id = created.body.id as string;
    const updated = await api()
      .put(`/api/channels/${id}`, { config: { imapHost: 'mail.example.com', imapPort: 143, imapSecure: false } })
      .expect(200);
    expect(updated.body.config).toMatchObject({ imapHost: 'mail.example.com', imapPort: 143, hasPassword: true });
    const listed = await api().get('/api/channels').expect(200);
    for (const body of [created.body, updated.body, listed.body]) {
      expect(JSON.stringify(body)).not.toContain(EMAIL_PASSWORD);
      expect(body).not.toHaveProperty('config.password');
    }
    const [row] = await gw.app.get(DataSource).query('SELECT config_sealed FROM channels');
    expect(row.config_sealed).not.toContain(EMAIL_PASSWORD);
  });

  it('rejects a bad email config or whitelist with a 400 naming the field, and stores nothing', async () => {
    const cases: [object, RegExp][] = [
      [email({ imapPort: 0 }), /config\.imapPort must be a port number from 1 to 65535/],
      [email({ imapPort: '993' }), /config\.imapPort must be a port number/],
      [email({ smtpPort: 65536 }), /config\.smtpPort must be a port number/],
      [email({ imapHost: 'imap example.com' }), /config\.imapHost must be a host name/],
      [email({ smtpHost: undefined }), /config\.smtpHost is required/],
      [email({ imapSecure: 'yes' }), /config\.imapSecure must be true or false/],
      [email({ password: '' }), /config\.password is required/],
      [email({ fromAddress: 'not-an-address' }), /config\.fromAddress must be an email address/],
      [email({ botToken: 'x' }), /config\.botToken is not an email setting/],
      [email({}, { allowedSenders: ['1001'] }), /allowedSenders\.0 must be an email address .* \(got "1001"\)/],
    ];
    for (const [body, message] of cases) {
      const res = await api().post('/api/channels', body).expect(400);
      expect(String(res.body.message)).toMatch(message);
      expect(JSON.stringify(res.body)).not.toContain(EMAIL_PASSWORD);
    }
    expect(await count()).toBe(0);
    const id = (await api().post('/api/channels', email()).expect(201)).body.id as string;
    const bad = await api()
      .put(`/api/channels/${id}`, { config: { smtpPort: -1 } })
      .expect(400);
    expect(bad.body.message).toMatch(/config\.smtpPort must be a port number/);
    expect((await api().get(`/api/channels/${id}`)).body.config.smtpPort).toBe(465);
  });

  it('answers 404 for unknown channels', async () => {
    const id = randomUUID();
    await api().get(`/api/channels/${id}`).expect(404);
    await api().put(`/api/channels/${id}`, { name: 'x' }).expect(404);
    await api().delete(`/api/channels/${id}`).expect(404);
    await api().get(`/api/channels/${id}/messages`).expect(404);
    const group = (await api().get('/api/agent-groups')).body[0];
    await api().post(`/api/agent-groups/${group.id}/assign/${id}`, {}).expect(404);
  });
});

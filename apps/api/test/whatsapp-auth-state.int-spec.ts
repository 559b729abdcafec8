/**
 * The WhatsApp session (Baileys' AuthenticationState) in the channel's encrypted adapter store,
 * against the real databases: a SQLite file and PostgreSQL, both with the gateway's migrations.
 */
import { type AuthenticationCreds, proto } from '@whiskeysockets/baileys';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AdapterStateStore } from '../src/channels/adapter-state.store.js';
import { signalKey, useStoredAuthState } from '../src/channels/whatsapp/whatsapp-auth-state.js';
import { createTestDatabase } from './postgres.js';
import { setupAdmin, startTestApp, type TestApp } from './test-app.js';

const databases: [string, () => Promise<{ env: Record<string, string>; drop(): Promise<void> }>][] = [
  ['SQLite file', async () => ({ env: {}, drop: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const database = await createTestDatabase();
      return { env: { DATABASE_URL: database.url }, drop: () => database.drop() };
    },
  ],
];

describe.each(databases)('WhatsApp auth state on %s', (_name, database) => {
  let gw: TestApp;
  let drop: () => Promise<void>;
  let channelId: string;
  let otherChannelId: string;

  beforeAll(async () => {
    const db = await database();
    drop = db.drop;
    gw = await startTestApp(db.env);
    const token = await setupAdmin(gw.url);
    // Disabled: the store is exercised directly, no adapter runs.
    const create = async (name: string) =>
      (
        await request(gw.url)
          .post('/api/channels')
          .set('Authorization', `Bearer ${token}`)
          .send({ type: 'whatsapp', name, config: {}, enabled: false })
          .expect(201)
      ).body.id as string;
    channelId = await create('Phone');
    otherChannelId = await create('Other phone');
  });
  afterAll(async () => {
    await gw.close();
    await drop();
  });

  const store = (id = channelId) => gw.app.get(AdapterStateStore).forChannel(id);
  const rawRows = async (id = channelId) =>
    (await gw.app
      .get(DataSource)
      .query(
        gw.config.databaseUrl
          ? 'SELECT key, value_sealed FROM channel_adapter_state WHERE channel_id = $1 ORDER BY key'
          : 'SELECT key, value_sealed FROM channel_adapter_state WHERE channel_id = ? ORDER BY key',
        [id],
      )) as { key: string; value_sealed: string }[];

  it('starts fresh, then round-trips the credentials with their Buffers, sealed at rest', async () => {
    const fresh = await useStoredAuthState(store());
    expect(fresh.restored).toBe(false);
    expect(fresh.state.creds.registered).toBe(false);
    expect(Buffer.isBuffer(fresh.state.creds.noiseKey.private)).toBe(true);

    const creds = fresh.state.creds as AuthenticationCreds;
    creds.me = { id: '4915550001:7@s.whatsapp.net', name: 'Support' };
    creds.registered = true;
    creds.routingInfo = Buffer.from([0, 1, 2, 250, 255]);
    await fresh.saveCreds();

    const again = await useStoredAuthState(store());
    expect(again.restored).toBe(true);
    expect(again.state.creds).toEqual(creds);
    expect(Buffer.isBuffer(again.state.creds.signedIdentityKey.public)).toBe(true);
    expect(Buffer.from(again.state.creds.noiseKey.private).equals(Buffer.from(creds.noiseKey.private))).toBe(true);
    expect(again.state.creds.routingInfo).toEqual(Buffer.from([0, 1, 2, 250, 255]));

    const [row] = await rawRows();
    expect(row!.key).toBe('creds');
    for (const plain of ['4915550001', 'noiseKey', 'Support', Buffer.from(creds.noiseKey.private).toString('base64')]) {
      expect(row!.value_sealed).not.toContain(plain);
    }
    // The last write wins even when saves overlap.
    again.state.creds.me = { id: '4915550001:7@s.whatsapp.net', name: 'First' };
    const firstSave = again.saveCreds();
    again.state.creds.me = { id: '4915550001:7@s.whatsapp.net', name: 'Second' };
    await Promise.all([firstSave, again.saveCreds()]);
    expect((await useStoredAuthState(store())).state.creds.me?.name).toBe('Second');
  });

  it('sets, gets and deletes Signal keys in batches, keeping Buffers and app-state keys as Baileys expects', async () => {
    const { state } = await useStoredAuthState(store());
    const preKey = { public: Buffer.from('pre public'), private: Buffer.from('pre private') };
    const longId = `${'120363040000000001@g.us'}::${'4917012345678'.repeat(20)}::0`;
    await state.keys.set({
      'pre-key': { '1': preKey, '2': preKey },
      session: { '4917012345678.0': Buffer.from('session one'), [longId]: Buffer.from('long one') },
      'app-state-sync-key': { AAAA: { keyData: Buffer.from('app state key'), timestamp: 1_700_000_000 } },
      'sender-key-memory': { '120363040000000001@g.us': { '4917012345678:0@s.whatsapp.net': true } },
    });

    expect(await state.keys.get('pre-key', ['1', '2', '3'])).toEqual({ '1': preKey, '2': preKey });
    expect(await state.keys.get('session', ['4917012345678.0', longId])).toEqual({
      '4917012345678.0': Buffer.from('session one'),
      [longId]: Buffer.from('long one'),
    });
    const { AAAA: appKey } = await state.keys.get('app-state-sync-key', ['AAAA']);
    expect(appKey).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(appKey!.keyData!).toString()).toBe('app state key');
    expect(await state.keys.get('sender-key-memory', ['120363040000000001@g.us'])).toEqual({
      '120363040000000001@g.us': { '4917012345678:0@s.whatsapp.net': true },
    });

    // A null deletes; the rest of the batch is written in the same transaction.
    await state.keys.set({ 'pre-key': { '1': null }, session: { '4917012345678.1': Buffer.from('session two') } });
    expect(await state.keys.get('pre-key', ['1', '2'])).toEqual({ '2': preKey });
    expect(Object.keys(await state.keys.get('session', ['4917012345678.0', '4917012345678.1']))).toEqual([
      '4917012345678.0',
      '4917012345678.1',
    ]);

    const keys = (await rawRows()).map((r) => r.key);
    expect(keys).toContain(signalKey('session', longId));
    expect(signalKey('session', longId).length).toBeLessThanOrEqual(200);
    expect(keys).not.toContain('pre-key-1');
    for (const row of await rawRows()) expect(row.value_sealed).not.toMatch(/session one|pre private|app state key/);
    // Another channel's store sees none of it.
    expect(await (await useStoredAuthState(store(otherChannelId))).state.keys.get('pre-key', ['2'])).toEqual({});
  });

  it('clear forgets the whole session: the next start is a fresh one', async () => {
    expect((await rawRows()).length).toBeGreaterThan(0);
    await store().clear();
    expect(await rawRows()).toEqual([]);
    const fresh = await useStoredAuthState(store());
    expect(fresh.restored).toBe(false);
    expect(fresh.state.creds.me).toBeUndefined();
    expect(await fresh.state.keys.get('pre-key', ['2'])).toEqual({});
  });
});

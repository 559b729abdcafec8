import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { FakeMattermost, LocalClaude, type MattermostPost } from '@loop-gateway/testing';
import { MattermostAdapterFactory } from '../src/channels/mattermost/mattermost.factory.js';
import { startGateway } from './pipeline-harness.js';
import { waitUntil } from './wait.js';
import { RecordingSocket } from './ws-client.js';

describe('Mattermost channel against a fake Mattermost server (REST v4 + WebSocket)', () => {
  let claude: LocalClaude;
  let mattermost: FakeMattermost;
  let bot: { user: { id: string; username: string }; token: string };

  beforeAll(async () => {
    claude = await LocalClaude.start();
  });
  afterAll(async () => {
    await claude.stop();
  });
  beforeEach(async () => {
    claude.reset();
    mattermost = await FakeMattermost.start();
    bot = mattermost.addBot('loopbot');
  });
  afterEach(async () => {
    await mattermost.stop();
  });

  /** The bot's posts in a channel, oldest first. */
  const botPosts = (channelId: string): MattermostPost[] =>
    mattermost.postsIn(channelId).filter((post) => post.user_id === bot.user.id);

  /** `config` may be made from the gateway's address (for `gatewayUrl`). */
  async function startWithChannel(
    extra: object = {},
    config: object | ((gatewayUrl: string) => object) = {},
    dataDir?: string,
  ) {
    const harness = await startGateway(claude, {}, { dataDir });
    harness.gw.app.get(MattermostAdapterFactory).options = { pingIntervalMs: 200, pongTimeoutMs: 400 };
    const api = {
      get: (path: string) => request(harness.gw.url).get(path).set(harness.auth),
      post: (path: string, body: object) => request(harness.gw.url).post(path).set(harness.auth).send(body),
    };
    const created = dataDir
      ? { body: (await api.get('/api/channels').expect(200)).body[0] }
      : await api
          .post('/api/channels', {
            type: 'mattermost',
            name: 'Team chat',
            config: {
              serverUrl: mattermost.url,
              botToken: bot.token,
              ...(typeof config === 'function' ? config(harness.gw.url) : config),
            },
            ...extra,
          })
          .expect(201);
    const channelId = created.body.id as string;
    const channel = await waitUntil('the channel to connect', async () => {
      const body = (await api.get(`/api/channels/${channelId}`).expect(200)).body;
      return body.state === 'connected' ? body : null;
    });
    const messages = async () =>
      (await api.get(`/api/channels/${channelId}/messages?limit=50`).expect(200)).body as Record<string, unknown>[];
    return { ...harness, api, created: created.body, channel, channelId, messages };
  }

  it('answers a direct message, keeps the token write-only and injects the Mattermost style', async () => {
    const alice = mattermost.addUser('alice', { firstName: 'Alice' });
    const { gw, token, created, channel, channelId, messages } = await startWithChannel({ allowedSenders: ['@Alice'] });
    try {
      expect(channel).toMatchObject({
        state: 'connected',
        account: '@loopbot',
        error: null,
        allowedSenders: ['alice'],
      });
      expect(created.config).toEqual({ serverUrl: mattermost.url, hasBotToken: true, team: null, gatewayUrl: null });
      expect(JSON.stringify(created)).not.toContain(bot.token);
      const socket = new RecordingSocket(gw.url.replace('http', 'ws') + '/ws');
      await socket.opened();
      socket.send({ type: 'auth', token });
      await socket.waitFor((m) => m.type === 'ready');

      const dm = mattermost.directChannel(alice.id, bot.user.id);
      claude.script({ text: 'Hello Alice, how can I help?' });
      mattermost.userPosts(alice.id, dm.id, 'Hi there');
      const [reply] = await waitUntil('the reply', () => botPosts(dm.id).length > 0 && botPosts(dm.id));
      expect(reply).toMatchObject({ message: 'Hello Alice, how can I help?', root_id: '' });
      expect(mattermost.typing.some((t) => t.userId === bot.user.id && t.channelId === dm.id)).toBe(true);

      const stored = await waitUntil('the message to be answered', async () => {
        const [m] = await messages();
        return m?.status === 'answered' ? m : null;
      });
      expect(stored).toMatchObject({ chatId: dm.id, sender: alice.id, senderName: 'Alice (@alice)', text: 'Hi there' });
      const system = JSON.stringify(claude.requests[0]!.body.system);
      expect(system).toContain('<channel_context channel=\\"mattermost\\">');
      expect(system).toContain('<untrusted_channel channel=\\"mattermost\\">');
      const incoming = await socket.waitFor((m) => m.type === 'event' && m.event === 'message:incoming');
      expect(incoming).toMatchObject({ payload: { channelId, channelType: 'mattermost', text: 'Hi there' } });

      // The next DM continues the conversation.
      claude.script({ text: 'It is sunny.' });
      mattermost.userPosts(alice.id, dm.id, 'And the weather?');
      await waitUntil('the second reply', () => botPosts(dm.id).length === 2);
      expect((claude.requests[1]!.body.messages as { role: string }[]).map((t) => t.role)).toEqual([
        'user',
        'assistant',
        'user',
      ]);
      socket.close();
    } finally {
      await gw.close();
    }
  });

  it('in a channel answers a mention in its thread, then the rest of that thread, and ignores other chatter and bots', async () => {
    const alice = mattermost.addUser('alice');
    const bob = mattermost.addUser('bob');
    const otherBot = mattermost.addBot('otherbot');
    const dave = mattermost.addUser('dave');
    const town = mattermost.openChannel('town-square', [alice.id, bob.id, dave.id, bot.user.id, otherBot.user.id]);
    const { gw, messages } = await startWithChannel({ allowedSenders: [alice.id, 'bob'] });
    try {
      mattermost.userPosts(bob.id, town.id, 'Lunch at noon?');
      claude.script({ text: 'The deploy is green.' });
      const question = mattermost.userPosts(alice.id, town.id, '@loopbot how is the deploy?');
      const [answer] = await waitUntil('the answer', () => botPosts(town.id).length === 1 && botPosts(town.id));
      expect(answer).toMatchObject({ message: 'The deploy is green.', root_id: question.id });

      // A follow-up in the thread needs no mention, also from another person of the whitelist.
      claude.script({ text: 'Yes, all regions.' });
      mattermost.userPosts(bob.id, town.id, 'All regions?', question.id);
      const followUp = await waitUntil(
        'the follow-up answer',
        () => botPosts(town.id).length === 2 && botPosts(town.id)[1],
      );
      expect(followUp).toMatchObject({ message: 'Yes, all regions.', root_id: question.id });
      // The thread is one conversation: the model saw the first exchange.
      expect(claude.requests[1]!.body.messages).toHaveLength(3);

      // Another bot's post, even mentioning the bot, is not answered; the next real mention is.
      mattermost.userPosts(otherBot.user.id, town.id, '@loopbot ping from a bot');
      claude.script({ text: 'Second thread.' });
      mattermost.userPosts(alice.id, town.id, 'hey @loopbot, new topic');
      await waitUntil('the third answer', () => botPosts(town.id).length === 3);
      // Someone off the whitelist (neither id nor username listed) is recorded and not answered.
      mattermost.userPosts(dave.id, town.id, '@loopbot let me in');
      const dropped = await waitUntil('the stranger’s post to be dropped', async () =>
        (await messages()).find((m) => m.status === 'dropped'),
      );
      expect(dropped).toMatchObject({ sender: dave.id, text: 'let me in' });
      const stored = (await messages()).filter((m) => m.status !== 'dropped');
      expect(stored.map((m) => m.text).sort()).toEqual(
        ['All regions?', 'how is the deploy?', 'hey , new topic'].sort(),
      );
      expect(claude.requests).toHaveLength(3);
    } finally {
      await gw.close();
    }
  });

  it('splits a long reply below the post limit at paragraph boundaries', async () => {
    const alice = mattermost.addUser('alice');
    const { gw } = await startWithChannel();
    try {
      const paragraph = (n: number) =>
        `Paragraph ${n}. ` + 'All work and no play makes a dull bot. '.repeat(100).trim();
      const long = Array.from({ length: 12 }, (_, i) => paragraph(i + 1)).join('\n\n');
      expect(long.length).toBeGreaterThan(40_000);
      claude.script({ text: long });
      const dm = mattermost.directChannel(alice.id, bot.user.id);
      mattermost.userPosts(alice.id, dm.id, 'Tell me a long story');
      const parts = await waitUntil('the whole story', () => {
        const posts = botPosts(dm.id);
        return posts.map((p) => p.message).join('\n\n') === long && posts;
      });
      expect(parts.length).toBeGreaterThanOrEqual(3);
      for (const part of parts) {
        expect(part.message.length).toBeLessThanOrEqual(16_383);
        expect(part.message).toMatch(/^Paragraph \d+\./);
      }
    } finally {
      await gw.close();
    }
  });

  it('reconnects after the server drops the socket and answers what was posted meanwhile', async () => {
    const alice = mattermost.addUser('alice');
    const { gw } = await startWithChannel();
    try {
      const dm = mattermost.directChannel(alice.id, bot.user.id);
      claude.script({ text: 'First answer.' });
      mattermost.userPosts(alice.id, dm.id, 'First question');
      await waitUntil('the first answer', () => botPosts(dm.id).length === 1);
      expect(mattermost.authenticatedConnections).toBe(1);

      mattermost.dropSockets();
      // Posted while no socket is open: no event reaches the bot for it.
      claude.script({ text: 'Second answer.' });
      mattermost.userPosts(alice.id, dm.id, 'Posted while you were away');
      await waitUntil('the missed post to be answered', () => botPosts(dm.id).length === 2);
      expect(botPosts(dm.id)[1]!.message).toBe('Second answer.');
      expect(mattermost.openConnections).toBe(1);

      // The new connection carries on: a live post is answered once.
      claude.script({ text: 'Third answer.' });
      mattermost.userPosts(alice.id, dm.id, 'Still there?');
      await waitUntil('the third answer', () => botPosts(dm.id).length === 3);
      expect(claude.requests).toHaveLength(3);
      expect(mattermost.authenticatedConnections).toBe(2);
    } finally {
      await gw.close();
    }
  });

  it('answers what was posted while the gateway was down, and nothing twice', async () => {
    const alice = mattermost.addUser('alice');
    const first = await startWithChannel();
    const dm = mattermost.directChannel(alice.id, bot.user.id);
    claude.script({ text: 'Answered once.' });
    mattermost.userPosts(alice.id, dm.id, 'Before the restart');
    await waitUntil('the first answer', () => botPosts(dm.id).length === 1);
    await waitUntil('the answer to be recorded', async () => (await first.messages())[0]?.status === 'answered');
    await first.gw.close({ keepData: true });

    mattermost.userPosts(alice.id, dm.id, 'While you were down');
    claude.script({ text: 'Caught up.' });
    const second = await startWithChannel({}, {}, first.gw.dataDir);
    try {
      await waitUntil('the missed post to be answered', () => botPosts(dm.id).length === 2);
      claude.script({ text: 'Live again.' });
      mattermost.userPosts(alice.id, dm.id, 'Live post');
      await waitUntil('the live answer', () => botPosts(dm.id).length === 3);
      expect(botPosts(dm.id).map((p) => p.message)).toEqual(['Answered once.', 'Caught up.', 'Live again.']);
      expect(claude.requests).toHaveLength(3);
    } finally {
      await second.gw.close();
    }
  });

  it('treats a socket that stops answering pings as dead and reconnects', async () => {
    const alice = mattermost.addUser('alice');
    const { gw } = await startWithChannel();
    try {
      const dm = mattermost.directChannel(alice.id, bot.user.id);
      mattermost.silenceSockets();
      claude.script({ text: 'Still here.' });
      mattermost.userPosts(alice.id, dm.id, 'Are you there?'); // not delivered on the silent socket
      await waitUntil('a new connection', () => mattermost.authenticatedConnections === 2);
      await waitUntil('the answer after the reconnect', () => botPosts(dm.id).length === 1);
      expect(botPosts(dm.id)[0]!.message).toBe('Still here.');
    } finally {
      await gw.close();
    }
  });

  it('tests the connection: the bot and team when they answer, the reason when not', async () => {
    const { gw, api, channelId } = await startWithChannel({}, { team: 'acme' });
    try {
      const host = new URL(mattermost.url).host;
      expect((await api.post(`/api/channels/${channelId}/test`, {}).expect(200)).body).toMatchObject({
        ok: true,
        message: `Mattermost (${host}) answered and took the token: the bot is @loopbot in team acme.`,
      });
      mattermost.revokeToken(bot.token);
      const revoked = await api.post(`/api/channels/${channelId}/test`, {}).expect(200);
      expect(revoked.body.ok).toBe(false);
      expect(revoked.body.message).toMatch(/^Mattermost rejected the bot token \(401 /);
      await mattermost.stop();
      const down = await api.post(`/api/channels/${channelId}/test`, {}).expect(200);
      expect(down.body).toMatchObject({
        ok: false,
        message: `Mattermost (${host}) refused the connection: nothing listens on that port`,
      });
    } finally {
      await gw.close();
      mattermost = await FakeMattermost.start(); // afterEach stops it
    }
  });

  it('puts the channel in error when the token is rejected or revoked, without retrying', async () => {
    const { gw, api, channelId } = await startWithChannel();
    try {
      mattermost.revokeToken(bot.token);
      const failed = await waitUntil('the channel to fail', async () => {
        const body = (await api.get(`/api/channels/${channelId}`).expect(200)).body;
        return body.state === 'error' && /rejected/.test(body.error) ? body : null;
      });
      expect(failed.error).toMatch(/Mattermost rejected the bot token \(401 Invalid or expired session/);
      expect(mattermost.openConnections).toBe(0);
      // One look at the token after the socket dropped, then no more tries: no retry storm.
      expect(mattermost.requests.filter((r) => r === 'GET /api/v4/users/me')).toHaveLength(2);

      const bad = await api
        .post('/api/channels', {
          type: 'mattermost',
          name: 'Wrong token',
          config: { serverUrl: mattermost.url, botToken: 'x'.repeat(26) },
        })
        .expect(201);
      const rejected = await waitUntil('the second channel to fail', async () => {
        const body = (await api.get(`/api/channels/${bad.body.id as string}`).expect(200)).body;
        return body.state === 'error' ? body : null;
      });
      expect(rejected.error).toMatch(/rejected the bot token/);
      expect(mattermost.requests.filter((r) => r === 'GET /api/v4/users/me')).toHaveLength(3);
    } finally {
      await gw.close();
    }
  });

  it('takes @bot and ! commands: status, approvals decided by an approver of the approvals chat, refusals', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'lg-mm-approve-'));
    const alice = mattermost.addUser('alice', { firstName: 'Alice' });
    const carol = mattermost.addUser('carol', { firstName: 'Carol' });
    const town = mattermost.openChannel('town-square', [alice.id, carol.id, bot.user.id]);
    // Carol approves by username, in the approvals chat: she hears of every held call.
    const { gw, api, channelId } = await startWithChannel({ approvers: ['@carol'], approvalsChat: true });
    try {
      const texts = (channelId: string) => botPosts(channelId).map((p) => p.message);
      const marker = join(scratch, 'made');
      claude.script(
        { toolUse: { name: 'run_script', input: { language: 'bash', script: `touch ${marker}` } } },
        { text: 'Rejected, so I did not make it.' },
      );
      const question = mattermost.userPosts(alice.id, town.id, '@loopbot make the file');
      const carolDm = await waitUntil('the DM to Carol', () =>
        [...mattermost.channels.values()].find((c) => c.type === 'D' && c.members.includes(carol.id)),
      );
      const [notice] = await waitUntil(
        'the approver’s notice',
        () => texts(carolDm.id).length > 0 && texts(carolDm.id),
      );
      const shortId = /Approval needed \(id ([0-9a-f]{8})\)/.exec(notice!)![1]!;
      expect(notice).toContain('the agent wants to use run_script');
      // The sender hears, in the thread, that it waits.
      await waitUntil('the waiting notice', () =>
        botPosts(town.id).some((p) => p.root_id === question.id && p.message.startsWith('Waiting for approval')),
      );

      // `!status` in the thread and `@loopbot status` in a DM work where a leading / cannot.
      mattermost.userPosts(alice.id, town.id, '!status', question.id);
      await waitUntil('the status', () =>
        texts(town.id).includes(`“make the file” is waiting for approval of run_script (id ${shortId}).`),
      );
      const aliceDm = mattermost.directChannel(alice.id, bot.user.id);
      mattermost.userPosts(alice.id, aliceDm.id, '@loopbot help');
      await waitUntil('the help', () => texts(aliceDm.id).some((t) => t.startsWith('Commands')));

      // Alice is no approver.
      mattermost.userPosts(alice.id, aliceDm.id, `@loopbot approve ${shortId}`);
      await waitUntil('the refusal', () => texts(aliceDm.id).some((t) => t.startsWith('Only the approvers')));
      expect((await api.get('/api/approvals?status=pending').expect(200)).body).toHaveLength(1);

      mattermost.userPosts(carol.id, carolDm.id, `@loopbot reject ${shortId} not today`);
      await waitUntil('the confirmation', () =>
        texts(carolDm.id).includes(`Rejected run_script (id ${shortId}): the agent is told it was rejected.`),
      );
      await waitUntil('the answer in the thread', () => texts(town.id).includes('Rejected, so I did not make it.'));
      expect(existsSync(marker)).toBe(false);
      const [decided] = (await api.get('/api/approvals?status=rejected').expect(200)).body;
      expect(decided).toMatchObject({ decidedBy: 'Carol (@carol)', decidedChannelId: channelId, comment: 'not today' });
    } finally {
      await gw.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('offers Approve/Reject buttons Mattermost calls back, registers slash commands, and refuses forged calls', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'lg-mm-buttons-'));
    const alice = mattermost.addUser('alice', { firstName: 'Alice' });
    const carol = mattermost.addUser('carol', { firstName: 'Carol' });
    const town = mattermost.openChannel('town-square', [alice.id, carol.id, bot.user.id]);
    const { gw, api, channelId, channel } = await startWithChannel(
      { allowedSenders: ['alice'], approvers: ['@carol'] },
      (gatewayUrl) => ({ gatewayUrl }),
    );
    try {
      expect(channel.config).toMatchObject({ gatewayUrl: gw.url, hasBotToken: true });
      const texts = (chatId: string) => botPosts(chatId).map((p) => p.message);
      // The chat commands became the team's slash commands, except Mattermost's own /help and /status.
      const commandsUrl = `${gw.url}/webhook/mattermost/${channelId}/commands`;
      expect(mattermost.commands.map((c) => c.trigger).sort()).toEqual(['approve', 'new', 'reject', 'reset']);
      expect(mattermost.commands.every((c) => c.url === commandsUrl && c.creator_id === bot.user.id)).toBe(true);

      const marker = join(scratch, 'made');
      claude.script(
        { toolUse: { name: 'run_script', input: { language: 'bash', script: `touch ${marker}` } } },
        { text: 'Made it.' },
      );
      const question = mattermost.userPosts(alice.id, town.id, '@loopbot make the file');
      const carolDm = await waitUntil('the DM to Carol', () =>
        [...mattermost.channels.values()].find((c) => c.type === 'D' && c.members.includes(carol.id)),
      );
      const [notice] = await waitUntil(
        'the approver’s notice',
        () => botPosts(carolDm.id).length > 0 && botPosts(carolDm.id),
      );
      const shortId = /Approval needed \(id ([0-9a-f]{8})\)/.exec(notice!.message)![1]!;
      const actions = (notice!.props.attachments as { actions: Record<string, unknown>[] }[])[0]!.actions;
      expect(actions.map((a) => [a.id, a.name])).toEqual([
        ['approve', 'Approve'],
        ['reject', 'Reject'],
      ]);
      const actionsUrl = `${gw.url}/webhook/mattermost/${channelId}/actions`;
      expect(actions.every((a) => (a.integration as { url: string }).url === actionsUrl)).toBe(true);
      await waitUntil('the waiting notice', () =>
        botPosts(town.id).some((p) => p.root_id === question.id && p.message.startsWith('Waiting for approval')),
      );

      // Alice (no approver) runs the registered slash command: refused, nothing changes.
      const refused = await mattermost.runSlashCommand(alice.id, town.id, `/approve ${shortId}`);
      expect(refused.status).toBe(200);
      await waitUntil('the refusal', () => texts(town.id).some((t) => t.startsWith('Only the approvers')));

      // Calls that do not come from the Mattermost server are refused.
      const signature = (actions[0]!.integration as { context: { signature: string } }).context.signature;
      const forged = [
        { context: { command: `/approve ${shortId}`, signature: 'x'.repeat(43) } },
        { context: { command: `/approve ${shortId}`, signature }, channel_id: town.id }, // another channel
        { context: { command: `/approve ${shortId} `, signature } },
      ];
      for (const call of forged) {
        await request(gw.url)
          .post(`/webhook/mattermost/${channelId}/actions`)
          .send({ user_id: carol.id, channel_id: carolDm.id, post_id: notice!.id, ...call })
          .expect(401);
      }
      await request(gw.url)
        .post(`/webhook/mattermost/${channelId}/commands`)
        .type('form')
        .send({
          token: 'a'.repeat(26),
          team_id: mattermost.teamId,
          channel_id: town.id,
          user_id: carol.id,
          command: '/approve',
          text: shortId,
        })
        .expect(401);
      expect((await api.get('/api/approvals?status=pending').expect(200)).body).toHaveLength(1);
      expect(existsSync(marker)).toBe(false);

      // Carol presses Approve: the server posts the button's context back to the gateway.
      expect((await mattermost.pressButton(carol.id, notice!.id, 'approve')).status).toBe(200);
      await waitUntil('the confirmation', () =>
        texts(carolDm.id).includes(`Approved run_script (id ${shortId}): the run goes on.`),
      );
      await waitUntil('the answer in the thread', () => texts(town.id).includes('Made it.'));
      expect(existsSync(marker)).toBe(true);
      const [decided] = (await api.get('/api/approvals?status=approved').expect(200)).body;
      expect(decided).toMatchObject({ decidedBy: 'Carol (@carol)', decidedChannelId: channelId });

      // Decided: the notice's buttons are gone, and it says who decided.
      const closed = await waitUntil('the buttons taken off', () => {
        const post = mattermost.posts.find((p) => p.id === notice!.id)!;
        return JSON.stringify(post.props).includes('Approved by') && post;
      });
      expect(closed.props).toEqual({ attachments: [{ text: 'Approved by Carol (@carol).' }] });
      expect(closed.message).toBe(notice!.message);

      // A press of Reject made before the buttons went (it arrives afterwards) says how it was decided.
      await request(gw.url)
        .post(`/webhook/mattermost/${channelId}/actions`)
        .send({
          user_id: carol.id,
          channel_id: carolDm.id,
          post_id: notice!.id,
          trigger_id: 'late-press',
          context: (actions[1]!.integration as { context: object }).context,
        })
        .expect(200);
      await waitUntil('the late press answered', () =>
        texts(carolDm.id).some((t) =>
          t.startsWith(`Approval ${decided.id as string} was already approved by Carol (@carol)`),
        ),
      );
      expect(claude.requests).toHaveLength(2);
    } finally {
      await gw.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('registers no slash commands where the bot may not; the ! and @bot forms still work', async () => {
    mattermost.botsMayManageCommands = false;
    const alice = mattermost.addUser('alice');
    const { gw, channel } = await startWithChannel({}, (gatewayUrl) => ({ gatewayUrl }));
    try {
      expect(channel.state).toBe('connected');
      expect(mattermost.commands).toEqual([]);
      const dm = mattermost.directChannel(alice.id, bot.user.id);
      mattermost.userPosts(alice.id, dm.id, '!help');
      await waitUntil('the help', () => botPosts(dm.id).some((p) => p.message.startsWith('Commands')));
      mattermost.userPosts(alice.id, dm.id, '@loopbot status');
      await waitUntil('the status', () => botPosts(dm.id).some((p) => p.message.startsWith('Nothing is under way')));
      expect(claude.requests).toHaveLength(0);
    } finally {
      await gw.close();
    }
  });

  it('reuses its slash commands after a restart and points them at the gateway’s new address', async () => {
    const alice = mattermost.addUser('alice');
    const first = await startWithChannel({}, (gatewayUrl) => ({ gatewayUrl }));
    const ids = mattermost.commands.map((c) => c.id).sort();
    expect(ids).toHaveLength(4);
    await first.gw.close({ keepData: true });

    // The stored address is the old one: the commands are reused as they are, none added.
    const second = await startWithChannel({}, {}, first.gw.dataDir);
    try {
      expect(mattermost.commands.map((c) => c.id).sort()).toEqual(ids);
      await request(second.gw.url)
        .put(`/api/channels/${second.channelId}`)
        .set(second.auth)
        .send({ config: { gatewayUrl: second.gw.url } })
        .expect(200);
      const url = `${second.gw.url}/webhook/mattermost/${second.channelId}/commands`;
      await waitUntil('the commands to point at the new address', () =>
        mattermost.commands.every((c) => c.url === url),
      );
      expect(mattermost.commands.map((c) => c.id).sort()).toEqual(ids);
      await waitUntil('the channel to connect again', async () => {
        const body = (await second.api.get(`/api/channels/${second.channelId}`).expect(200)).body;
        return body.state === 'connected';
      });

      const dm = mattermost.directChannel(alice.id, bot.user.id);
      expect((await mattermost.runSlashCommand(alice.id, dm.id, '/new')).status).toBe(200);
      await waitUntil('the confirmation', () =>
        botPosts(dm.id).some((p) => p.message.startsWith('Started a new conversation')),
      );
      expect(claude.requests).toHaveLength(0);

      // Deleting the channel takes its commands off the server; another integration's stay.
      const other = { ...mattermost.commands[0]!, id: 'othercommand0000000000000', creator_id: alice.id };
      mattermost.commands.push({ ...other, trigger: 'deploy', url: 'http://elsewhere.example/deploy' });
      await request(second.gw.url).delete(`/api/channels/${second.channelId}`).set(second.auth).expect(204);
      expect(mattermost.commands.map((c) => c.trigger)).toEqual(['deploy']);
    } finally {
      await second.gw.close();
    }
  });

  it('/status names the message being worked on and the one queued behind it', async () => {
    const alice = mattermost.addUser('alice');
    const { gw, messages } = await startWithChannel();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    claude.respondWith(async () => {
      await released;
      return { text: 'Done.' };
    });
    try {
      const dm = mattermost.directChannel(alice.id, bot.user.id);
      mattermost.userPosts(alice.id, dm.id, 'First question');
      await waitUntil('the model to be asked', () => claude.requests.length === 1);
      mattermost.userPosts(alice.id, dm.id, 'Second question');
      await waitUntil('the second run to be queued', async () =>
        (await messages()).some((m) => m.text === 'Second question' && m.runId),
      );
      mattermost.userPosts(alice.id, dm.id, '!status');
      const status = await waitUntil('the status', () =>
        botPosts(dm.id).find((p) => p.message.startsWith('Working on')),
      );
      expect(status.message).toBe('Working on “First question”.\n“Second question” is queued (position 1 in line).');
      release();
      await waitUntil('both answers', () => botPosts(dm.id).filter((p) => p.message === 'Done.').length === 2);
    } finally {
      release();
      await gw.close();
    }
  });

  it('refuses bad settings with a 400 naming the field', async () => {
    const { gw, auth } = await startGateway(claude);
    const api = { post: (path: string, body: object) => request(gw.url).post(path).set(auth).send(body) };
    try {
      const cases: [object, RegExp][] = [
        [{ botToken: bot.token }, /config\.serverUrl is required/],
        [{ serverUrl: 'ftp://chat', botToken: bot.token }, /config\.serverUrl must be/],
        [{ serverUrl: mattermost.url }, /config\.botToken is required/],
        [{ serverUrl: mattermost.url, botToken: 'no spaces allowed' }, /config\.botToken must be/],
        [
          { serverUrl: mattermost.url, botToken: bot.token, apiRoot: 'x' },
          /config\.apiRoot is not a Mattermost setting/,
        ],
        [{ serverUrl: mattermost.url, botToken: bot.token, gatewayUrl: 'gateway.local' }, /config\.gatewayUrl must be/],
      ];
      for (const [config, message] of cases) {
        const res = await api.post('/api/channels', { type: 'mattermost', name: 'Bad', config }).expect(400);
        expect(res.body.message).toMatch(message);
      }
      const sender = await api
        .post('/api/channels', {
          type: 'mattermost',
          name: 'Bad sender',
          config: { serverUrl: mattermost.url, botToken: bot.token },
          allowedSenders: ['not a user!'],
        })
        .expect(400);
      expect(sender.body.message).toMatch(/allowedSenders\.0 must be a Mattermost user id/);
      // Nothing was stored half-way.
      expect((await request(gw.url).get('/api/channels').set(auth).expect(200)).body).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});

import { TestBed } from '@angular/core/testing';
import type { ChannelMessageResponseDto, ChannelResponseDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { agentGroup } from '../../testing/fixtures';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { ChannelsPage } from './channels.page';

const ID = 'c1c1c1c1-1111-4222-8333-444455556666';
const TOKEN = '123456789:AAE' + 'x'.repeat(32);

function channel(overrides: Partial<ChannelResponseDto> = {}): ChannelResponseDto {
  return {
    id: ID,
    type: 'telegram',
    name: 'Support bot',
    config: { hasBotToken: true, apiRoot: 'https://api.telegram.org' },
    allowedSenders: ['1001'],
    approvers: [],
    approvalsChat: false,
    groupId: null,
    enabled: true,
    state: 'connecting',
    error: null,
    account: null,
    qr: null,
    retryAt: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  };
}

function message(overrides: Partial<ChannelMessageResponseDto> = {}): ChannelMessageResponseDto {
  return {
    id: 'm1',
    channelId: ID,
    externalId: '1001:7',
    chatId: '1001',
    threadId: null,
    sender: '1001',
    senderName: 'Alice (@alice)',
    text: 'Hi there',
    status: 'answered',
    reason: null,
    runId: 'r1',
    reply: 'Hello Alice',
    receivedAt: '2026-01-01T10:05:00.000Z',
    answeredAt: '2026-01-01T10:05:02.000Z',
    ...overrides,
  };
}

describe('ChannelsPage', () => {
  let gateway: FakeGateway;
  let channels: ChannelResponseDto[];
  let messages: ChannelMessageResponseDto[];
  let ws: FakeWebSocket;

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
    channels = [
      channel(),
      channel({
        id: 'c2',
        name: 'Team bot',
        allowedSenders: [],
        groupId: 'g1',
        state: 'error',
        error: 'Telegram rejected the bot token (401 Unauthorized)',
      }),
    ];
    messages = [message()];
    gateway.http
      .on('GET /api/channels', () => ({ status: 200, body: channels }))
      .on(`GET /api/channels/${ID}/messages`, () => ({ status: 200, body: messages }))
      .on('GET /api/agent-groups', {
        status: 200,
        body: [agentGroup(), agentGroup({ id: 'g0', name: 'Default', isDefault: true })],
      });
  });

  async function render() {
    TestBed.inject(GatewaySocket).connect('token-1');
    ws = FakeWebSocket.latest();
    ws.open();
    ws.receive({ type: 'ready', userId: 'u1' });
    const fixture = TestBed.createComponent(ChannelsPage);
    const root = fixture.nativeElement as HTMLElement;
    const card = (name: string) => root.querySelector<HTMLElement>(`[data-testid=channel][data-channel="${name}"]`)!;
    const text = (el: ParentNode | null, testId: string) =>
      el?.querySelector(`[data-testid=${testId}]`)?.textContent?.replace(/\s+/g, ' ').trim();
    const click = (el: ParentNode, testId: string) => {
      el.querySelector<HTMLElement>(`[data-testid=${testId}]`)!.click();
      TestBed.tick();
    };
    const until = (check: () => void) =>
      vi.waitFor(() => {
        TestBed.tick();
        check();
      });
    await until(() => expect(root.querySelectorAll('[data-testid=channel]').length).toBe(channels.length));
    return { root, card, text, click, until };
  }

  it('lists channels with their state, group, whitelist and error', async () => {
    const { card, text } = await render();
    expect(text(card('Support bot'), 'channel-state')).toBe('Connecting');
    expect(text(card('Support bot'), 'channel-summary')).toBe('Group Default (default) · 1 allowed sender');
    expect(text(card('Team bot'), 'channel-state')).toBe('Error');
    expect(text(card('Team bot'), 'channel-summary')).toBe('Group Support · anyone may write');
    expect(text(card('Team bot'), 'channel-error')).toContain('401 Unauthorized');
  });

  it('updates state chips live from channel:status events and refreshes open message lists', async () => {
    const { card, text, click, until } = await render();
    ws.receive({
      type: 'event',
      event: 'channel:status',
      payload: { channelId: ID, channelType: 'telegram', state: 'connected', error: null, retryAt: null, qr: null },
      timestamp: '2026-01-01T10:00:01.000Z',
    });
    await until(() => expect(text(card('Support bot'), 'channel-state')).toBe('Connected'));

    click(card('Support bot'), 'channel-messages-toggle');
    await until(() => expect(card('Support bot').querySelectorAll('[data-testid=channel-message]').length).toBe(1));
    const row = card('Support bot').querySelector('[data-testid=channel-message]')!;
    expect(row.textContent).toContain('Alice (@alice)');
    expect(row.textContent).toContain('Hello Alice');
    expect(gateway.http.last(`GET /api/channels/${ID}/messages`)?.query.get('limit')).toBe('20');

    messages = [
      message({ id: 'm2', text: 'Spam', sender: '666', senderName: null, status: 'dropped', runId: null, reply: null }),
      ...messages,
    ];
    ws.receive({
      type: 'event',
      event: 'message:incoming',
      payload: { messageId: 'm2', channelId: ID, channelType: 'telegram', sender: '666', text: 'Spam' },
      timestamp: '2026-01-01T10:06:00.000Z',
    });
    await until(() => expect(card('Support bot').querySelectorAll('[data-testid=channel-message]').length).toBe(2));
    expect(card('Support bot').querySelector('[data-status=dropped]')?.textContent).toContain('Dropped');
  });

  it('shows a channel that is retrying with a countdown, and tests a connection on request', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], now: Date.parse('2026-12-04T10:00:00.000Z') });
    try {
      const unreachable = 'Telegram (api.telegram.org) could not be found (DNS lookup failed)';
      channels[0] = channel({ state: 'retrying', error: unreachable, retryAt: '2026-12-04T10:00:05.000Z' });
      let answer = { ok: false, message: unreachable, durationMs: 12 };
      gateway.http.on(`POST /api/channels/${ID}/test`, () => ({ status: 200, body: answer }));
      const { card, text, click, until } = await render();
      expect(text(card('Support bot'), 'channel-state')).toBe('Retrying in 5 s');
      expect(text(card('Support bot'), 'channel-error')).toBe(
        `${unreachable}. The gateway keeps trying; change the channel if its settings are wrong.`,
      );
      vi.advanceTimersByTime(2000);
      await until(() => expect(text(card('Support bot'), 'channel-state')).toBe('Retrying in 3 s'));
      vi.advanceTimersByTime(4000);
      await until(() => expect(text(card('Support bot'), 'channel-state')).toBe('Retrying now'));

      click(card('Support bot'), 'channel-test');
      await until(() =>
        expect(card('Support bot').querySelector('[data-testid=channel-test-result]')?.getAttribute('data-ok')).toBe(
          'false',
        ),
      );
      expect(text(card('Support bot'), 'channel-test-result')).toBe(unreachable);
      answer = {
        ok: true,
        message: 'Telegram (api.telegram.org) answered and took the bot token: the bot is @bot.',
        durationMs: 40,
      };
      click(card('Support bot'), 'channel-test');
      await until(() => expect(text(card('Support bot'), 'channel-test-result')).toContain('the bot is @bot.'));
      expect(
        gateway.http.requests.filter((r) => r.method === 'POST' && r.path === `/api/channels/${ID}/test`),
      ).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows a viewer the channels without change buttons, and the switch off', async () => {
    gateway.storage.setItem(
      SESSION_STORAGE_KEY,
      JSON.stringify(loginResponse({ user: { id: 'u2', username: 'watcher', role: 'viewer' } })),
    );
    const { root, card, text } = await render();
    expect(text(card('Support bot'), 'channel-state')).toBe('Connecting');
    for (const testId of ['channel-new', 'channel-edit', 'channel-delete', 'channel-test', 'channel-pair']) {
      expect(root.querySelector(`[data-testid=${testId}]`)).toBeNull();
    }
    expect(card('Support bot').querySelector('[data-testid=channel-messages-toggle]')).not.toBeNull();
    expect(card('Support bot').querySelector('[role=switch]')?.hasAttribute('disabled')).toBe(true);
  });

  it('creates a Telegram channel; the token is sent once and never shown', async () => {
    gateway.http.on('POST /api/channels', (request) => {
      const body = request.body as { config: { botToken: string } };
      if (body.config.botToken.endsWith('bad'))
        return { status: 400, body: { statusCode: 400, message: 'config.botToken must be a bot token' } };
      channels = [...channels, channel({ id: 'c3', name: 'New bot', allowedSenders: ['42', '43'], groupId: 'g1' })];
      return { status: 201, body: channels.at(-1) };
    });
    const { root, click, until } = await render();
    click(root, 'channel-new');
    const dialog = document.querySelector<HTMLElement>('lg-channel-dialog')!;
    const fill = (testId: string, value: string) => {
      const input = dialog.querySelector<HTMLInputElement>(`[data-testid=${testId}]`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    fill('channel-name', 'New bot');
    fill('channel-bot-token', TOKEN.slice(0, -3) + 'bad');
    fill('channel-allowed-senders', '42, 43');
    click(dialog, 'channel-save');
    await until(() =>
      expect(document.querySelector('[data-testid=form-error]')?.textContent).toContain('config.botToken'),
    );

    fill('channel-bot-token', TOKEN);
    click(dialog, 'channel-save');
    await until(() => expect(root.querySelectorAll('[data-testid=channel]').length).toBe(3));
    expect(gateway.http.last('POST /api/channels')?.body).toEqual({
      type: 'telegram',
      name: 'New bot',
      config: { apiRoot: null, botToken: TOKEN },
      allowedSenders: ['42', '43'],
      enabled: true,
    });
    expect(root.textContent).not.toContain(TOKEN);
  });

  it('edits a channel keeping its stored token when the field is left empty', async () => {
    gateway.http.on(`PUT /api/channels/${ID}`, () => ({
      status: 200,
      body: channel({ name: 'Helpdesk', groupId: 'g1' }),
    }));
    const { card, click, until } = await render();
    click(card('Support bot'), 'channel-edit');
    const dialog = document.querySelector<HTMLElement>('lg-channel-dialog')!;
    const name = dialog.querySelector<HTMLInputElement>('[data-testid=channel-name]')!;
    expect(dialog.querySelector<HTMLInputElement>('[data-testid=channel-bot-token]')!.value).toBe('');
    expect(dialog.querySelector<HTMLInputElement>('[data-testid=channel-allowed-senders]')!.value).toBe('1001');
    name.value = 'Helpdesk';
    name.dispatchEvent(new Event('input'));
    click(dialog, 'channel-save');
    await until(() => expect(card('Helpdesk')).not.toBeNull());
    expect(gateway.http.last(`PUT /api/channels/${ID}`)?.body).toEqual({
      name: 'Helpdesk',
      config: { apiRoot: null },
      allowedSenders: ['1001'],
      approvers: [],
      approvalsChat: false,
      groupId: null,
      enabled: true,
    });
  });

  describe('email channels', () => {
    const PASSWORD = 'Mail-Secret-Pw';
    const emailChannel = (overrides: Partial<ChannelResponseDto> = {}) =>
      channel({
        id: 'e1',
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
          fromAddress: 'agent@example.com',
          hasPassword: true,
        },
        allowedSenders: ['alice@example.org', '@partner.example'],
        ...overrides,
      });
    const fill = (dialog: HTMLElement, testId: string, value: string) => {
      const input = dialog.querySelector<HTMLInputElement>(`[data-testid=${testId}]`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };

    it('creates an email channel with IMAP and SMTP settings; the password is sent once and never shown', async () => {
      gateway.http.on('POST /api/channels', () => {
        channels = [...channels, emailChannel()];
        return { status: 201, body: channels.at(-1) };
      });
      const { root, click, until } = await render();
      click(root, 'channel-new');
      const dialog = document.querySelector<HTMLElement>('lg-channel-dialog')!;
      dialog.querySelector<HTMLElement>('[data-testid=channel-type] .mat-mdc-select-trigger')!.click();
      TestBed.tick();
      const options = [...document.querySelectorAll<HTMLElement>('mat-option')];
      expect(options.map((o) => [o.textContent?.trim(), o.getAttribute('aria-disabled')])).toEqual([
        ['Telegram', 'false'],
        ['Email (IMAP + SMTP)', 'false'],
        ['WhatsApp', 'false'],
        ['Mattermost', 'false'],
      ]);
      options[1]!.click();
      TestBed.tick();
      // Telegram's fields give way to the mail settings.
      expect(dialog.querySelector('[data-testid=channel-bot-token]')).toBeNull();
      expect(dialog.querySelector('[data-testid=email-imap-host]')).not.toBeNull();

      fill(dialog, 'channel-name', 'Mailbox');
      fill(dialog, 'email-imap-host', 'imap.example.com');
      fill(dialog, 'email-smtp-host', 'smtp.example.com');
      fill(dialog, 'email-username', 'agent@example.com');
      fill(dialog, 'email-from', 'agent@example.com');
      fill(dialog, 'email-allowed-senders', 'alice@example.org, @partner.example');
      fill(dialog, 'email-imap-port', '0');
      click(dialog, 'channel-save');
      // Not sent: the port is out of range and the password is missing.
      expect(gateway.http.last('POST /api/channels')).toBeUndefined();
      expect(dialog.textContent).toContain('1–65535');
      expect(dialog.textContent).toContain('A password is required');

      fill(dialog, 'email-imap-port', '993');
      fill(dialog, 'email-password', PASSWORD);
      click(dialog, 'channel-save');
      await until(() => expect(root.querySelectorAll('[data-testid=channel]').length).toBe(3));
      expect(gateway.http.last('POST /api/channels')?.body).toEqual({
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
          password: PASSWORD,
          fromAddress: 'agent@example.com',
        },
        allowedSenders: ['alice@example.org', '@partner.example'],
        enabled: true,
      });
      expect(root.textContent).not.toContain(PASSWORD);
    });

    it('edits an email channel keeping its stored password when the field is left empty', async () => {
      channels = [...channels, emailChannel()];
      gateway.http.on('PUT /api/channels/e1', () => ({ status: 200, body: emailChannel({ name: 'Support mail' }) }));
      const { card, click, until } = await render();
      click(card('Mailbox'), 'channel-edit');
      const dialog = document.querySelector<HTMLElement>('lg-channel-dialog')!;
      const value = (testId: string) => dialog.querySelector<HTMLInputElement>(`[data-testid=${testId}]`)!.value;
      expect(value('email-imap-host')).toBe('imap.example.com');
      expect(value('email-smtp-port')).toBe('465');
      expect(value('email-password')).toBe('');
      expect(value('email-allowed-senders')).toBe('alice@example.org, @partner.example');
      fill(dialog, 'channel-name', 'Support mail');
      fill(dialog, 'email-smtp-port', '587');
      dialog.querySelector<HTMLElement>('[data-testid=email-smtp-secure] button')!.click();
      click(dialog, 'channel-save');
      await until(() => expect(card('Support mail')).not.toBeNull());
      expect(gateway.http.last('PUT /api/channels/e1')?.body).toEqual({
        name: 'Support mail',
        config: {
          imapHost: 'imap.example.com',
          imapPort: 993,
          imapSecure: true,
          smtpHost: 'smtp.example.com',
          smtpPort: 587,
          smtpSecure: false,
          username: 'agent@example.com',
          fromAddress: 'agent@example.com',
        },
        allowedSenders: ['alice@example.org', '@partner.example'],
        approvers: [],
        approvalsChat: false,
        groupId: null,
        enabled: true,
      });
    });
  });

  it('creates a Mattermost channel with approvers; the token is sent once and never shown', async () => {
    const MM_TOKEN = 'abcdefghijkmnopqrstuwxyz13';
    gateway.http.on('POST /api/channels', () => {
      channels = [
        ...channels,
        channel({
          id: 'm3',
          type: 'mattermost',
          name: 'Team chat',
          config: {
            serverUrl: 'https://chat.example.com',
            hasBotToken: true,
            team: null,
            gatewayUrl: 'https://gateway.example.com',
          },
          allowedSenders: ['alice'],
          approvers: ['carol'],
          approvalsChat: true,
        }),
      ];
      return { status: 201, body: channels.at(-1) };
    });
    const { root, card, text, click, until } = await render();
    click(root, 'channel-new');
    const dialog = document.querySelector<HTMLElement>('lg-channel-dialog')!;
    dialog.querySelector<HTMLElement>('[data-testid=channel-type] .mat-mdc-select-trigger')!.click();
    TestBed.tick();
    const options = [...document.querySelectorAll<HTMLElement>('mat-option')];
    options.find((o) => o.textContent?.trim() === 'Mattermost')!.click();
    TestBed.tick();
    expect(dialog.querySelector('[data-testid=channel-bot-token]')).toBeNull();
    const fill = (testId: string, value: string) => {
      const input = dialog.querySelector<HTMLInputElement>(`[data-testid=${testId}]`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    fill('channel-name', 'Team chat');
    fill('mattermost-server-url', 'chat.example.com');
    fill('mattermost-bot-token', MM_TOKEN);
    click(dialog, 'channel-save');
    await until(() => expect(dialog.textContent).toContain('An http:// or https:// address'));
    expect(gateway.http.last('POST /api/channels')).toBeUndefined();

    fill('mattermost-server-url', 'https://chat.example.com');
    fill('mattermost-gateway-url', 'gateway.example.com');
    click(dialog, 'channel-save');
    await until(() => expect(dialog.textContent).toContain('An http:// or https:// address'));
    expect(gateway.http.last('POST /api/channels')).toBeUndefined();
    fill('mattermost-gateway-url', 'https://gateway.example.com');
    fill('mattermost-allowed-senders', 'alice');
    fill('channel-approvers', '@carol');
    dialog.querySelector<HTMLElement>('[data-testid=channel-approvals-chat] button')!.click();
    click(dialog, 'channel-save');
    await until(() => expect(root.querySelectorAll('[data-testid=channel]').length).toBe(3));
    expect(gateway.http.last('POST /api/channels')?.body).toEqual({
      type: 'mattermost',
      name: 'Team chat',
      config: {
        serverUrl: 'https://chat.example.com',
        team: null,
        gatewayUrl: 'https://gateway.example.com',
        botToken: MM_TOKEN,
      },
      allowedSenders: ['alice'],
      approvers: ['@carol'],
      approvalsChat: true,
      enabled: true,
    });
    expect(root.textContent).not.toContain(MM_TOKEN);
    expect(text(card('Team chat'), 'channel-summary')).toBe(
      'Group Default (default) · 1 allowed sender · 1 approver (approvals chat)',
    );
  });

  it('disables and deletes a channel', async () => {
    gateway.http
      .on(`PUT /api/channels/${ID}`, { status: 200, body: channel({ enabled: false, state: 'stopped' }) })
      .on('DELETE /api/channels/c2', { status: 204 });
    const { root, card, text, click, until } = await render();
    card('Support bot').querySelector<HTMLElement>('[data-testid=channel-enabled-toggle] button')!.click();
    await until(() => expect(text(card('Support bot'), 'channel-state')).toBe('Stopped'));
    expect(gateway.http.last(`PUT /api/channels/${ID}`)?.body).toEqual({ enabled: false });

    click(card('Team bot'), 'channel-delete');
    click(document, 'confirm');
    await until(() => expect(root.querySelectorAll('[data-testid=channel]').length).toBe(1));
  });

  describe('WhatsApp', () => {
    const PHONE = 'd1d1d1d1-1111-4222-8333-444455556666';
    const whatsapp = (overrides: Partial<ChannelResponseDto> = {}) =>
      channel({ id: PHONE, type: 'whatsapp', name: 'Phone', config: {}, allowedSenders: [], ...overrides });
    const status = (
      payload: Partial<{ state: ChannelResponseDto['state']; error: string | null; qr: string | null }>,
    ) =>
      ws.receive({
        type: 'event',
        event: 'channel:status',
        payload: {
          channelId: PHONE,
          channelType: 'whatsapp',
          state: 'waiting_for_qr',
          error: null,
          retryAt: null,
          qr: null,
          ...payload,
        },
        timestamp: '2026-01-01T10:00:02.000Z',
      });
    /** The SVG the page draws, decoded from its data URL. */
    const svgOf = (img: HTMLImageElement | null) =>
      img ? decodeURIComponent(img.getAttribute('src')!.replace(/^data:image\/svg\+xml;charset=utf-8,/, '')) : null;

    it('shows the pairing QR code live while waiting for a scan, redrawn for each new code', async () => {
      channels = [channels[0]!, whatsapp({ state: 'waiting_for_qr', qr: '2@first-code' })];
      const { card, text, until } = await render();
      const image = () => card('Phone').querySelector<HTMLImageElement>('[data-testid=channel-qr-image]');
      await until(() => expect(image()?.dataset['qr']).toBe('2@first-code'));
      expect(text(card('Phone'), 'channel-state')).toBe('Waiting for QR scan');
      const first = svgOf(image());
      expect(first).toMatch(/^<svg [^>]*viewBox="0 0 (\d+) \1"/); // a square QR code, drawn as SVG
      expect(first).toContain('<path');
      expect(card('Phone').textContent).toContain('Linked devices');
      expect(card('Support bot').querySelector('[data-testid=channel-qr]')).toBeNull();

      status({ qr: '2@second-code' });
      await until(() => expect(image()?.dataset['qr']).toBe('2@second-code'));
      expect(svgOf(image())).not.toBe(first);

      status({ state: 'connected', qr: null });
      await until(() => expect(text(card('Phone'), 'channel-state')).toBe('Connected'));
      expect(card('Phone').querySelector('[data-testid=channel-qr]')).toBeNull();
    });

    it('shows a logged-out channel clearly, and Pair again brings a new QR code', async () => {
      channels = [whatsapp({ state: 'logged_out', error: 'WhatsApp logged this device out (unlinked on the phone)' })];
      gateway.http.on(`POST /api/channels/${PHONE}/pair`, () => ({
        status: 200,
        body: whatsapp({ state: 'connecting', error: null }),
      }));
      TestBed.inject(GatewaySocket).connect('token-1');
      ws = FakeWebSocket.latest();
      ws.open();
      ws.receive({ type: 'ready', userId: 'u1' });
      const fixture = TestBed.createComponent(ChannelsPage);
      const root = fixture.nativeElement as HTMLElement;
      const until = (check: () => void) =>
        vi.waitFor(() => {
          TestBed.tick();
          check();
        });
      await until(() => expect(root.querySelector('[data-testid=channel-logged-out]')).not.toBeNull());
      const card = root.querySelector<HTMLElement>('[data-channel="Phone"]')!;
      expect(card.querySelector('[data-testid=channel-state]')?.textContent?.trim()).toBe('Logged out');
      expect(card.querySelector('[data-testid=channel-logged-out]')?.textContent).toContain('unlinked on the phone');

      card.querySelector<HTMLElement>('[data-testid=channel-pair]')!.click();
      await until(() =>
        expect(card.querySelector('[data-testid=channel-state]')?.textContent?.trim()).toBe('Connecting'),
      );
      expect(gateway.http.last(`POST /api/channels/${PHONE}/pair`)).toBeDefined();
      expect(card.querySelector('[data-testid=channel-logged-out]')).toBeNull();
      status({ qr: '2@fresh-code' });
      await until(() =>
        expect(card.querySelector<HTMLElement>('[data-testid=channel-qr-image]')?.dataset['qr']).toBe('2@fresh-code'),
      );
    });

    it('creates a WhatsApp channel with no settings and phone numbers as the whitelist', async () => {
      gateway.http.on('POST /api/channels', () => {
        channels = [...channels, whatsapp({ allowedSenders: ['4917012345678'] })];
        return { status: 201, body: channels.at(-1) };
      });
      const { root, click, until } = await render();
      click(root, 'channel-new');
      const dialog = document.querySelector<HTMLElement>('lg-channel-dialog')!;
      dialog.querySelector<HTMLElement>('[data-testid=channel-type] .mat-mdc-select-trigger')!.click();
      TestBed.tick();
      const options = [...document.querySelectorAll<HTMLElement>('mat-option')];
      expect(options.map((o) => [o.textContent?.trim(), o.getAttribute('aria-disabled')])).toEqual([
        ['Telegram', 'false'],
        ['Email (IMAP + SMTP)', 'false'],
        ['WhatsApp', 'false'],
        ['Mattermost', 'false'],
      ]);
      options[2]!.click();
      TestBed.tick();
      expect(dialog.querySelector('[data-testid=channel-bot-token]')).toBeNull();
      expect(dialog.querySelector('[data-testid=channel-whatsapp-note]')?.textContent).toContain('QR code');
      const fill = (testId: string, value: string) => {
        const input = dialog.querySelector<HTMLInputElement>(`[data-testid=${testId}]`)!;
        input.value = value;
        input.dispatchEvent(new Event('input'));
      };
      fill('channel-name', 'Phone');
      fill('channel-allowed-senders', '123456789, alice');
      click(dialog, 'channel-save');
      await until(() => expect(dialog.textContent).toContain('Phone numbers like +491701234567'));
      expect(gateway.http.last('POST /api/channels')).toBeUndefined();

      fill('channel-allowed-senders', '+4917012345678');
      click(dialog, 'channel-save');
      await until(() => expect(root.querySelectorAll('[data-testid=channel]').length).toBe(3));
      expect(gateway.http.last('POST /api/channels')?.body).toEqual({
        type: 'whatsapp',
        name: 'Phone',
        config: {},
        allowedSenders: ['+4917012345678'],
        enabled: true,
      });
    });
  });
});

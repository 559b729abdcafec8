import { TestBed } from '@angular/core/testing';
import type { WebhookDeliveryDto, WebhookEventDto, WebhookResponseDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { WebhooksPage } from './webhooks.page';

function webhook(overrides: Partial<WebhookResponseDto> = {}): WebhookResponseDto {
  return {
    id: 'w1',
    name: 'n8n prod',
    platform: 'n8n',
    events: ['agent:run:complete'],
    targetUrl: 'http://n8n:5678/webhook/lg',
    enabled: true,
    disabledReason: null,
    rateLimitPerMinute: 60,
    tokenHint: 'lgw_AbCd',
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    lastUsedAt: null,
    ...overrides,
  };
}

const EVENTS: WebhookEventDto[] = [
  { name: 'agent:run:start', description: 'An agent run started.', inWildcard: true },
  { name: 'agent:run:text', description: 'Text as it streams.', inWildcard: false },
  { name: 'agent:run:complete', description: 'An agent run finished.', inWildcard: true },
];

const TOKEN = 'lgw_' + 'T'.repeat(43);
const SECRET = 'whsec_' + 'S'.repeat(43) + '=';

describe('WebhooksPage', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    // An admin: viewers see no change buttons.
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
    gateway.http
      .on('GET /api/webhooks', {
        status: 200,
        body: [
          webhook(),
          webhook({
            id: 'w2',
            name: 'Make inbound',
            platform: 'make',
            events: [],
            targetUrl: null,
            enabled: false,
            disabledReason: 'The receiver answered 410 Gone at 2026-01-02T00:00:00.000Z',
          }),
          webhook({ id: 'w4', name: 'n8n quick start', events: ['*'], targetUrl: null }),
        ],
      })
      .on('GET /api/webhooks/events', { status: 200, body: EVENTS });
  });

  async function render() {
    const fixture = TestBed.createComponent(WebhooksPage);
    const root = fixture.nativeElement as HTMLElement;
    const settle = async (check: () => void) =>
      vi.waitFor(() => {
        TestBed.tick();
        check();
      });
    await settle(() => expect(root.querySelectorAll('[data-testid=webhook]').length).toBe(3));
    const card = (name: string) => root.querySelector<HTMLElement>(`[data-testid=webhook][data-webhook="${name}"]`)!;
    const text = (name: string, testId: string) =>
      card(name).querySelector(`[data-testid=${testId}]`)?.textContent?.replace(/\s+/g, ' ').trim();
    const click = (scope: ParentNode, testId: string) => {
      scope.querySelector<HTMLElement>(`[data-testid=${testId}]`)!.click();
      TestBed.tick();
    };
    return { root, card, text, click, settle };
  }

  it('lists webhooks with platform, token hint, target, events and why one was disabled', async () => {
    const { text, card } = await render();
    expect(text('Make inbound', 'webhook-platform')).toBe('Make.com');
    expect(text('n8n prod', 'webhook-token-hint')).toBe('lgw_AbCd…');
    expect(text('n8n prod', 'webhook-target')).toBe('http://n8n:5678/webhook/lg');
    expect(text('Make inbound', 'webhook-target')).toBe('Inbound only (no target URL)');
    expect(text('n8n quick start', 'webhook-target')).toBe(
      'No target URL yet: events are sent once one is set (here or by the n8n trigger)',
    );
    expect(text('n8n prod', 'webhook-events')).toBe('agent:run:complete');
    expect(text('Make inbound', 'webhook-disabled-reason')).toContain('410 Gone');
    const toggle = card('Make inbound').querySelector('[data-testid=webhook-enabled-toggle] button')!;
    expect(toggle.getAttribute('aria-checked')).toBe('false');
  });

  it('creates a webhook and shows its token, secret and a curl line once', async () => {
    gateway.http.on('POST /api/webhooks', (request) => {
      const body = request.body as { targetUrl: string | null };
      return body.targetUrl === 'http://bad'
        ? { status: 400, body: { statusCode: 400, message: ['targetUrl must be an http:// or https:// URL'] } }
        : {
            status: 201,
            body: { ...webhook({ id: 'w3', name: 'Zapier-ish', platform: 'n8n' }), token: TOKEN, secret: SECRET },
          };
    });
    const { root, click, settle } = await render();
    click(root, 'webhook-new');
    const dialog = document.querySelector<HTMLElement>('lg-webhook-form-dialog')!;
    const fill = (testId: string, value: string) => {
      const input = dialog.querySelector<HTMLInputElement>(`[data-testid=${testId}]`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    fill('webhook-name', 'Zapier-ish');
    // A rate of 0 says what is wrong (it used to turn red without a word), and nothing is sent.
    fill('webhook-rate-limit', '0');
    click(dialog, 'webhook-save');
    await settle(() =>
      expect(dialog.querySelector('[data-testid=webhook-rate-error]')?.textContent?.trim()).toBe(
        'A whole number from 1 to 100,000',
      ),
    );
    expect(gateway.http.last('POST /api/webhooks')).toBeUndefined();
    fill('webhook-rate-limit', '60');
    fill('webhook-target', 'http://bad');
    dialog.querySelector<HTMLInputElement>('[data-event="agent:run:complete"] input')!.click();
    click(dialog, 'webhook-save');
    await settle(() =>
      expect(document.querySelector('[data-testid=form-error]')?.textContent).toContain('targetUrl must be an http'),
    );

    fill('webhook-target', 'https://hooks.example.com/lg');
    dialog.querySelector<HTMLInputElement>('[data-testid=webhook-event-all] input')!.click();
    click(dialog, 'webhook-save');
    await settle(() => expect(document.querySelector('lg-webhook-secrets-dialog')).not.toBeNull());
    expect(gateway.http.last('POST /api/webhooks')?.body).toEqual({
      name: 'Zapier-ish',
      platform: 'n8n',
      targetUrl: 'https://hooks.example.com/lg',
      rateLimitPerMinute: 60,
      enabled: true,
      events: ['*'],
    });
    const secrets = document.querySelector<HTMLElement>('lg-webhook-secrets-dialog')!;
    expect(secrets.querySelector('[data-testid=webhook-token]')?.textContent?.trim()).toBe(TOKEN);
    expect(secrets.querySelector('[data-testid=webhook-secret]')?.textContent?.trim()).toBe(SECRET);
    const curl = secrets.querySelector('[data-testid=webhook-curl]')?.textContent ?? '';
    expect(curl).toContain('/webhook/invoke');
    expect(curl).toContain(`X-Webhook-Token: ${TOKEN}`);
    expect(secrets.querySelector('[data-testid=webhook-n8n]')?.textContent).toContain('Idempotency-Key');
    await settle(() => expect(root.querySelectorAll('[data-testid=webhook]').length).toBe(4));
    // The listed webhook keeps no secret.
    expect(root.textContent).not.toContain(TOKEN);
  });

  it('rotates a token after confirmation and shows the new one', async () => {
    gateway.http.on('POST /api/webhooks/w1/rotate-token', {
      status: 200,
      body: { ...webhook({ tokenHint: 'lgw_NeWw' }), token: TOKEN },
    });
    const { card, text, click, settle } = await render();
    click(card('n8n prod'), 'webhook-rotate');
    click(document, 'confirm');
    await settle(() => expect(document.querySelector('lg-webhook-secrets-dialog')).not.toBeNull());
    const secrets = document.querySelector<HTMLElement>('lg-webhook-secrets-dialog')!;
    expect(secrets.querySelector('[data-testid=webhook-token]')?.textContent?.trim()).toBe(TOKEN);
    expect(secrets.querySelector('[data-testid=webhook-secret]')).toBeNull();
    await settle(() => expect(text('n8n prod', 'webhook-token-hint')).toBe('lgw_NeWw…'));
  });

  it('turns a webhook off and deletes another', async () => {
    gateway.http
      .on('PUT /api/webhooks/w1', { status: 200, body: webhook({ enabled: false }) })
      .on('DELETE /api/webhooks/w2', { status: 204 });
    const { root, card, click, settle } = await render();
    card('n8n prod').querySelector<HTMLButtonElement>('[data-testid=webhook-enabled-toggle] button')!.click();
    await settle(() => expect(gateway.http.last('PUT /api/webhooks/w1')?.body).toEqual({ enabled: false }));
    click(card('Make inbound'), 'webhook-delete');
    click(document, 'confirm');
    await settle(() => expect(root.querySelectorAll('[data-testid=webhook]').length).toBe(2));
    expect(gateway.http.last('DELETE /api/webhooks/w2')).toBeDefined();
  });

  it('shows the delivery log with retry state and every attempt', async () => {
    const deliveries: WebhookDeliveryDto[] = [
      {
        id: 'd2',
        event: 'agent:run:complete',
        status: 'pending',
        attempts: 1,
        nextAttemptAt: '2026-01-01T10:00:20.000Z',
        lastStatusCode: 500,
        lastError: 'The receiver answered 500',
        createdAt: '2026-01-01T10:00:00.000Z',
        updatedAt: '2026-01-01T10:00:01.000Z',
        redeliveryOf: null,
        redeliveredBy: null,
        log: [
          {
            attempt: 1,
            statusCode: 500,
            durationMs: 12,
            responseExcerpt: 'database down',
            error: null,
            createdAt: '2026-01-01T10:00:01.000Z',
            requestHeaders: null,
          },
        ],
      },
      {
        id: 'd1',
        event: 'agent:run:start',
        status: 'delivered',
        attempts: 1,
        nextAttemptAt: null,
        lastStatusCode: 200,
        lastError: null,
        createdAt: '2026-01-01T09:59:00.000Z',
        updatedAt: '2026-01-01T09:59:00.000Z',
        log: [],
        redeliveryOf: null,
        redeliveredBy: null,
      },
    ];
    gateway.http.on('GET /api/webhooks/w1/logs', { status: 200, body: deliveries });
    const { card, click, settle } = await render();
    click(card('n8n prod'), 'webhook-logs');
    await settle(() => expect(card('n8n prod').querySelectorAll('[data-testid=webhook-delivery]').length).toBe(2));
    const [pending] = card('n8n prod').querySelectorAll<HTMLElement>('[data-testid=webhook-delivery]');
    expect(pending!.querySelector('[data-testid=delivery-status]')?.textContent?.trim()).toBe('pending');
    expect(pending!.querySelector('[data-testid=delivery-next]')?.textContent).toContain('next');
    expect(pending!.querySelector('[data-testid=delivery-error]')?.textContent).toBe('The receiver answered 500');
    expect(pending!.querySelector('[data-testid=delivery-attempt]')?.textContent).toContain('database down');
    expect(gateway.http.last('GET /api/webhooks/w1/logs')).toBeDefined();
  });

  it('shows a delivery’s body and the headers sent, and redelivers it', async () => {
    const delivered: WebhookDeliveryDto = {
      id: 'd1',
      event: 'agent:run:complete',
      status: 'delivered',
      attempts: 1,
      nextAttemptAt: null,
      lastStatusCode: 200,
      lastError: null,
      createdAt: '2026-01-01T09:59:00.000Z',
      updatedAt: '2026-01-01T09:59:00.000Z',
      redeliveryOf: null,
      redeliveredBy: null,
      log: [],
    };
    const body = JSON.stringify({ event: 'agent:run:complete', payload: { runId: 'r1' } });
    const headers = {
      'content-type': 'application/json',
      'webhook-id': 'd1',
      'webhook-signature': '(not shown: made with the webhook’s secret)',
    };
    let redelivered = false;
    gateway.http
      .on('GET /api/webhooks/w1/logs', () => ({
        status: 200,
        body: redelivered
          ? [
              { ...delivered, id: 'd2', status: 'pending', attempts: 0, redeliveryOf: 'd1', redeliveredBy: 'admin' },
              delivered,
            ]
          : [delivered, { ...delivered, id: 'd0', status: 'pending' }],
      }))
      .on('GET /api/webhooks/w1/deliveries/d1', {
        status: 200,
        body: {
          ...delivered,
          body,
          payload: JSON.parse(body),
          log: [
            {
              attempt: 1,
              statusCode: 200,
              durationMs: 5,
              responseExcerpt: 'ok',
              error: null,
              createdAt: '2026-01-01T09:59:01.000Z',
              requestHeaders: headers,
            },
          ],
        },
      })
      .on('POST /api/webhooks/w1/deliveries/d1/redeliver', () => {
        redelivered = true;
        return {
          status: 201,
          body: { ...delivered, id: 'd2abcdef', status: 'pending', redeliveryOf: 'd1', redeliveredBy: 'admin' },
        };
      });
    const { card, click, settle } = await render();
    click(card('n8n prod'), 'webhook-logs');
    await settle(() => expect(card('n8n prod').querySelectorAll('[data-testid=webhook-delivery]').length).toBe(2));
    const [first, pending] = card('n8n prod').querySelectorAll<HTMLElement>('[data-testid=webhook-delivery]');
    // Still being sent: nothing to redeliver yet.
    expect(pending!.querySelector('[data-testid=delivery-redeliver]')).toBeNull();

    click(first!, 'delivery-view');
    await settle(() => expect(first!.querySelector('[data-testid=delivery-body]')).not.toBeNull());
    expect(first!.querySelector('[data-testid=delivery-body]')!.textContent).toBe(
      JSON.stringify(JSON.parse(body), null, 2),
    );
    const shown = first!.querySelector('[data-testid=delivery-headers]')!.textContent!;
    expect(shown).toContain('webhook-id');
    expect(shown).toContain('(not shown: made with the webhook’s secret)');

    click(first!, 'delivery-redeliver');
    await settle(() =>
      expect(card('n8n prod').querySelector('[data-testid=redeliver-notice]')?.textContent).toContain(
        'Redelivery queued (d2abcdef).',
      ),
    );
    await settle(() =>
      expect(card('n8n prod').querySelector('[data-testid=delivery-redelivery]')?.textContent?.trim()).toBe(
        'redelivery of d1 by admin',
      ),
    );
  });
});

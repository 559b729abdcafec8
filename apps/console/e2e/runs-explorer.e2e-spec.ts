/**
 * The runs explorer, the conversations view and webhook redelivery as an operator uses them, in
 * Debian's Chromium against the built gateway + console with the local Claude: filters kept in the
 * URL (and across a reload), older runs paged in, retry and cancel from the list, a conversation's
 * whole history and "Start over", and a delivery's payload viewed and redelivered to a real receiver.
 */
import type { Page } from 'playwright-core';
import { WebhookReceiver } from '../../api/test/webhook-receiver.js';
import { STEP_TIMEOUT, useConsoleE2e } from './console-e2e.js';

const e2e = useConsoleE2e({ model: true, createAdmin: true, viewport: { width: 1500, height: 1000 } });
let page: Page;
const { api, base } = e2e;
const model = () => e2e.claude;
const rows = () => page.getByTestId('run-row');
const row = (id: string) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
const query = () => new URL(page.url()).searchParams;

let receiver: WebhookReceiver;
beforeAll(async () => {
  page = e2e.page;
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  await receiver?.stop();
});

/** Starts a run from the API as the console's session and waits until it has ended. */
async function runToEnd(message: string, extra: object = {}): Promise<{ runId: string; conversationId: string }> {
  const accepted = (await (await api('POST', '/api/runs', { message, ...extra })).json()) as {
    runId: string;
    conversationId: string;
  };
  for (;;) {
    const run = (await (await api('GET', `/api/runs/${accepted.runId}`)).json()) as { status: string };
    if (['completed', 'failed', 'refused', 'cancelled'].includes(run.status)) return accepted;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('runs explorer', () => {
  it(
    'filters runs by the URL (kept across a reload), retries a failed one and cancels a running one from the list',
    async () => {
      model().script({ text: 'Zebras have stripes.' });
      const zebra = await runToEnd('Tell me about zebras');
      model().script({ error: { status: 400, message: 'messages: refused for this e2e' } });
      const failed = await runToEnd('This one fails');

      await page.goto(`${base()}/runs`);
      await row(failed.runId).waitFor();
      await page.getByTestId('filter-status').selectOption('failed');
      await page.waitForURL((url) => url.searchParams.get('status') === 'failed');
      await page.getByTestId('runs-count').filter({ hasText: 'Showing 1 of 1' }).waitFor();
      expect(await rows().count()).toBe(1);
      await row(failed.runId).waitFor();

      // The filter is in the URL: a reload shows the same list and the form says so.
      await page.reload();
      await page.getByTestId('runs-count').filter({ hasText: 'Showing 1 of 1' }).waitFor();
      expect(await page.getByTestId('filter-status').inputValue()).toBe('failed');
      await row(failed.runId).waitFor();

      // Retry: a new run with the same input; the notice links to it.
      model().script({ text: 'It works on a retry.' });
      await row(failed.runId).getByTestId('run-retry').click();
      await page.getByTestId('runs-notice').filter({ hasText: 'Retry started as a new run.' }).waitFor();
      await page.getByTestId('runs-notice-link').click();
      await page.getByTestId('run-timeline').filter({ hasText: 'It works on a retry.' }).waitFor();
      await page.goBack();
      await page.getByTestId('filter-clear').click();
      await page.waitForURL((url) => !url.searchParams.has('status'));

      // Text: applied with the form, in the URL.
      await page.getByTestId('filter-text').fill('ZEBRA');
      await page.getByTestId('filter-apply').click();
      await page.waitForURL((url) => url.searchParams.get('q') === 'ZEBRA');
      await page.getByTestId('runs-count').filter({ hasText: 'Showing 1 of 1' }).waitFor();
      await row(zebra.runId).waitFor();
      await page.getByTestId('filter-origin').selectOption('api');
      await page.waitForURL((url) => url.searchParams.get('origin') === 'api');
      expect(query().get('q')).toBe('ZEBRA');
      await page.getByText('No runs match these filters.').waitFor();
      await page.getByTestId('filter-clear').click();
      await page.waitForURL((url) => !url.searchParams.has('q') && !url.searchParams.has('origin'));

      // Cancel from the list: a run still running.
      model().latencyMs = 30_000;
      model().script({ text: 'Too slow.' });
      const slow = (await (await api('POST', '/api/runs', { message: 'A slow one' })).json()) as { runId: string };
      const slowRow = row(slow.runId);
      await slowRow.getByTestId('run-cancel').click();
      await slowRow
        .locator('lg-run-status')
        .filter({ hasText: /cancelled/i })
        .waitFor();
      await slowRow.getByTestId('run-retry').waitFor();
      model().latencyMs = 0;
    },
    STEP_TIMEOUT * 2,
  );

  it(
    'pages beyond the newest 50 runs',
    async () => {
      for (let batch = 0; batch < 5; batch++) {
        await Promise.all(Array.from({ length: 10 }, (_, i) => runToEnd(`Bulk run ${batch * 10 + i}`)));
      }
      const total = Number((await api('GET', '/api/runs?limit=1')).headers.get('X-Total-Count'));
      expect(total).toBeGreaterThan(50);
      await page.goto(`${base()}/runs`);
      await page
        .getByTestId('runs-count')
        .filter({ hasText: `Showing 50 of ${total}` })
        .waitFor();
      await page.getByTestId('runs-more').click();
      await page
        .getByTestId('runs-count')
        .filter({ hasText: `Showing ${total} of ${total}` })
        .waitFor();
      expect(await rows().count()).toBe(total);
      expect(await page.getByTestId('runs-more').count()).toBe(0);
      // The oldest run (the first of the first test) is there, once.
      expect(await page.getByTestId('run-link').filter({ hasText: 'Tell me about zebras' }).count()).toBe(1);
    },
    STEP_TIMEOUT * 2,
  );
});

describe('conversations', () => {
  it(
    'lists conversations and shows one whole; Start over closes it as /new does',
    async () => {
      model().script({ text: 'First answer.' }, { text: 'Second answer.' });
      const first = await runToEnd('Start of a conversation');
      await runToEnd('And a follow-up', { conversationId: first.conversationId });

      await page.goto(`${base()}/runs`);
      await page.getByTestId('runs-conversations').click();
      const conversationRow = page.locator(
        `[data-testid="conversation-row"][data-conversation-id="${first.conversationId}"]`,
      );
      await conversationRow.waitFor();
      expect(await conversationRow.getByTestId('conversation-state').textContent()).toBe('Open');
      await conversationRow.getByTestId('conversation-link').click();
      await page.waitForURL((url) => url.pathname === `/runs/conversations/${first.conversationId}`);
      const messages = page.getByTestId('conversation-message');
      await messages.nth(3).waitFor();
      expect(await messages.evaluateAll((items) => items.map((i) => i.getAttribute('data-seq')))).toEqual([
        '1',
        '2',
        '3',
        '4',
      ]);
      expect(await page.getByTestId('conversation-history').textContent()).toContain('Second answer.');

      await page.getByTestId('conversation-start-over').click();
      await page.getByTestId('conversation-closed').waitFor();
      const stored = (await (await api('GET', `/api/conversations/${first.conversationId}`)).json()) as {
        closedAt: string | null;
      };
      expect(stored.closedAt).toEqual(expect.any(String));
      await page.getByRole('link', { name: 'All conversations' }).click();
      await conversationRow.getByTestId('conversation-state').filter({ hasText: 'Closed' }).waitFor();
    },
    STEP_TIMEOUT,
  );
});

describe('webhook deliveries', () => {
  it(
    'shows a delivery’s payload and headers without the signature, and redelivers it to the receiver',
    async () => {
      receiver.reset();
      const created = await api('POST', '/api/webhooks', {
        name: 'Receiver',
        targetUrl: receiver.url(),
        events: ['agent:run:complete'],
      });
      expect(created.status).toBe(201);
      model().script({ text: 'Sent out.' });
      const { runId } = await runToEnd('Tell the receiver');

      await page.goto(`${base()}/webhooks`);
      const card = page.locator('[data-testid="webhook"][data-webhook="Receiver"]');
      await card.getByTestId('webhook-logs').click();
      const delivery = card.locator('[data-testid="webhook-delivery"][data-status="delivered"]').first();
      await delivery.waitFor();
      await delivery.locator('summary').click();
      await delivery.getByTestId('delivery-view').click();
      const body = delivery.getByTestId('delivery-body');
      await body.waitFor();
      expect(await body.textContent()).toContain(`"runId": "${runId}"`);
      const headers = (await delivery.getByTestId('delivery-headers').textContent()) ?? '';
      expect(headers).toContain('webhook-signature');
      expect(headers).toContain('(not shown: made with the webhook’s secret)');
      expect(headers).not.toContain('v1,');

      await delivery.getByTestId('delivery-redeliver').click();
      await card.getByTestId('redeliver-notice').filter({ hasText: 'Redelivery queued' }).waitFor();
      await card.getByTestId('delivery-redelivery').filter({ hasText: 'by admin' }).waitFor();
      const deadline = Date.now() + 20_000;
      while (receiver.received.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(receiver.received).toHaveLength(2);
      const [original, again] = receiver.received;
      expect(again!.body).toBe(original!.body);
      expect(again!.headers['webhook-id']).not.toBe(original!.headers['webhook-id']);
    },
    STEP_TIMEOUT,
  );
});

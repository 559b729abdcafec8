/**
 * The console as an operator's cockpit, in Debian's Chromium against the built gateway + console with
 * the local Anthropic-compatible server as the model: a tool call held while the operator is on
 * another page (nav badge, tab title, toast with Approve), the group dialog's forms that cannot lie
 * (the Channel styles panel reachable, skills chosen from the gateway's, a blank name refused), and a
 * viewer operator added by the admin who reads everything but cannot change anything (no change
 * buttons). Also the Settings page, a channel that cannot connect (retrying with a countdown, Test
 * connection), and the Scheduler's channel output, delivery state and time zone rule.
 */
import type { Page } from 'playwright-core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN, fillKept, STEP_TIMEOUT, useConsoleE2e } from './console-e2e.js';

const e2e = useConsoleE2e({ model: true, createAdmin: true });
let page: Page;
const { base, api, path } = e2e;
const model = () => e2e.claude;
const nav = (label: string) => page.getByTestId('side-nav').getByRole('link', { name: label });

/** A port nothing listens on (taken, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits until the tab's title is `expected`. */
const titleIs = (expected: string) => page.waitForFunction((title) => document.title === title, expected);

beforeAll(() => {
  page = e2e.page;
});

describe('the console as a cockpit', () => {
  it(
    'a call held while the operator is on Runs shows as a nav badge, in the tab title and as a toast that approves it',
    async () => {
      await nav('Runs').click();
      await page.getByTestId('toolbar').locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
      await titleIs('Runs · Loop Gateway');
      expect(await page.getByTestId('nav-badge').count()).toBe(0);

      model().script(
        {
          text: 'Checking.',
          toolUse: { name: 'run_script', input: { language: 'bash', script: 'echo held-on-runs' } },
        },
        { text: 'It printed held-on-runs.' },
      );
      const response = await api('POST', '/api/runs', { message: 'Run the check' });
      expect(response.status).toBe(202);
      const { runId } = (await response.json()) as { runId: string };

      const badge = nav('Approvals').getByTestId('nav-badge');
      await badge.filter({ hasText: '1' }).waitFor();
      await titleIs('(1) Runs · Loop Gateway');
      const toast = page.locator('[data-testid="attention-toast"][data-kind="approval"]');
      await toast.waitFor();
      expect((await toast.getByTestId('attention-toast-title').textContent())?.trim()).toBe(
        'Approval needed: run_script',
      );
      expect(path()).toBe('/runs');

      await toast.getByTestId('attention-approve').click();
      await toast.waitFor({ state: 'detached' });
      await badge.waitFor({ state: 'detached' });
      await titleIs('Runs · Loop Gateway');
      await page
        .locator(`[data-testid="run-row"][data-run-id="${runId}"] [data-testid="run-status"][data-status="completed"]`)
        .waitFor();
      const approvals = (await (await api('GET', '/api/approvals?status=approved')).json()) as {
        runId: string;
        decidedBy: string;
      }[];
      expect(approvals.find((approval) => approval.runId === runId)?.decidedBy).toBe(ADMIN.username);
    },
    STEP_TIMEOUT,
  );

  it(
    'a second held call: Open goes to the Approvals page, where it waits',
    async () => {
      model().script(
        { toolUse: { name: 'run_script', input: { language: 'bash', script: 'echo second' } } },
        { text: 'Done.' },
      );
      const { runId } = (await (await api('POST', '/api/runs', { message: 'Again' })).json()) as { runId: string };
      const toast = page.locator('[data-testid="attention-toast"][data-kind="approval"]');
      await toast.getByTestId('attention-open').click();
      await toast.waitFor({ state: 'detached' });
      await page.waitForURL((url) => url.pathname === '/approvals');
      const card = page.getByTestId('approval').filter({
        has: page.locator(`[data-testid="approval-run-link"][href="/runs/${runId}"]`),
      });
      await card.getByTestId('approval-reject').click();
      await card.waitFor({ state: 'detached' });
      await nav('Approvals').getByTestId('nav-badge').waitFor({ state: 'detached' });
    },
    STEP_TIMEOUT,
  );

  it(
    'the group dialog: the Channel styles panel opens and saves, skills come from the gateway, a blank name is refused',
    async () => {
      await nav('Agent groups').click();
      await page.getByTestId('group-new').click();
      const form = page.getByTestId('group-form');
      await form.getByTestId('group-name').fill('   ');
      await form.getByTestId('group-save').click();
      await form.getByText('Give the group a name (more than spaces)').waitFor();

      await form.getByTestId('group-name').fill('Styled');
      // Skills: a list of the gateway's skills, nothing to mistype.
      await form.getByTestId('group-skills').click();
      const options = page.locator('mat-option');
      await options.first().waitFor();
      expect((await options.evaluateAll((all) => all.map((o) => o.getAttribute('data-skill')))).sort()).toEqual([
        'broadcast',
        'delegate',
        'http_request',
        'load_skill',
        'query',
        'read_skill_file',
        'run_script',
        'web_browse',
      ]);
      await page.locator('mat-option[data-skill="web_browse"]').click();
      await page.keyboard.press('Escape');

      // The styles panel has room and is what gets clicked (not the Default checkbox below it).
      const header = form.getByText('Channel styles');
      await header.scrollIntoViewIfNeeded();
      const box = await form.locator('mat-expansion-panel').boundingBox();
      expect(box?.height ?? 0).toBeGreaterThan(40);
      await header.click();
      const telegram = form.getByLabel('Telegram');
      await telegram.waitFor({ state: 'visible' });
      await telegram.fill('One short paragraph, no tables.');
      expect(await form.getByTestId('group-default').locator('input').isChecked()).toBe(false);
      await form.getByTestId('group-save').click();
      await form.waitFor({ state: 'detached' });

      const card = page.locator('[data-testid="group-card"][data-group="Styled"]');
      await card.waitFor();
      expect(await card.getByTestId('group-default-marker').count()).toBe(0);
      const groups = (await (await api('GET', '/api/agent-groups')).json()) as {
        name: string;
        skills: string[];
        channelStyles: Record<string, string>;
      }[];
      expect(groups.find((group) => group.name === 'Styled')).toMatchObject({
        skills: ['web_browse'],
        channelStyles: { telegram: 'One short paragraph, no tables.' },
      });

      // The API names the unknown skills too (for callers other than the console).
      const refused = await api('POST', '/api/agent-groups', { name: 'Typo', skills: ['web_brwose', 'rm_rf'] });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { message: string }).message).toMatch(/"web_brwose", "rm_rf" are not skills/);
    },
    STEP_TIMEOUT,
  );

  it(
    'usage by origin: console runs and an API key’s runs apart, by group, a date range, and a CSV export',
    async () => {
      const key = ((await (await api('POST', '/api/api-keys', { name: 'script' })).json()) as { key: string }).key;
      model().script({ text: 'From a script.' });
      const accepted = await fetch(`${base()}/api/runs`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'hello from a script' }),
      });
      const { runId } = (await accepted.json()) as { runId: string };
      await nav('Runs').click();
      await page
        .locator(`[data-testid="run-row"][data-run-id="${runId}"] [data-testid="run-status"][data-status="completed"]`)
        .waitFor();

      await nav('Usage').click();
      const table = page.getByTestId('breakdown-table');
      const row = (key: string) => table.locator(`[data-testid="breakdown-row"][data-key="${key}"]`);
      await row('api').waitFor();
      expect((await row('api').getByTestId('breakdown-label').textContent())?.trim()).toBe('API');
      expect((await row('api').getByTestId('breakdown-calls').textContent())?.trim()).toBe('1');
      // The two runs approved above came from the console: two model calls each.
      expect((await row('console').getByTestId('breakdown-label').textContent())?.trim()).toBe('Console');
      expect((await row('console').getByTestId('breakdown-calls').textContent())?.trim()).toBe('4');

      await page.getByTestId('breakdown-by').getByText('By group').click();
      await row('api').waitFor({ state: 'detached' });
      const groups = await table.getByTestId('breakdown-label').allTextContents();
      expect(groups.map((label) => label.trim())).toEqual(['Default']);

      const download = page.waitForEvent('download');
      await page.getByTestId('breakdown-csv').click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/^usage-by-group-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
      const { readFile } = await import('node:fs/promises');
      const csv = await readFile((await file.path())!, 'utf8');
      expect(csv.split('\r\n')[0]).toBe(
        'group,key,calls,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,costUsd,cacheSavedUsd',
      );
      expect(csv.split('\r\n')[1]).toMatch(/^Default,[0-9a-f-]{36},5,/);

      // A range in the past has nothing.
      await page.getByTestId('breakdown-from').fill('2020-01-01');
      await page.getByTestId('breakdown-to').fill('2020-01-31');
      await page.getByTestId('breakdown-to').dispatchEvent('change');
      await page.getByTestId('breakdown-empty').waitFor();
    },
    STEP_TIMEOUT,
  );

  it(
    'the overview is a dashboard, and its activity feed is still there after a reload',
    async () => {
      await nav('Overview').click();
      const dashboard = page.getByTestId('dashboard');
      // Three runs completed above: two from the console (approved and rejected calls) and one script.
      await dashboard
        .getByTestId('runs-completed')
        .filter({ hasText: /^\s*3\s*$/ })
        .waitFor();
      expect((await dashboard.getByTestId('pending-approvals').textContent())?.trim()).toBe('0');
      expect((await dashboard.getByTestId('spend-today').textContent())?.trim()).toMatch(/^\$\d+\.\d{2,4}$/);
      await page.getByTestId('dashboard-no-errors').waitFor();

      const feed = page.getByTestId('overview-activity').getByTestId('activity-feed');
      const completions = feed.locator('[data-testid="activity-entry"][data-event="agent:run:complete"]');
      await completions.nth(2).waitFor();
      const before = await feed.getByTestId('activity-summary').allTextContents();

      await page.reload();
      await completions.nth(2).waitFor();
      const after = await feed.getByTestId('activity-summary').allTextContents();
      // The feed after the reload is the one before it (a login event may come on top).
      expect(after.slice(-before.length)).toEqual(before);
      await dashboard
        .getByTestId('runs-completed')
        .filter({ hasText: /^\s*3\s*$/ })
        .waitFor();
    },
    STEP_TIMEOUT,
  );

  it(
    'the Settings page shows the live configuration, the version and the data folder, and secrets only as set',
    async () => {
      await nav('Settings').click();
      await page.getByTestId('settings-version').waitFor();
      const health = (await (await api('GET', '/api/health')).json()) as { version: string };
      expect((await page.getByTestId('settings-version').textContent())?.trim()).toBe(health.version);
      expect((await page.getByTestId('settings-database').textContent())?.trim()).toBe('SQLite (in the data folder)');
      expect((await page.getByTestId('settings-data-dir').textContent())?.trim()).toMatch(/^\//);
      expect(await page.getByTestId('settings-container-mode').getAttribute('data-state')).toBe('off');
      const value = (name: string) =>
        page.locator(`[data-testid="setting"][data-name="${name}"] [data-testid="setting-value"]`).textContent();
      expect((await value('ANTHROPIC_API_KEY'))?.trim()).toBe('Set (hidden)');
      expect((await value('SETUP_TOKEN'))?.trim()).toBe('Not set default');
      expect((await value('RATE_LIMIT_PER_MINUTE'))?.trim()).toBe('100000');
      expect((await value('ANTHROPIC_BASE_URL'))?.trim()).toBe(model().url);
      await page.getByTestId('settings-filter').fill('webhook');
      const names = await page
        .getByTestId('setting')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name')));
      expect(names.length).toBeGreaterThan(2);
      expect(names.every((name) => name?.startsWith('WEBHOOK_'))).toBe(true);
    },
    STEP_TIMEOUT,
  );

  it(
    'a channel that cannot connect says which host refused, counts down to the next try, and tests its connection',
    async () => {
      const port = await closedPort();
      const created = await api('POST', '/api/channels', {
        type: 'telegram',
        name: 'Unreachable bot',
        config: { botToken: `424242:${'UnreachableBotToken_'.repeat(2)}`, apiRoot: `http://127.0.0.1:${port}` },
      });
      expect(created.status).toBe(201);
      await nav('Channels').click();
      const card = page.locator('[data-testid="channel"][data-channel="Unreachable bot"]');
      const state = card.getByTestId('channel-state');
      await card.locator('[data-testid="channel-state"][data-state="retrying"]').waitFor();
      expect((await state.textContent())?.trim()).toMatch(/^Retrying (in \d+ s|now)$/);
      expect((await card.getByTestId('channel-error').textContent())?.trim()).toContain(
        `Telegram (127.0.0.1:${port}) refused the connection: nothing listens on that port`,
      );
      // The countdown moves (or the next attempt starts and fails again).
      const first = (await state.textContent())?.trim();
      await page.waitForFunction(
        ([selector, before]) => document.querySelector(selector)?.textContent?.trim() !== before,
        [`[data-testid="channel"][data-channel="Unreachable bot"] [data-testid="channel-state"]`, first] as const,
      );

      await card.getByTestId('channel-test').click();
      const result = card.locator('[data-testid="channel-test-result"][data-ok="false"]');
      await result.waitFor();
      expect((await result.textContent())?.trim()).toBe(
        `Telegram (127.0.0.1:${port}) refused the connection: nothing listens on that port`,
      );
      // The dialog's long hints (Telegram's security hint) wrap in full above the next field.
      await page.getByTestId('channel-new').click();
      const dialog = page.locator('lg-channel-dialog');
      const senders = dialog.locator('mat-form-field').filter({ has: page.getByTestId('channel-allowed-senders') });
      const hint = senders.locator('mat-hint');
      expect((await hint.textContent())?.trim()).toBe(
        'Comma-separated. Empty: anyone who finds the bot can talk to the agent.',
      );
      const next = dialog.locator('mat-form-field').filter({ has: page.getByTestId('channel-approvers') });
      const [hintBox, nextBox] = [await hint.boundingBox(), await next.boundingBox()];
      expect(hintBox!.y + hintBox!.height).toBeLessThanOrEqual(nextBox!.y);
      expect(await hint.evaluate((el) => el.scrollHeight <= el.clientHeight + 1)).toBe(true);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });

      // A retrying channel is a warning toast, not an error.
      const toast = page.locator('[data-testid="attention-toast"][data-kind="channel"]');
      expect((await toast.first().getByTestId('attention-toast-title').textContent())?.trim()).toBe(
        'Telegram channel cannot connect; retrying',
      );
    },
    STEP_TIMEOUT,
  );

  it(
    'the Scheduler: one time zone rule, results sent to a channel by name, and a webhook result followed to Delivered',
    async () => {
      const received: string[] = [];
      const receiver: Server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          received.push(body);
          res.writeHead(200).end('ok');
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      try {
        await nav('Scheduler').click();
        const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
        // The element exists a moment before its bindings are filled in: wait for the zone's name.
        await page.getByTestId('scheduler-time-zone').locator('strong').filter({ hasText: zone }).waitFor();
        expect((await page.getByTestId('scheduler-time-zone').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
          `All times on this page are in your browser’s time zone, ${zone}. A cron schedule runs in the zone named with it.`,
        );

        // A job whose result goes to the channel made above, picked by name.
        await page.getByTestId('job-new').click();
        const form = page.getByTestId('job-form');
        // The cron and time zone hints sit side by side without running into what follows.
        const cronHint = form
          .locator('mat-form-field')
          .filter({ has: page.getByTestId('job-cron') })
          .locator('mat-hint');
        const zoneHint = form
          .locator('mat-form-field')
          .filter({ has: page.getByTestId('job-timezone') })
          .locator('mat-hint');
        const promptField = form.locator('mat-form-field').filter({ has: page.getByTestId('job-prompt') });
        const [cronBox, zoneBox, promptBox] = [
          await cronHint.boundingBox(),
          await zoneHint.boundingBox(),
          await promptField.boundingBox(),
        ];
        for (const box of [cronBox!, zoneBox!]) expect(box.y + box.height).toBeLessThanOrEqual(promptBox!.y);
        expect(cronBox!.x + cronBox!.width).toBeLessThanOrEqual(zoneBox!.x);
        await fillKept(form.getByTestId('job-name'), 'To the bot');
        await fillKept(form.getByTestId('job-prompt'), 'Say hi.');
        await form.getByTestId('job-output-channel').click();
        await form.getByTestId('job-channel').click();
        await page.locator('mat-option').filter({ hasText: 'Unreachable bot' }).click();
        await form.getByTestId('job-channel-hint').filter({ hasText: 'no allowed senders' }).waitFor();
        await form.getByTestId('job-save').click();
        await form.waitFor({ state: 'detached' });
        const channelJob = page.locator('[data-testid="job"][data-job="To the bot"]');
        expect((await channelJob.getByTestId('job-output').textContent())?.trim()).toBe('Channel Unreachable bot');

        // A webhook result: queued, then delivered, without a reload.
        const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
        const job = await api('POST', '/api/scheduler/jobs', {
          name: 'To a webhook',
          trigger: { type: 'interval', everySeconds: 3600 },
          action: { type: 'agent', prompt: 'Report.' },
          output: { type: 'webhook', url },
        });
        expect(job.status).toBe(201);
        model().script({ text: 'All quiet.' });
        await page.reload();
        const row = page.locator('[data-testid="job"][data-job="To a webhook"]');
        await row.getByTestId('job-run-now').click();
        const firing = page.locator('[data-testid="job-history-row"][data-job="To a webhook"] [data-testid="job-run"]');
        await firing.locator('[data-testid="job-run-delivery"] [data-status="delivered"]').waitFor();
        expect(received).toHaveLength(1);
        expect(JSON.parse(received[0]!)).toMatchObject({ event: 'scheduler:job:complete' });
        // Its times are in the browser's zone, named.
        const named = await page.evaluate(
          () =>
            new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
              .formatToParts(new Date())
              .find((part) => part.type === 'timeZoneName')?.value ?? '',
        );
        expect(await row.getByTestId('job-last').textContent()).toContain(named);
      } finally {
        receiver.close();
      }
    },
    STEP_TIMEOUT,
  );

  it(
    'a viewer added on the Operators page reads every page but cannot change anything; their own password they can',
    async () => {
      const viewer = { username: 'watcher', password: 'only looking, thanks' };
      await nav('Operators').click();
      const form = page.getByTestId('operator-form');
      await form.getByTestId('operator-username').fill(viewer.username);
      await form.getByTestId('operator-password').fill(viewer.password);
      // Viewer is the preselected role.
      expect(await form.getByTestId('operator-role-select').textContent()).toContain('Viewer');
      await form.getByTestId('operator-add').click();
      const row = page.locator('[data-testid="operator"][data-operator="watcher"]');
      await row.waitFor();
      expect((await row.getByTestId('operator-role').textContent())?.trim()).toBe(
        'Viewer: reads everything, changes nothing',
      );

      await page.getByRole('button', { name: 'Log out' }).click();
      const login = page.getByTestId('login-form');
      await login.getByLabel('Username').fill(viewer.username);
      await login.getByLabel('Password').fill(viewer.password);
      await login.getByRole('button', { name: 'Log in' }).click();
      await page.getByTestId('read-only').waitFor();

      // Reading works: the groups made above are there, without a button to change them.
      await nav('Agent groups').click();
      await page.locator('[data-testid="group-card"][data-group="Styled"]').waitFor();
      const groupsBefore = await page.getByTestId('group-card').count();
      for (const testId of ['group-new', 'group-edit', 'group-delete', 'group-make-default']) {
        expect(await page.getByTestId(testId).count()).toBe(0);
      }
      // The other pages: what there is to see, and nothing to change with.
      const hidden: Record<string, string[]> = {
        Channels: ['channel-new', 'channel-edit', 'channel-delete', 'channel-test'],
        Scheduler: ['job-new', 'job-run-now', 'job-edit', 'job-delete', 'calendar-new'],
        Skills: ['skill-new', 'skill-edit', 'skill-delete', 'skill-try-open'],
        Webhooks: ['webhook-new'],
        'API keys': ['api-key-form', 'api-key-revoke'],
        Tasks: ['task-new'],
        Runs: ['chat-form', 'run-retry', 'run-cancel'],
      };
      const shown: Record<string, string> = {
        Channels: 'channel',
        Scheduler: 'job',
        Skills: 'skill-enabled',
        Webhooks: 'webhook-enabled-toggle',
        'API keys': 'api-key',
        Tasks: 'tasks',
        Runs: 'chat-read-only',
      };
      for (const [label, testIds] of Object.entries(hidden)) {
        await nav(label).click();
        await page.getByTestId(shown[label]!).first().waitFor();
        for (const testId of testIds)
          expect({ label, testId, count: await page.getByTestId(testId).count() }).toEqual({ label, testId, count: 0 });
      }
      await nav('Channels').click();
      expect(await page.getByTestId('channel').first().getByRole('switch').isDisabled()).toBe(true);
      // No Settings for a viewer (the gateway answers 403 there too).
      expect(await nav('Settings').count()).toBe(0);
      // The gateway still refuses a change sent around the console, and nothing is stored.
      const refused = await api('POST', '/api/agent-groups', { name: 'Sneaky' });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { message: string }).message).toBe(
        'Your account is a viewer (read-only): POST /api/agent-groups needs an admin',
      );
      expect((await api('GET', '/api/settings')).status).toBe(403);
      await nav('Agent groups').click();
      await page.locator('[data-testid="group-card"][data-group="Styled"]').waitFor();
      expect(await page.getByTestId('group-card').count()).toBe(groupsBefore);

      // No operator management for a viewer, but their own password.
      await nav('Operators').click();
      await page.getByTestId('operators-viewer-note').waitFor();
      expect(await page.getByTestId('operator-form').count()).toBe(0);
      expect(await page.getByTestId('operator-delete').count()).toBe(0);
      const password = page.getByTestId('password-form');
      await password.getByTestId('password-current').fill(viewer.password);
      await password.getByTestId('password-new').fill('a new passphrase for me');
      await password.getByTestId('password-confirm').fill('a new passphrase for me');
      await password.getByTestId('password-change').click();
      await page.getByTestId('password-done').waitFor();
      const relogin = await fetch(`${base()}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: viewer.username, password: 'a new passphrase for me' }),
      });
      expect(relogin.status).toBe(200);
    },
    STEP_TIMEOUT,
  );
});

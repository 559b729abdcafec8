/**
 * The console as an operator uses it, in Debian's Chromium against the built gateway + console, with
 * the local Anthropic-compatible server as the model: first-run set-up, logout, login (and a wrong
 * password), the live activity feed, reload, the test chat streaming a reply, runs and their detail,
 * agent groups, usage and prices, a tool call held for approval and approved in the console, tools (on the Skills page), a loop
 * task, a scheduled job run now, and a session revoked elsewhere.
 */
import type { Page } from 'playwright-core';
import { ADMIN, STEP_TIMEOUT, fillKept, useConsoleE2e } from './console-e2e.js';

const e2e = useConsoleE2e({ model: true });
let page: Page;
const { base, path, sessionToken } = e2e;
const model = () => e2e.claude;
const storedSession = () => page.evaluate(() => localStorage.getItem('lg.session'));
const text = async (testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').trim();

/** Waits until the toolbar says the live connection is up. */
const liveConnection = () =>
  page.getByTestId('toolbar').locator('[data-testid="connection-status"][data-state="connected"]').waitFor();

async function apiLogin(password: string): Promise<Response> {
  return fetch(`${base()}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: ADMIN.username, password }),
  });
}

beforeAll(() => {
  page = e2e.page;
});

describe('console', () => {
  it(
    'first visit shows the set-up form; creating the admin lands in the shell',
    async () => {
      await page.goto(`${base()}/`);
      const form = page.getByTestId('setup-form');
      await form.waitFor();
      expect(path()).toBe('/setup');

      // The gateway's own validation message is shown.
      await form.getByLabel('Username').fill(ADMIN.username);
      await form.getByLabel('Password', { exact: true }).fill('short');
      await form.getByLabel('Confirm password').fill('short');
      await form.getByRole('button', { name: 'Create admin' }).click();
      await page
        .getByTestId('form-error')
        .filter({ hasText: 'password must be at least 10 characters long' })
        .waitFor();
      expect(path()).toBe('/setup');

      await form.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await form.getByLabel('Confirm password').fill(ADMIN.password);
      await form.getByRole('button', { name: 'Create admin' }).click();

      await page.getByTestId('current-user').waitFor();
      expect(path()).toBe('/overview');
      expect(await text('product-name')).toBe('Loop Gateway');
      expect(await text('current-user')).toBe(ADMIN.username);
      const nav = await page.getByTestId('side-nav').getByRole('link').allTextContents();
      expect(nav.map((label) => label.trim())).toEqual([
        'Overview',
        'Runs',
        'Agents',
        'Tasks',
        'Scheduler',
        'Channels',
        'Agent groups',
        'Skills',
        'Approvals',
        'Webhooks',
        'API keys',
        'Usage',
        'Operators',
        'Settings',
      ]);

      // Overview: gateway health from GET /api/health, and the live connection.
      await page.getByTestId('health-status').filter({ hasText: 'OK' }).waitFor();
      expect(await text('health-database')).toBe('SQLite');
      expect(await text('health-version')).toMatch(/^\d+\.\d+\.\d+/);
      await liveConnection();
      expect(JSON.parse((await storedSession()) ?? '{}')).toMatchObject({ user: { username: ADMIN.username } });
    },
    STEP_TIMEOUT,
  );

  it(
    'logout returns to the login form, where a wrong password shows the error',
    async () => {
      await page.getByRole('button', { name: 'Log out' }).click();
      const form = page.getByTestId('login-form');
      await form.waitFor();
      expect(path()).toBe('/login');
      expect(await storedSession()).toBeNull();

      await form.getByLabel('Username').fill(ADMIN.username);
      await form.getByLabel('Password').fill('not the password');
      await form.getByRole('button', { name: 'Log in' }).click();
      await page.getByTestId('form-error').filter({ hasText: 'Invalid username or password' }).waitFor();
      expect(path()).toBe('/login');
      expect(await storedSession()).toBeNull();
    },
    STEP_TIMEOUT,
  );

  it(
    'after login the activity feed is live: a login elsewhere shows up without a reload',
    async () => {
      const form = page.getByTestId('login-form');
      await form.getByLabel('Password').fill(ADMIN.password);
      await form.getByRole('button', { name: 'Log in' }).click();
      await page.getByTestId('current-user').waitFor();
      expect(path()).toBe('/overview');
      await liveConnection();

      // Proof that the page is not reloaded: this marker would be gone.
      await page.evaluate(() => Object.assign(window, { e2eMarker: 'same page' }));
      const entries = page.getByTestId('overview-activity').getByTestId('activity-entry');
      const before = await entries.count();

      const response = await apiLogin(ADMIN.password);
      expect(response.status).toBe(200);

      await page.waitForFunction(
        (count) =>
          document.querySelectorAll('[data-testid="overview-activity"] [data-testid="activity-entry"]').length > count,
        before,
      );
      const newest = entries.first();
      expect(await newest.getAttribute('data-event')).toBe('auth:login');
      expect((await newest.getByTestId('activity-event').textContent())?.trim()).toBe('auth:login');
      expect((await newest.getByTestId('activity-summary').textContent())?.trim()).toBe(
        `${ADMIN.username} logged in from 127.0.0.1`,
      );
      expect(await newest.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(await page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe('same page');
    },
    STEP_TIMEOUT,
  );

  it(
    'a reload keeps the operator logged in',
    async () => {
      await page.reload();
      await page.getByTestId('current-user').waitFor();
      expect(path()).toBe('/overview');
      expect(await page.getByTestId('login-form').count()).toBe(0);
      await liveConnection();
    },
    STEP_TIMEOUT,
  );

  it(
    'the test chat streams the reply as the model writes it; the run shows in the list and its detail',
    async () => {
      const answer = 'The gateway is up and answering from the local model, one word after another.';
      model().latencyMs = 3000; // the answer's events are spread over the second half
      model().script({ text: answer, usage: { input_tokens: 250, output_tokens: 16 } });
      await page.getByTestId('side-nav').getByRole('link', { name: 'Runs' }).click();
      await page.getByTestId('test-chat').waitFor();
      expect(path()).toBe('/runs');
      await liveConnection();

      await page.getByTestId('chat-input').fill('Is the gateway up?');
      await page.getByTestId('chat-input').press('Enter');
      const turn = page.getByTestId('chat-turn').last();
      expect((await turn.getByTestId('chat-message').textContent())?.trim()).toBe('Is the gateway up?');

      // Part of the answer is on screen while the run is still running.
      await page.waitForFunction((full) => {
        const last = [...document.querySelectorAll('[data-testid="chat-turn"]')].at(-1);
        const reply = last?.querySelector('[data-testid="chat-reply"]')?.textContent?.trim() ?? '';
        const status = last?.querySelector('[data-testid="run-status"]')?.getAttribute('data-status');
        return status === 'running' && reply.length > 0 && reply.length < full.length && full.startsWith(reply);
      }, answer);
      await turn.locator('[data-testid="run-status"][data-status="completed"]').waitFor();
      expect((await turn.getByTestId('chat-reply').textContent())?.trim()).toBe(answer);
      expect((await turn.getByTestId('chat-tokens').textContent())?.trim()).toBe('250 in · 16 out');

      // The recent runs list got it live.
      const row = page.getByTestId('recent-runs').getByTestId('run-row').first();
      await row.locator('[data-status="completed"]').waitFor();
      await row.getByTestId('run-link').filter({ hasText: 'Is the gateway up?' }).waitFor();
      expect((await row.getByTestId('run-tokens').textContent())?.trim()).toBe('250 / 16');

      // A follow-up continues the conversation: the model sees the first exchange.
      model().latencyMs = 0;
      model().script({ text: 'Yes, still the same conversation.' });
      await page.getByTestId('chat-input').fill('Are you sure?');
      await page.getByTestId('chat-send').click();
      const second = page.getByTestId('chat-turn').nth(1);
      await second.locator('[data-testid="run-status"][data-status="completed"]').waitFor();
      expect((await second.getByTestId('chat-reply').textContent())?.trim()).toBe('Yes, still the same conversation.');
      const sent = model().requests.at(-1)?.body.messages ?? [];
      expect(sent.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
      expect(JSON.stringify(sent[1])).toContain('one word after another');

      // The run detail: the message timeline and the model call.
      await page.getByTestId('chat-turn').first().getByTestId('chat-run-link').click();
      await page.getByTestId('run-timeline').waitFor();
      expect(path()).toMatch(/^\/runs\/[0-9a-f-]{36}$/);
      const messages = page.getByTestId('timeline-message');
      await messages.nth(1).waitFor();
      expect(await messages.count()).toBe(2);
      expect(await messages.nth(0).textContent()).toContain('Is the gateway up?');
      expect(await messages.nth(1).textContent()).toContain(answer);
      const call = page.getByTestId('model-call');
      expect(await call.count()).toBe(1);
      expect(await call.first().textContent()).toContain('250 / 16');
      expect(await page.getByTestId('run-detail-tokens').textContent()).toContain('250 in · 16 out');
    },
    STEP_TIMEOUT,
  );

  it(
    'a run the model fails shows as failed with the error, in the chat and in the list',
    async () => {
      model().script({ error: { status: 400, message: 'messages: refused for this e2e' } });
      await page.getByTestId('back-to-runs').click();
      await page.getByTestId('test-chat').waitFor();
      await page.getByTestId('chat-new').click();
      await page.getByTestId('chat-turn').first().waitFor({ state: 'detached' });
      expect(await page.getByTestId('chat-turn').count()).toBe(0);

      await page.getByTestId('chat-input').fill('This one breaks');
      await page.getByTestId('chat-send').click();
      const turn = page.getByTestId('chat-turn').last();
      await turn.locator('[data-testid="run-status"][data-status="failed"]').waitFor();
      expect(await turn.getByTestId('chat-error').textContent()).toContain('messages: refused for this e2e');

      const row = page.getByTestId('recent-runs').getByTestId('run-row').first();
      await row.locator('[data-status="failed"]').waitFor();
      await row.getByTestId('run-link').filter({ hasText: 'This one breaks' }).waitFor();
      expect(await row.getByTestId('run-error').textContent()).toContain('messages: refused for this e2e');
    },
    STEP_TIMEOUT,
  );

  it(
    'agent groups: budget use, create with a key, the API refusals shown, make default, delete',
    async () => {
      await page.getByTestId('side-nav').getByRole('link', { name: 'Agent groups' }).click();
      const card = (name: string) => page.locator(`[data-testid="group-card"][data-group="${name}"]`);
      await card('Default').getByTestId('group-default-marker').waitFor();
      expect(path()).toBe('/groups');
      expect((await card('Default').getByTestId('group-key').textContent())?.trim()).toBe('Uses the global key');

      // A daily budget on the default group: the bar shows what the runs above used.
      await card('Default').getByTestId('group-edit').click();
      const form = page.getByTestId('group-form');
      await fillKept(form.getByTestId('group-budget-day'), '100000');
      await form.getByTestId('group-save').click();
      await form.waitFor({ state: 'detached' });
      const today = card('Default').locator('[data-testid="budget"][data-window="Today"]');
      await today.getByTestId('budget-value').filter({ hasText: '/ 100,000 tokens' }).waitFor();
      const used = Number(
        (await today.getByTestId('budget-value').textContent())?.trim().split(' ')[0]?.replace(/,/g, ''),
      );
      expect(used).toBeGreaterThanOrEqual(266);

      // A new group with its own key (never shown again).
      await page.getByTestId('group-new').click();
      await fillKept(form.getByTestId('group-name'), 'Support');
      await form.getByText('Set a key for this group').click();
      await form.getByTestId('group-api-key').fill('sk-ant-e2e-key-0001');
      await form.getByTestId('group-save').click();
      await card('Support').waitFor();
      expect((await card('Support').getByTestId('group-key').textContent())?.trim()).toBe('Own API key set');

      // The gateway's 409s are shown where they happen.
      await page.getByTestId('group-new').click();
      await fillKept(form.getByTestId('group-name'), 'Support');
      await form.getByTestId('group-save').click();
      await page
        .getByTestId('form-error')
        .filter({ hasText: 'An agent group named "Support" already exists' })
        .waitFor();
      await form.getByRole('button', { name: 'Cancel' }).click();
      await form.waitFor({ state: 'detached' });

      // The default group offers no Delete (the gateway would refuse it).
      expect(await card('Default').getByTestId('group-delete').count()).toBe(0);

      // Support becomes the default; then the old default can go.
      await card('Support').getByTestId('group-make-default').click();
      await card('Support').getByTestId('group-default-marker').waitFor();
      expect(await card('Default').getByTestId('group-default-marker').count()).toBe(0);
      await card('Default').getByTestId('group-delete').click();
      await page.getByTestId('confirm').click();
      await card('Default').waitFor({ state: 'detached' });
      expect(await page.getByTestId('group-card').count()).toBe(1);
    },
    STEP_TIMEOUT,
  );

  it(
    'usage: totals, the daily chart, per model, recent calls, and the price table with its validation',
    async () => {
      await page.getByTestId('side-nav').getByRole('link', { name: 'Usage' }).click();
      const allTime = page.locator('[data-testid="usage-total"][data-window="All time"]');
      await allTime.waitFor();
      expect(path()).toBe('/usage');
      expect(Number(await allTime.getByTestId('usage-calls').textContent())).toBe(3);
      expect((await allTime.getByTestId('usage-tokens').textContent())?.trim()).toMatch(/^[\d,]+ \/ [\d,]+$/);
      expect((await allTime.getByTestId('usage-cost').textContent())?.trim()).toMatch(/^\$\d+\.\d{2,4}$/);
      expect(await page.getByTestId('usage-chart').locator('canvas').isVisible()).toBe(true);
      await page.getByTestId('usage-model').first().waitFor();
      expect(await page.getByTestId('usage-model').first().textContent()).toContain('claude-');
      const calls = page.getByTestId('usage-call');
      expect(await calls.count()).toBe(3);
      expect(await calls.first().textContent()).toContain('messages: refused for this e2e');

      // The gateway names the entry it refuses.
      const prices = page.getByTestId('price-table');
      await prices.getByTestId('price-row').first().waitFor(); // the table loads on its own
      const before = await prices.getByTestId('price-row').count();
      await prices.getByTestId('price-add').click();
      // The new row, once it is rendered: `last()` right after the click could still be the old last row.
      const row = prices.getByTestId('price-row').nth(before);
      await row.waitFor();
      await row.getByLabel('Model prefix').fill('my model');
      await row.getByLabel(/^input price/).fill('2');
      await prices.getByTestId('price-save').click();
      await prices
        .getByTestId('price-error')
        .filter({ hasText: 'prices: "my model" is not a model id prefix' })
        .waitFor();
      await row.getByLabel('Model prefix').fill('my-model');
      await prices.getByTestId('price-save').click();
      await prices.getByTestId('price-notice').waitFor();
      expect(await prices.getByTestId('price-row').count()).toBe(before + 1);

      const response = await fetch(`${base()}/api/usage/prices`, {
        headers: {
          Authorization: `Bearer ${await page.evaluate(() => (JSON.parse(localStorage.getItem('lg.session') ?? '{}') as { token?: string }).token)}`,
        },
      });
      const table = (await response.json()) as { prices: Record<string, unknown> };
      expect(table.prices['my-model']).toEqual({ input: 2, output: 0, cacheWrite: 0, cacheRead: 0 });
    },
    STEP_TIMEOUT,
  );

  it(
    'approvals: a held run_script call appears live with its arguments and conversation; approving it lets the run finish',
    async () => {
      const script = 'echo approved-in-the-console';
      model().latencyMs = 0;
      model().script(
        { text: 'I will run the check.', toolUse: { name: 'run_script', input: { language: 'bash', script } } },
        { text: 'The check printed approved-in-the-console.' },
      );
      await page.getByTestId('side-nav').getByRole('link', { name: 'Approvals' }).click();
      await page.getByTestId('approval-queue-empty').waitFor();
      expect(path()).toBe('/approvals');
      await liveConnection();
      expect(await text('approval-pending-count')).toBe('0');
      // Proof that the request shows up without a reload: this marker would be gone.
      await page.evaluate(() => Object.assign(window, { e2eMarker: 'approvals page' }));

      // A run from the API: run_script calls wait for a person by default.
      const response = await fetch(`${base()}/api/runs`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await sessionToken()}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'Run the disk check' }),
      });
      expect(response.status).toBe(202);
      const { runId } = (await response.json()) as { runId: string };

      const card = page.getByTestId('approval').filter({
        has: page.locator(`[data-testid="approval-run-link"][href="/runs/${runId}"]`),
      });
      await card.getByTestId('conversation-text').nth(1).waitFor();
      expect((await card.getByTestId('approval-tool').textContent())?.trim()).toBe('run_script');
      expect((await card.getByTestId('tool-risk').textContent())?.trim()).toBe('High risk');
      expect(JSON.parse((await card.getByTestId('approval-input').textContent()) ?? '')).toEqual({
        language: 'bash',
        script,
      });
      const lines = card.getByTestId('conversation-text');
      expect(await lines.nth(0).textContent()).toBe('Run the disk check');
      expect(await lines.nth(1).textContent()).toContain(
        `[calls run_script with {"language":"bash","script":"${script}"}]`,
      );
      expect((await card.getByTestId('approval-time-left').textContent())?.trim()).toMatch(
        /^Rejected automatically in 1[45] min( \d+ s)?$/,
      );
      await page.getByTestId('approval-pending-count').filter({ hasText: '1' }).waitFor();
      expect(await page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe('approvals page');

      await card.getByTestId('approval-comment').fill('A read-only check, fine');
      await card.getByTestId('approval-approve').click();
      await card.waitFor({ state: 'detached' });
      const decision = page.locator('[data-testid="approval-decision"][data-status="approved"]').first();
      await decision.waitFor();
      expect((await decision.getByTestId('approval-decided-by').textContent())?.trim()).toBe(ADMIN.username);
      expect((await decision.getByTestId('approval-decision-comment').textContent())?.trim()).toBe(
        'A read-only check, fine',
      );
      await page.getByTestId('approval-queue-empty').waitFor();
      await page.getByTestId('approval-approved-count').filter({ hasText: '1' }).waitFor();

      // The run goes on: the script ran, its output went to the model, and the run completed.
      await page.getByTestId('side-nav').getByRole('link', { name: 'Runs' }).click();
      const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
      await row.locator('[data-testid="run-status"][data-status="completed"]').waitFor();
      expect(path()).toBe('/runs');
      expect(JSON.stringify(model().requests.at(-1)?.body.messages.at(-1))).toContain('approved-in-the-console');
    },
    STEP_TIMEOUT,
  );

  it(
    'the test chat shows a run waiting for approval; rejected with a reason, the agent answers without the call',
    async () => {
      model().script(
        { toolUse: { name: 'run_script', input: { language: 'bash', script: 'rm -rf ./tmp' } } },
        { text: 'I was not allowed to clean it up.' },
      );
      await page.getByTestId('test-chat').waitFor();
      await page.getByTestId('chat-new').click();
      await page.getByTestId('chat-turn').first().waitFor({ state: 'detached' });
      await page.getByTestId('chat-input').fill('Clean up the temp folder');
      await page.getByTestId('chat-input').press('Enter');
      const turn = page.getByTestId('chat-turn').last();
      await turn.locator('[data-testid="run-status"][data-status="waiting"]').waitFor();
      expect((await turn.getByTestId('run-status').textContent())?.trim()).toBe('Waiting');
      expect(await turn.getByTestId('chat-held').textContent()).toContain('run_script');

      await turn.getByTestId('chat-approvals-link').click();
      const card = page.getByTestId('approval').first();
      await card.waitFor();
      expect(path()).toBe('/approvals');
      expect(await card.getByTestId('approval-input').textContent()).toContain('rm -rf ./tmp');
      await card.getByTestId('approval-comment').fill('Not on this machine');
      await card.getByTestId('approval-reject').click();
      const decision = page.locator('[data-testid="approval-decision"][data-status="rejected"]').first();
      await decision.waitFor();
      expect((await decision.getByTestId('approval-decided-by').textContent())?.trim()).toBe(ADMIN.username);

      await page.getByTestId('side-nav').getByRole('link', { name: 'Runs' }).click();
      await turn.locator('[data-testid="run-status"][data-status="completed"]').waitFor();
      expect((await turn.getByTestId('chat-reply').textContent())?.trim()).toBe('I was not allowed to clean it up.');
      const result = JSON.stringify(model().requests.at(-1)?.body.messages.at(-1));
      expect(result).toContain('Not on this machine');
      expect(result).toContain('"is_error":true');
    },
    STEP_TIMEOUT,
  );

  it(
    'tools are skills: the old Tools address opens the Skills page, built-ins with risk and approval default; disabling one holds after a reload',
    async () => {
      await page.goto(`${base()}/tools`);
      const row = (name: string) => page.locator(`[data-testid="skill"][data-skill="${name}"]`);
      await row('run_script').waitFor();
      expect(path()).toBe('/skills');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Skills');
      expect(await page.getByTestId('skill-row-name').allTextContents()).toEqual([
        'broadcast',
        'delegate',
        'http_request',
        'load_skill',
        'query',
        'read_skill_file',
        'run_script',
        'web_browse',
      ]);
      expect((await row('run_script').getByTestId('skill-source').textContent())?.trim()).toBe('Built-in');
      expect((await row('run_script').getByTestId('tool-risk').textContent())?.trim()).toBe('High risk');
      expect((await row('run_script').getByTestId('skill-approval').textContent())?.trim()).toBe('Every call');
      await row('http_request').locator('summary').click();
      expect(await row('http_request').getByTestId('skill-schema-view').textContent()).toContain('"url"');

      const toggle = row('run_script').getByRole('switch');
      expect(await toggle.getAttribute('aria-checked')).toBe('true');
      await toggle.click();
      await row('run_script').and(page.locator('.disabled')).waitFor();
      await page.reload();
      await row('run_script').waitFor();
      expect(await row('run_script').getByRole('switch').getAttribute('aria-checked')).toBe('false');
    },
    STEP_TIMEOUT,
  );

  it(
    'tasks: a task created in the console works live, iteration by iteration, until the agent says it is done',
    async () => {
      model().latencyMs = 1000; // long enough to see the task at work
      model().script({ text: 'Part one.' }, { text: 'Part two.\n<promise>COMPLETE</promise>' });
      await page.getByTestId('side-nav').getByRole('link', { name: 'Tasks' }).click();
      await page.getByTestId('tasks-empty').waitFor();
      expect(path()).toBe('/tasks');
      await liveConnection();
      // Proof that the task moves without a reload: this marker would be gone.
      await page.evaluate(() => Object.assign(window, { e2eMarker: 'tasks page' }));

      await page.getByTestId('task-new').click();
      const form = page.getByTestId('task-form');
      const limit = form.getByTestId('task-max-iterations');
      await fillKept(limit, '5');
      await form.getByTestId('task-name').fill('Two parts');
      await form.getByTestId('task-prompt').fill('Write the report in two parts.');
      expect(await limit.inputValue()).toBe('5');
      await form.getByTestId('task-save').click();
      await form.waitFor({ state: 'detached' });

      const row = page.getByTestId('task-row').filter({ hasText: 'Two parts' });
      await row.locator('[data-testid="run-status"][data-status="running"]').waitFor();
      await row.locator('[data-testid="run-status"][data-status="completed"]').waitFor();
      expect((await row.getByTestId('task-iterations').textContent())?.trim()).toBe('2 of 5');
      expect((await row.getByTestId('task-completion').textContent())?.trim()).toBe('The agent said it is done');
      expect(await page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe('tasks page');

      // The detail: each iteration with its run, the prompt, and the output the iterations wrote.
      await row.getByTestId('task-link').click();
      await page.getByTestId('task-output').waitFor();
      expect(path()).toMatch(/^\/tasks\/[0-9a-f-]{36}$/);
      expect(await page.getByTestId('task-output').textContent()).toBe('Part one.\n\nPart two.');
      expect(await page.getByTestId('task-iteration-summary').allTextContents()).toEqual(['Part one.', 'Part two.']);
      expect(await page.getByTestId('task-iteration-run').first().getAttribute('href')).toMatch(
        /^\/runs\/[0-9a-f-]{36}$/,
      );
      expect(await page.getByTestId('task-prompt').textContent()).toBe('Write the report in two parts.');
      expect(await page.getByTestId('task-stop').isDisabled()).toBe(true);
      expect(await page.getByTestId('task-start').isDisabled()).toBe(true);
      expect(JSON.stringify(model().requests.at(-1)?.body)).toContain('Part one.');
    },
    STEP_TIMEOUT,
  );

  it(
    'scheduler: a job with an interval trigger, fired with "Run now", succeeds with its output in the history',
    async () => {
      model().latencyMs = 0;
      model().script({ text: 'The nightly build is green.' });
      await page.getByTestId('side-nav').getByRole('link', { name: 'Scheduler' }).click();
      await page.getByTestId('jobs-empty').waitFor();
      expect(path()).toBe('/scheduler');
      await liveConnection();

      // The gateway names the field it refuses.
      await page.getByTestId('job-new').click();
      const form = page.getByTestId('job-form');
      await fillKept(form.getByTestId('job-name'), 'Build check');
      await fillKept(form.getByTestId('job-timezone'), 'Mars/Olympus');
      await form.getByTestId('job-prompt').fill('Is the nightly build green?');
      await form.getByTestId('job-save').click();
      await page
        .getByTestId('form-error')
        .filter({ hasText: 'trigger.timezone: "Mars/Olympus" is not an IANA time zone' })
        .waitFor();

      await form.getByText('Every few seconds').click();
      await form.getByTestId('job-every').fill('3600');
      await form.getByTestId('job-save').click();
      await form.waitFor({ state: 'detached' });
      const row = page.locator('[data-testid="job"][data-job="Build check"]');
      expect((await row.getByTestId('job-trigger').textContent())?.trim()).toBe('Every 1 h');
      expect((await row.getByTestId('job-output').textContent())?.trim()).toBe('None');
      expect(await row.getByRole('switch').getAttribute('aria-checked')).toBe('true');
      await page.getByTestId('stats-jobs').filter({ hasText: '1' }).waitFor();

      await row.getByTestId('job-run-now').click();
      const firing = page.locator('[data-testid="job-history-row"][data-job="Build check"] [data-testid="job-run"]');
      await firing.and(page.locator('[data-status="success"]')).waitFor();
      expect(await firing.count()).toBe(1);
      expect((await firing.getByTestId('job-run-cause').textContent())?.trim()).toBe('Run now');
      expect((await firing.getByTestId('job-run-output').textContent())?.trim()).toBe('The nightly build is green.');
      expect(await firing.getByTestId('job-run-link').getAttribute('href')).toMatch(/^\/runs\/[0-9a-f-]{36}$/);
      await page.getByTestId('stats-runs').filter({ hasText: '1' }).waitFor();
    },
    STEP_TIMEOUT,
  );

  it(
    'the run page marks where a long conversation was compacted, and usage shows what caching saved',
    async () => {
      const headers = { Authorization: `Bearer ${await sessionToken()}`, 'Content-Type': 'application/json' };
      const api = async (method: string, url: string, body?: object) => {
        const response = await fetch(`${base()}${url}`, { method, headers, body: JSON.stringify(body) });
        expect(response.status).toBeLessThan(300);
        return (await response.json()) as Record<string, unknown>;
      };
      const groups = (await (await fetch(`${base()}/api/agent-groups`, { headers })).json()) as { id: string }[];
      const window = 8000;
      await api('PUT', `/api/agent-groups/${groups[0]!.id}`, { contextWindowTokens: window });
      model().contextWindowTokens = window;
      try {
        let conversationId: string | undefined;
        let runId = '';
        for (let turn = 1; turn <= 6; turn++) {
          const message = `Turn ${turn}: ${'a long message about the weekly report '.repeat(25)}`;
          const accepted = await api('POST', '/api/runs', { message, ...(conversationId ? { conversationId } : {}) });
          conversationId = accepted.conversationId as string;
          runId = accepted.runId as string;
          for (;;) {
            const run = await api('GET', `/api/runs/${runId}`);
            if (run.status === 'completed') break;
            expect(['queued', 'running']).toContain(run.status);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
        const runs = (await (await fetch(`${base()}/api/runs?limit=6`, { headers })).json()) as { id: string }[];
        const details = await Promise.all(runs.map((run) => api('GET', `/api/runs/${run.id}`)));
        const compacted = details.find((run) => (run.compactions as unknown[]).length > 0);
        expect(compacted).toBeDefined();

        await page.goto(`${base()}/runs/${compacted!.id as string}`);
        const marker = page.getByTestId('timeline-compaction');
        await marker.waitFor();
        expect(await marker.textContent()).toMatch(/Conversation compacted: \d+ earlier messages/);
        expect(await page.getByTestId('model-call').count()).toBe(2);

        await page.getByTestId('side-nav').getByRole('link', { name: 'Usage' }).click();
        const saved = page.locator(
          '[data-testid="usage-total"][data-window="All time"] [data-testid="usage-cache-saved"]',
        );
        await saved.waitFor();
        expect(await saved.textContent()).toMatch(/^\s*\$\d/);
      } finally {
        model().contextWindowTokens = undefined;
        await api('PUT', `/api/agent-groups/${groups[0]!.id}`, { contextWindowTokens: null });
      }
    },
    STEP_TIMEOUT,
  );

  it(
    'a session revoked elsewhere sends the console back to the login page',
    async () => {
      const token = await page.evaluate(
        () => (JSON.parse(localStorage.getItem('lg.session') ?? '{}') as { token?: string }).token,
      );
      expect(token).toEqual(expect.any(String));

      const response = await fetch(`${base()}/api/auth/logout`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(204);

      // The gateway closes the live connection with 4401; the console ends the session.
      await page.getByTestId('login-form').waitFor();
      expect(path()).toBe('/login');
      expect(await text('form-notice')).toBe('Your session has ended. Please log in again.');
      expect(await storedSession()).toBeNull();
    },
    STEP_TIMEOUT,
  );
});

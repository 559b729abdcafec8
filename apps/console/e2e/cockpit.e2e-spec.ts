/**
 * The console as an operator's cockpit, in Debian's Chromium against the built gateway + console with
 * the local Anthropic-compatible server as the model: a tool call held while the operator is on
 * another page (nav badge, tab title, toast with Approve), the group dialog's forms that cannot lie
 * (the Channel styles panel reachable, skills chosen from the gateway's, a blank name refused), and a
 * viewer operator added by the admin who reads everything but cannot change anything.
 */
import type { Page } from 'playwright-core';
import { ADMIN, STEP_TIMEOUT, useConsoleE2e } from './console-e2e.js';

const e2e = useConsoleE2e({ model: true, createAdmin: true });
let page: Page;
const { base, api, path } = e2e;
const model = () => e2e.claude;
const nav = (label: string) => page.getByTestId('side-nav').getByRole('link', { name: label });

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
        'query',
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

      // Reading works: the groups made above are there.
      await nav('Agent groups').click();
      await page.locator('[data-testid="group-card"][data-group="Styled"]').waitFor();
      const groupsBefore = await page.getByTestId('group-card').count();
      // A change is refused with the reason, and nothing is stored.
      await page.getByTestId('group-new').click();
      const dialog = page.getByTestId('group-form');
      await dialog.getByTestId('group-name').fill('Sneaky');
      await dialog.getByTestId('group-save').click();
      await page
        .getByTestId('form-error')
        .filter({ hasText: 'Your account is a viewer (read-only): POST /api/agent-groups needs an admin' })
        .waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
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

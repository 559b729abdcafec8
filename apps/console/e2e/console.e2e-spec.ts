/**
 * The console as an operator uses it, in Debian's Chromium against the built gateway + console:
 * first-run set-up, logout, login (and a wrong password), the live activity feed, reload, and a
 * session revoked elsewhere.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_BUILD, type GatewayProcess, startGatewayProcess } from '@loop-gateway/testing';

const ADMIN = { username: 'admin', password: 'correct horse battery staple' };
const STEP_TIMEOUT = 60_000;

let gateway: GatewayProcess | undefined;
let browser: Browser | undefined;
let page: Page;

const base = () => {
  if (!gateway) throw new Error('The gateway did not start');
  return gateway.url;
};
const path = () => new URL(page.url()).pathname;
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

beforeAll(async () => {
  if (!existsSync(join(CONSOLE_BUILD, 'index.html'))) throw new Error('The console is not built: run npm run build');
  gateway = await startGatewayProcess({ env: { CONSOLE_DIR: CONSOLE_BUILD, RATE_LIMIT_PER_MINUTE: '100000' } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(20_000);
}, STEP_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
}, STEP_TIMEOUT);

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
      expect(nav.map((label) => label.trim())).toEqual(['Overview']);

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

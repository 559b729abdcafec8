/**
 * Who may reach what, in Debian's Chromium against the built gateway + console listening on every
 * interface (HOST=0.0.0.0): the first set-up asks for the one-time code the gateway printed in its
 * log, and the API docs at /api/docs open for the signed-in operator (with "Try it out" carrying the
 * console's session) but not for a browser without a session.
 */
import type { Page } from 'playwright-core';
import { ADMIN, STEP_TIMEOUT, useConsoleE2e } from './console-e2e.js';

const e2e = useConsoleE2e({ env: { HOST: '0.0.0.0' }, viewport: { width: 1280, height: 900 } });
let page: Page;
const { base } = e2e;

/** The set-up code from the gateway's log (printed at start, before it answers). */
async function printedSetupCode(): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const code = /set-up code ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(e2e.gateway.output())?.[1];
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`No set-up code in the gateway's log:\n${e2e.gateway.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(() => {
  page = e2e.page;
});

describe('operator access', () => {
  it(
    'first set-up asks for the code from the gateway’s log, refuses a wrong one, and takes the right one',
    async () => {
      const code = await printedSetupCode();

      await page.goto(`${base()}/`);
      const form = page.getByTestId('setup-form');
      await form.waitFor();
      const codeField = form.getByLabel('Set-up code');
      await codeField.waitFor();
      expect(await form.textContent()).toContain("Printed in the gateway's log at start, or the SETUP_TOKEN you set");

      await form.getByLabel('Username').fill(ADMIN.username);
      await form.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await form.getByLabel('Confirm password').fill(ADMIN.password);
      await codeField.fill('AAAA-BBBB-CCCC');
      await form.getByRole('button', { name: 'Create admin' }).click();
      await page.getByTestId('form-error').filter({ hasText: 'setupCode is wrong' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/setup');

      await codeField.fill(code);
      await form.getByRole('button', { name: 'Create admin' }).click();
      await page.getByTestId('current-user').waitFor();
      expect(new URL(page.url()).pathname).toBe('/overview');
    },
    STEP_TIMEOUT,
  );

  it(
    'opens the API docs for the signed-in operator, whose session "Try it out" uses',
    async () => {
      await page.goto(`${base()}/api/docs`);
      const me = page.locator('#operations-auth-me');
      await me.waitFor();
      await me.locator('.opblock-summary').click();
      await me.getByRole('button', { name: 'Try it out' }).click();
      await me.getByRole('button', { name: 'Execute' }).click();
      await me.locator('.live-responses-table .response-col_status').filter({ hasText: '200' }).waitFor();
      expect(await me.locator('.live-responses-table').textContent()).toContain(`"username": "${ADMIN.username}"`);
      // The token travelled in the Authorization header, never in the page's URL.
      expect(page.url()).not.toContain('lgs_');
    },
    STEP_TIMEOUT,
  );

  it(
    'tells a browser without a session to sign in, and shows nothing of the API',
    async () => {
      const stranger = await e2e.browser.newPage();
      try {
        await stranger.goto(`${base()}/api/docs`);
        const message = stranger.getByTestId('docs-message');
        await message.filter({ hasText: 'for signed-in operators' }).waitFor();
        expect(await message.getByRole('link', { name: 'Sign in to the console' }).getAttribute('href')).toBe('/login');
        expect(await stranger.locator('.opblock').count()).toBe(0);
      } finally {
        await stranger.close();
      }
    },
    STEP_TIMEOUT,
  );
});

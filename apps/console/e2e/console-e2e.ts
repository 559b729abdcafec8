/**
 * The set-up every console e2e spec shares: the built gateway process serving the built console (with
 * the local Anthropic-compatible server as its model when asked), Debian's Chromium with one page, and
 * the helpers the specs use against them. `useConsoleE2e` registers the spec file's beforeAll/afterAll;
 * the handle's fields are there from the first test on.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_BUILD, type GatewayProcess, LocalClaude, startGatewayProcess } from '@loop-gateway/testing';
import { launchChromium } from './chromium.js';

export const ADMIN = { username: 'admin', password: 'correct horse battery staple' };
export const STEP_TIMEOUT = 60_000;

export interface ConsoleE2eOptions {
  /** Start the local Claude and point the gateway at it. */
  model?: boolean;
  /** Called with the local Claude before the gateway starts (responders, scripts). */
  prepareModel?: (claude: LocalClaude) => void;
  /** More environment for the gateway (CONSOLE_DIR and a high rate limit are always set). */
  env?: Record<string, string>;
  viewport?: { width: number; height: number };
  /** Create the first admin through the set-up form before the first test. */
  createAdmin?: boolean;
}

export interface ConsoleE2e {
  readonly page: Page;
  readonly browser: Browser;
  readonly gateway: GatewayProcess;
  /** The local Claude (only with `model: true`). */
  readonly claude: LocalClaude;
  /** The gateway's base URL. */
  base(): string;
  /** The path of the page's current URL. */
  path(): string;
  /** The console session's token, from the page's local storage. */
  sessionToken(): Promise<string | undefined>;
  /** A request to the gateway's API with the console session's token. */
  api(method: string, url: string, body?: unknown): Promise<Response>;
  /** Creates the first admin through the set-up form and waits for the shell. */
  createAdmin(): Promise<void>;
}

export function useConsoleE2e(options: ConsoleE2eOptions = {}): ConsoleE2e {
  let gateway: GatewayProcess | undefined;
  let claude: LocalClaude | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} did not start`);
    return value;
  };

  const handle: ConsoleE2e = {
    get page() {
      return need(page, 'The browser page');
    },
    get browser() {
      return need(browser, 'The browser');
    },
    get gateway() {
      return need(gateway, 'The gateway');
    },
    get claude() {
      return need(claude, 'The local model');
    },
    base: () => handle.gateway.url,
    path: () => new URL(handle.page.url()).pathname,
    sessionToken: () =>
      handle.page.evaluate(() => (JSON.parse(localStorage.getItem('lg.session') ?? '{}') as { token?: string }).token),
    api: async (method, url, body) =>
      fetch(`${handle.base()}${url}`, {
        method,
        headers: { Authorization: `Bearer ${await handle.sessionToken()}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    createAdmin: async () => {
      const current = handle.page;
      await current.goto(`${handle.base()}/`);
      const form = current.getByTestId('setup-form');
      await form.getByLabel('Username').fill(ADMIN.username);
      await form.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await form.getByLabel('Confirm password').fill(ADMIN.password);
      await form.getByRole('button', { name: 'Create admin' }).click();
      await current.getByTestId('current-user').waitFor();
    },
  };

  beforeAll(async () => {
    if (!existsSync(join(CONSOLE_BUILD, 'index.html'))) throw new Error('The console is not built: run npm run build');
    const env: Record<string, string> = { CONSOLE_DIR: CONSOLE_BUILD, RATE_LIMIT_PER_MINUTE: '100000' };
    if (options.model) {
      claude = await LocalClaude.start();
      options.prepareModel?.(claude);
      env['ANTHROPIC_BASE_URL'] = claude.url;
      env['ANTHROPIC_API_KEY'] = 'local';
    }
    gateway = await startGatewayProcess({ env: { ...env, ...options.env } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
    page.setDefaultTimeout(20_000);
    if (options.createAdmin) await handle.createAdmin();
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await claude?.stop();
  }, STEP_TIMEOUT);

  return handle;
}

/**
 * Fills a field of a dialog that has just opened, and checks the value stays. Angular Material moves
 * the focus into a dialog once its opening animation ends: text typed before that moment can land in
 * the dialog's first field instead (on a busy machine that happened), so the fill waits for it.
 */
export async function fillKept(field: Locator, value: string): Promise<void> {
  await dialogOpened(field);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    await field.fill(value);
    // Two animation frames: by then the dialog's first render has happened, if it was still to come.
    await field.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    if ((await field.inputValue()) === value) return;
  }
  throw new Error(`the field kept losing the value "${value}"`);
}

/** Waits until the dialog holding `field`, if it is in one, has taken the focus (it has finished opening). */
async function dialogOpened(field: Locator): Promise<void> {
  const element = await field.elementHandle();
  await field.page().waitForFunction((node) => {
    const dialog = node?.closest('mat-dialog-container');
    return !dialog || dialog.contains(document.activeElement);
  }, element);
  await element?.dispose();
}

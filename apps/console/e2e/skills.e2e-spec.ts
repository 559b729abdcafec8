/**
 * The Skills page as an operator uses it, in Debian's Chromium against the built gateway + console:
 * built-in and custom skills listed, the README example installed from the form and tried (the try
 * stored and listed after a reload), a bad
 * handler refused with the gateway's message, a new version saved, a skill broken on disk showing its
 * load error, a skill disabled, and one deleted after confirmation.
 */
import type { Page } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN, STEP_TIMEOUT, useConsoleE2e } from './console-e2e.js';

const e2e = useConsoleE2e({ viewport: { width: 1400, height: 1000 } });
let page: Page;
const { base } = e2e;
const row = (name: string) => page.locator(`[data-testid="skill"][data-skill="${name}"]`);
const cell = async (name: string, testId: string) =>
  ((await row(name).getByTestId(testId).first().textContent()) ?? '').trim();

beforeAll(() => {
  page = e2e.page;
});

describe('skills page', () => {
  it(
    'lists the built-in tools as skills after set-up',
    async () => {
      await e2e.createAdmin();

      await page.getByTestId('side-nav').getByRole('link', { name: 'Skills' }).click();
      await row('run_script').waitFor();
      expect(new URL(page.url()).pathname).toBe('/skills');
      expect(await page.getByTestId('skill-row-name').allTextContents()).toEqual([
        'broadcast',
        'delegate',
        'http_request',
        'query',
        'run_script',
        'web_browse',
      ]);
      expect(await cell('run_script', 'skill-source')).toBe('Built-in');
      expect(await cell('run_script', 'skill-approval')).toBe('Every call');
      expect(await row('run_script').getByTestId('skill-edit').count()).toBe(0);
    },
    STEP_TIMEOUT,
  );

  it(
    'installs the README example from the form, refusing a bad handler first, and tries it',
    async () => {
      await page.getByTestId('skill-new').click();
      const form = page.getByTestId('skill-form');
      await form.getByTestId('skill-handler').fill('module.exports = 42;');
      await form.getByTestId('skill-save').click();
      await page.getByTestId('skill-form-error').filter({ hasText: 'handler it must export a function' }).waitFor();

      await form
        .getByTestId('skill-handler')
        .fill('module.exports = async ({ query }) => ({ result: query.toUpperCase() });');
      await form.getByTestId('skill-save').click();
      await row('my-tool').waitFor();
      expect(await page.getByTestId('skill-form').count()).toBe(0);
      expect(await cell('my-tool', 'skill-source')).toBe('Custom');
      expect(await cell('my-tool', 'skill-version-cell')).toBe('1.0.0');
      expect(await cell('my-tool', 'tool-risk')).toBe('Medium risk');

      await row('my-tool').getByTestId('skill-try-open').click();
      const input = row('my-tool').getByTestId('skill-try-input');
      expect(await input.inputValue()).toBe('{"query":""}');
      await input.fill('{"query":"from the console"}');
      await row('my-tool').getByTestId('skill-try-run').click();
      await row('my-tool')
        .getByTestId('skill-try-result')
        .filter({ hasText: '{"result":"FROM THE CONSOLE"}' })
        .waitFor();

      // The try is stored: after a reload, opening "Try it" lists it with who ran it and the version.
      await page.reload();
      await row('my-tool').getByTestId('skill-try-open').click();
      const record = row('my-tool').getByTestId('skill-try-record');
      await record.first().waitFor();
      expect(await record.count()).toBe(1);
      expect(await record.getByTestId('skill-try-by').textContent()).toBe(ADMIN.username);
      expect(await record.getByTestId('skill-try-version').textContent()).toBe('1.0.0');
      expect(await record.getByTestId('skill-try-record-input').textContent()).toBe('{"query":"from the console"}');
      expect(await record.getByTestId('skill-try-record-result').textContent()).toContain(
        '{"result":"FROM THE CONSOLE"}',
      );
    },
    STEP_TIMEOUT,
  );

  it(
    'edits the skill into a new version, shows a skill broken on disk, disables and deletes with confirmation',
    async () => {
      await row('my-tool').getByTestId('skill-edit').click();
      const form = page.getByTestId('skill-form');
      expect(await form.getByTestId('skill-name').getAttribute('readonly')).not.toBeNull();
      await form.getByTestId('skill-version').fill('1.1.0');
      await form.getByTestId('skill-risk').selectOption('high');
      await form.getByTestId('skill-save').click();
      await row('my-tool').getByTestId('skill-version-cell').filter({ hasText: '1.1.0' }).waitFor();
      expect(await cell('my-tool', 'skill-approval')).toBe('Every call (risk level high)');

      // A skill written on disk with a bad manifest is listed with its error after a refresh.
      const folder = join(e2e.gateway.dataDir, 'skills', 'broken-one');
      mkdirSync(folder);
      writeFileSync(join(folder, 'handler.js'), 'module.exports = async () => 1;');
      writeFileSync(
        join(folder, 'skill.json'),
        JSON.stringify({ name: 'broken-one', description: 'x', version: 'one' }),
      );
      const token = await page.evaluate(
        () => (JSON.parse(localStorage.getItem('lg.session') ?? '{}') as { token?: string }).token,
      );
      for (let tries = 0; ; tries++) {
        const res = await fetch(`${base()}/api/skills`, { headers: { Authorization: `Bearer ${token}` } });
        const listed = (await res.json()) as { name: string; loadError: string | null }[];
        if (listed.some((skill) => skill.name === 'broken-one' && /semantic version/.test(skill.loadError ?? '')))
          break;
        if (tries > 100) throw new Error(`broken-one not listed with its error: ${JSON.stringify(listed)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await page.getByRole('button', { name: 'Refresh skills' }).click();
      await row('broken-one')
        .getByTestId('skill-load-error')
        .filter({ hasText: 'version must be a semantic version' })
        .waitFor();

      const toggle = row('my-tool').getByRole('switch');
      await toggle.click();
      await row('my-tool').and(page.locator('.disabled')).waitFor();
      await page.reload();
      await row('my-tool').waitFor();
      expect(await row('my-tool').getByRole('switch').getAttribute('aria-checked')).toBe('false');

      await row('my-tool').getByTestId('skill-delete').click();
      await page.getByTestId('confirm').click();
      await row('my-tool').waitFor({ state: 'detached' });
      await page.reload();
      await row('broken-one').waitFor();
      expect(await row('my-tool').count()).toBe(0);
    },
    STEP_TIMEOUT,
  );
});

/**
 * The Skills page as an operator uses it, in Debian's Chromium against the built gateway + console:
 * built-in and custom skills listed, the README example installed from the form and tried (the try
 * stored and listed after a reload), a bad
 * handler refused with the gateway's message, a new version saved, a skill broken on disk showing its
 * load error, a skill disabled, and one deleted after confirmation. Then the Agent Skills panel (a zip
 * uploaded, a malformed folder on disk shown with its error, instructions viewed, disabled, deleted) and
 * the MCP servers panel (the test server added over stdio, ready with its tools, removed).
 */
import type { Page } from 'playwright-core';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeZip, testMcpStdioServer } from '@loop-gateway/testing';
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
        'load_skill',
        'query',
        'read_skill_file',
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

  const agentSkill = (name: string) => page.locator(`[data-testid="agent-skill"][data-name="${name}"]`);

  it(
    'uploads an Agent Skill as a zip, shows a malformed folder with its error, views, disables and deletes it',
    async () => {
      const zip = makeZip([
        {
          path: 'release-notes/SKILL.md',
          content:
            '---\nname: release-notes\ndescription: Writes release notes from merged changes.\nlicense: MIT\n---\n# Release notes\nGroup the changes.\n',
        },
        { path: 'release-notes/reference/template.md', content: '## Added\n' },
      ]);
      await page
        .getByTestId('agent-skill-zip')
        .setInputFiles({ name: 'release-notes.zip', mimeType: 'application/zip', buffer: zip });
      await agentSkill('release-notes')
        .getByTestId('agent-skill-description')
        .filter({ hasText: 'Writes release notes from merged changes.' })
        .waitFor();
      expect(await agentSkill('release-notes').getByTestId('agent-skill-files').textContent()).toContain(
        'reference/template.md',
      );

      // The same name again: the gateway's 409 is shown.
      await page
        .getByTestId('agent-skill-zip')
        .setInputFiles({ name: 'again.zip', mimeType: 'application/zip', buffer: zip });
      await page.getByTestId('agent-skills-action-error').filter({ hasText: 'already installed' }).waitFor();

      // A folder copied in by hand without a description: listed with its error.
      const folder = join(e2e.gateway.dataDir, 'agent-skills', 'half-done');
      mkdirSync(folder);
      writeFileSync(join(folder, 'SKILL.md'), '---\nname: half-done\n---\nNo description.\n');
      for (let tries = 0; ; tries++) {
        await page.getByTestId('agent-skills-reload').click();
        const shown = await agentSkill('half-done').getByTestId('agent-skill-error').count();
        if (shown > 0) break;
        if (tries > 50) throw new Error('half-done not listed');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await agentSkill('half-done').getByTestId('agent-skill-error').textContent()).toContain(
        'description is required',
      );

      await agentSkill('release-notes').getByTestId('agent-skill-view').click();
      await agentSkill('release-notes')
        .getByTestId('agent-skill-body')
        .filter({ hasText: 'Group the changes.' })
        .waitFor();

      await agentSkill('release-notes').getByRole('switch').click();
      await page.reload();
      await agentSkill('release-notes').waitFor();
      expect(await agentSkill('release-notes').getByRole('switch').getAttribute('aria-checked')).toBe('false');

      await agentSkill('half-done').getByTestId('agent-skill-delete').click();
      await page.getByTestId('confirm').click();
      await agentSkill('half-done').waitFor({ state: 'detached' });
      expect(existsSync(folder)).toBe(false);
    },
    STEP_TIMEOUT,
  );

  it(
    'adds the test MCP server over stdio, shows it ready with its tools, and removes it',
    async () => {
      const { command, args } = testMcpStdioServer();
      await page.getByTestId('mcp-new').click();
      const form = page.getByTestId('mcp-form');
      await form.getByTestId('mcp-name').fill('tests');
      await form.getByTestId('mcp-command').fill(command);
      await form.getByTestId('mcp-args').fill(args.join('\n'));
      await form.getByTestId('mcp-save').click();
      const server = page.locator('[data-testid="mcp-server"][data-name="tests"]');
      await server
        .getByTestId('mcp-state')
        .filter({ hasText: /^ready$/ })
        .waitFor({ timeout: 30_000 });
      const tools = (await server.getByTestId('mcp-tools').textContent()) ?? '';
      expect(tools).toContain('tests__echo');
      expect(tools).toContain('(reads only)');
      expect(tools).toContain('tests__add_note');
      expect(tools).toContain('(needs approval)');

      // Its tools are skills too, labelled with the server.
      await page.getByRole('button', { name: 'Refresh skills' }).click();
      await row('tests__echo').waitFor();
      expect(await cell('tests__echo', 'skill-source')).toBe('MCP: tests');

      await server.getByTestId('mcp-delete').click();
      await page.getByTestId('confirm').click();
      await server.waitFor({ state: 'detached' });
      await page.getByTestId('mcp-empty').waitFor();
    },
    STEP_TIMEOUT,
  );
});

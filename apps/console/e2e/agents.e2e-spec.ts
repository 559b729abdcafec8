/**
 * The Agents page as an operator uses it, in Debian's Chromium against the built gateway + console and
 * the local Claude scripted per role: the roles listed, a planner's delegation to a researcher and a
 * writer appearing live (working, then done), the A2A conversation in order, the run page linking
 * to the sub-agents it spawned, and the Usage page's breakdown by agent role.
 */
import type { Page } from 'playwright-core';
import type { RecordedRequest } from '@loop-gateway/testing';
import { STEP_TIMEOUT, useConsoleE2e } from './console-e2e.js';

let release = () => {};

const e2e = useConsoleE2e({
  model: true,
  viewport: { width: 1400, height: 1000 },
  // The sub-agents answer once the test lets them, so the page shows them at work first.
  prepareModel: (claude) => {
    const released = new Promise<void>((resolve) => (release = resolve));
    claude.respondWith(async (req) => {
      const role = roleOf(req);
      const last = req.body.messages.at(-1)?.content;
      const resumed = Array.isArray(last) && last.some((block) => block.type === 'tool_result');
      if (role === 'top') {
        return resumed
          ? { text: 'Oslo: 700,000 people, and a city by the fjord.' }
          : {
              toolUse: [
                { name: 'delegate', input: { role: 'researcher', task: 'Find the population of Oslo.' } },
                { name: 'delegate', input: { role: 'writer', task: 'Write one line about Oslo.' } },
              ],
            };
      }
      await released;
      return { text: role === 'researcher' ? 'About 700,000 people.' : 'A city by the fjord.' };
    });
  },
});
let page: Page;
const agent = (role: string) => page.locator(`[data-testid="agent"][data-role="${role}"]`);

function roleOf(req: RecordedRequest): string {
  const system = req.body.system;
  const text = typeof system === 'string' ? system : (system ?? []).map((block) => block.text).join('\n');
  return /<agent id="[^"]+" role="([^"]+)"/.exec(text)?.[1] ?? 'top';
}

beforeAll(() => {
  page = e2e.page;
});

afterAll(() => release());

describe('agents page', () => {
  it(
    'lists the roles and shows that no agent has delegated yet',
    async () => {
      await e2e.createAdmin();

      await page.getByTestId('side-nav').getByRole('link', { name: 'Agents' }).click();
      await page.getByTestId('agents-empty').waitFor();
      expect(new URL(page.url()).pathname).toBe('/agents');
      // The roles come with a request of their own: the empty state can show before them.
      await page.locator('[data-testid="agent-role"][data-role="writer"]').waitFor();
      const roles = await page
        .getByTestId('agent-role')
        .evaluateAll((items) => items.map((i) => i.getAttribute('data-role')));
      expect(roles).toEqual(['coder', 'planner', 'researcher', 'reviewer', 'writer']);
      expect(await page.locator('[data-testid="agent-role"][data-role="researcher"]').textContent()).toContain(
        'web_browse, http_request',
      );
    },
    STEP_TIMEOUT,
  );

  it(
    'shows a delegation live: the sub-agents at work, then done, and the messages between them in order',
    async () => {
      const res = await e2e.api('POST', '/api/runs', { message: 'Tell me about Oslo' });
      const { runId } = (await res.json()) as { runId: string };

      // Without a reload: the tree appears while the sub-agents work.
      await agent('researcher').locator('[data-status="working"]').waitFor();
      await agent('writer').locator('[data-status="working"]').waitFor();
      await agent('top').locator('[data-status="waiting"]').waitFor();
      release();
      await agent('researcher').locator('[data-status="done"]').waitFor();
      await agent('writer').locator('[data-status="done"]').waitFor();
      await agent('top').locator('[data-status="done"]').waitFor();
      expect(await agent('researcher').getByTestId('agent-tokens').textContent()).toMatch(/[1-9][\d,]* tokens/);
      await page.getByTestId('agents-spawned-today').filter({ hasText: '2' }).waitFor();

      await agent('top').getByTestId('agent-open-conversation').click();
      const conversation = page.getByTestId('a2a-conversation');
      await conversation.getByTestId('a2a-message').nth(3).waitFor();
      const types = await conversation
        .getByTestId('a2a-message')
        .evaluateAll((items) => items.map((i) => i.getAttribute('data-type')));
      expect(types.slice(0, 2)).toEqual(['delegate', 'delegate']);
      expect(types.slice(2).sort()).toEqual(['result', 'result']);
      expect(await conversation.textContent()).toContain('About 700,000 people.');
      expect(await conversation.textContent()).toContain('Top-level agent');

      // The run page links to the sub-agents it spawned.
      await agent('top').getByTestId('agent-run').click();
      await page.waitForURL((url) => url.pathname === `/runs/${runId}`);
      const subAgents = page.getByTestId('run-sub-agent');
      await subAgents.nth(1).waitFor();
      expect((await subAgents.evaluateAll((items) => items.map((i) => i.getAttribute('data-role')))).sort()).toEqual([
        'researcher',
        'writer',
      ]);
      await page.locator('[data-testid="run-sub-agent"][data-role="writer"]').getByTestId('run-sub-agent-link').click();
      await page.getByTestId('run-timeline').filter({ hasText: 'A city by the fjord.' }).waitFor();
    },
    STEP_TIMEOUT,
  );

  it(
    'shows on the Usage page what each agent role spent',
    async () => {
      await page.getByTestId('side-nav').getByRole('link', { name: 'Usage' }).click();
      await page.getByTestId('breakdown-by').getByText('By agent role').click();
      const table = page.getByTestId('breakdown-table');
      const row = (key: string) => table.locator(`[data-testid="breakdown-row"][data-key="${key}"]`);
      await row('researcher').waitFor();
      const calls = async (key: string) => (await row(key).getByTestId('breakdown-calls').textContent())?.trim();
      expect(await calls('(top-level)')).toBe('2');
      expect(await calls('researcher')).toBe('1');
      expect(await calls('writer')).toBe('1');
      expect((await row('(top-level)').getByTestId('breakdown-label').textContent())?.trim()).toBe('Top-level agent');
    },
    STEP_TIMEOUT,
  );
});

import { TestBed } from '@angular/core/testing';
import type { SkillResponseDto, SkillTryResponseDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { draftBody, type SkillDraft, SkillsPage } from './skills.page';

const DRAFT: SkillDraft = {
  name: ' my-tool ',
  description: 'Does something useful',
  version: '1.0.0',
  riskLevel: 'high',
  timeoutMs: '2000',
  fetchHosts: 'api.example.com, hooks.example.com:8443',
  inputSchema: '{"type":"object","properties":{"query":{"type":"string"}}}',
  handler: 'module.exports = async () => 1;',
};

describe('draftBody', () => {
  it('turns the form into the install body', () => {
    expect(draftBody(DRAFT)).toEqual({
      manifest: {
        name: 'my-tool',
        description: 'Does something useful',
        version: '1.0.0',
        inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
        riskLevel: 'high',
        timeoutMs: 2000,
        permissions: { fetch: ['api.example.com', 'hooks.example.com:8443'] },
      },
      handler: 'module.exports = async () => 1;',
    });
  });

  it('leaves out an empty time limit and fetch list, and refuses a schema that is not JSON', () => {
    const body = draftBody({ ...DRAFT, timeoutMs: ' ', fetchHosts: '' });
    expect(typeof body === 'object' && body.manifest).not.toHaveProperty('timeoutMs');
    expect(typeof body === 'object' && body.manifest).not.toHaveProperty('permissions');
    expect(draftBody({ ...DRAFT, inputSchema: '{type: object}' })).toBe('The input schema is not valid JSON.');
  });
});

function skill(overrides: Partial<SkillResponseDto> = {}): SkillResponseDto {
  return {
    name: 'http_request',
    description: 'Make an HTTP or HTTPS request.',
    version: '0.1.0',
    inputSchema: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] },
    source: 'builtin',
    server: null,
    enabled: true,
    riskLevel: 'medium',
    requiresApproval: true,
    approvalDefault: 'methods other than GET and HEAD',
    timeoutMs: null,
    permissions: { fetch: [] },
    loadError: null,
    handler: null,
    installedAt: null,
    updatedAt: null,
    ...overrides,
  };
}

const SKILLS = [
  skill(),
  skill({ name: 'run_script', riskLevel: 'high', approvalDefault: 'every call', enabled: false }),
  skill({ name: 'web_browse', riskLevel: 'low', requiresApproval: false, approvalDefault: 'no call' }),
  skill({ name: 'files__read', source: 'mcp', server: 'files', requiresApproval: false, approvalDefault: 'no call' }),
  skill({
    name: 'my-tool',
    source: 'custom',
    version: '1.0.0',
    inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
    requiresApproval: false,
    approvalDefault: 'no call',
    timeoutMs: 5000,
    handler: 'module.exports = async ({ query }) => ({ result: query.toUpperCase() });',
  }),
];

function tried(overrides: Partial<SkillTryResponseDto> = {}): SkillTryResponseDto {
  return {
    id: 'try-1',
    skillName: 'my-tool',
    input: { query: 'earlier' },
    isError: false,
    content: '<untrusted_data>{"result":"EARLIER"}</untrusted_data>',
    version: '1.0.0',
    durationMs: 4,
    triedBy: 'admin',
    createdAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('SkillsPage', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    // An admin: viewers see no change buttons.
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
    gateway.http.on('GET /api/skills', { status: 200, body: SKILLS });
  });

  async function render() {
    const fixture = TestBed.createComponent(SkillsPage);
    const root = fixture.nativeElement as HTMLElement;
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelectorAll('[data-testid=skill]').length).toBeGreaterThan(0);
    });
    const row = (name: string) => root.querySelector<HTMLElement>(`[data-testid=skill][data-skill=${name}]`)!;
    const text = (name: string, testId: string) =>
      row(name).querySelector(`[data-testid=${testId}]`)?.textContent?.trim();
    const toggle = (name: string) => row(name).querySelector<HTMLButtonElement>('[data-testid=skill-enabled] button')!;
    return { root, row, text, toggle };
  }

  it('lists built-in tools and custom skills with source, risk, approval default, schema and enabled state', async () => {
    const { root, text, toggle, row } = await render();
    const names = [...root.querySelectorAll('[data-testid=skill-row-name]')].map((el) => el.textContent?.trim());
    expect(names).toEqual(['http_request', 'run_script', 'web_browse', 'files__read', 'my-tool']);
    expect(text('run_script', 'skill-source')).toBe('Built-in');
    expect(text('my-tool', 'skill-source')).toBe('Custom');
    expect(text('files__read', 'skill-source')).toBe('MCP: files');
    expect(text('run_script', 'tool-risk')).toBe('High risk');
    expect(text('web_browse', 'tool-risk')).toBe('Low risk');
    expect(text('http_request', 'skill-approval')).toBe('Methods other than GET and HEAD');
    expect(text('run_script', 'skill-approval')).toBe('Every call');
    expect(text('web_browse', 'skill-approval')).toBe('Not needed');
    expect(JSON.parse(text('http_request', 'skill-schema-view')!)).toEqual(SKILLS[0]!.inputSchema);
    expect(toggle('run_script').getAttribute('aria-checked')).toBe('false');
    expect(toggle('http_request').getAttribute('aria-checked')).toBe('true');
    expect(row('http_request').querySelector('[data-testid=skill-try-open]')).toBeNull();
    expect(row('my-tool').querySelector('[data-testid=skill-try-open]')).not.toBeNull();
  });

  it('disables a built-in tool through POST /api/skills/:name/toggle', async () => {
    gateway.http.on('POST /api/skills/http_request/toggle', { status: 200, body: skill({ enabled: false }) });
    const { row, toggle } = await render();
    toggle('http_request').click();
    TestBed.tick();
    await vi.waitFor(() =>
      expect(gateway.http.last('POST /api/skills/http_request/toggle')?.body).toEqual({ enabled: false }),
    );
    await vi.waitFor(() => {
      TestBed.tick();
      expect(row('http_request').classList).toContain('disabled');
    });
    expect(toggle('http_request').getAttribute('aria-checked')).toBe('false');
  });

  it('shows why a change failed and puts the switch back', async () => {
    gateway.http.on('POST /api/skills/run_script/toggle', {
      status: 404,
      body: { statusCode: 404, message: 'Skill "run_script" not found' },
    });
    const { root, toggle } = await render();
    toggle('run_script').click();
    TestBed.tick();
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelector('[data-testid=skills-action-error]')?.textContent?.trim()).toBe(
        'Skill "run_script" not found',
      );
    });
    expect(toggle('run_script').getAttribute('aria-checked')).toBe('false');
  });

  it('says when the skills cannot be loaded', async () => {
    gateway.http.on('GET /api/skills', new TypeError('fetch failed'));
    const fixture = TestBed.createComponent(SkillsPage);
    const root = fixture.nativeElement as HTMLElement;
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelector('[data-testid=skills-error]')?.textContent).toMatch(/cannot reach the gateway/i);
    });
  });

  it('Try it shows the stored tries, and the one just run first', async () => {
    gateway.http.on('GET /api/skills/my-tool/tries', { status: 200, body: [tried()] });
    gateway.http.on('POST /api/skills/my-tool/try', {
      status: 200,
      body: tried({ id: 'try-2', input: { query: 'now' }, content: '{"result":"NOW"}', version: '1.0.1' }),
    });
    const { row } = await render();
    row('my-tool').querySelector<HTMLButtonElement>('[data-testid=skill-try-open]')!.click();
    const records = () =>
      [...row('my-tool').querySelectorAll('[data-testid=skill-try-record]')].map((tr) =>
        [...tr.querySelectorAll('[data-testid^=skill-try-]')].map((cell) => cell.textContent?.trim()),
      );
    await vi.waitFor(() => {
      TestBed.tick();
      expect(records()).toEqual([['admin', '1.0.0', '{"query":"earlier"}', expect.stringContaining('EARLIER')]]);
    });
    row('my-tool').querySelector<HTMLButtonElement>('[data-testid=skill-try-run]')!.click();
    await vi.waitFor(() => {
      TestBed.tick();
      expect(records()).toEqual([
        ['admin', '1.0.1', '{"query":"now"}', '{"result":"NOW"}'],
        ['admin', '1.0.0', '{"query":"earlier"}', expect.stringContaining('EARLIER')],
      ]);
    });
    expect(gateway.http.last('POST /api/skills/my-tool/try')?.body).toEqual({ input: { query: '' } });
  });
});

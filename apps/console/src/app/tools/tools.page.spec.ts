import { TestBed } from '@angular/core/testing';
import type { ToolResponseDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway } from '../../testing/fake-gateway';
import { ToolsPage } from './tools.page';

function tool(overrides: Partial<ToolResponseDto> = {}): ToolResponseDto {
  return {
    name: 'http_request',
    description: 'Make an HTTP or HTTPS request.',
    inputSchema: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] },
    riskLevel: 'medium',
    enabled: true,
    acts: true,
    approvalDefault: 'methods other than GET and HEAD',
    ...overrides,
  };
}

const TOOLS = [
  tool({ name: 'web_browse', riskLevel: 'low', acts: false, approvalDefault: 'no call' }),
  tool(),
  tool({ name: 'run_script', riskLevel: 'high', approvalDefault: 'every call', enabled: false }),
];

describe('ToolsPage', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    TestBed.configureTestingModule({ providers: gateway.providers });
    gateway.http.on('GET /api/tools', { status: 200, body: TOOLS });
  });

  async function render() {
    const fixture = TestBed.createComponent(ToolsPage);
    const root = fixture.nativeElement as HTMLElement;
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelectorAll('[data-testid=tool]').length).toBeGreaterThan(0);
    });
    const row = (name: string) => root.querySelector<HTMLElement>(`[data-testid=tool][data-tool=${name}]`)!;
    const text = (name: string, testId: string) =>
      row(name).querySelector(`[data-testid=${testId}]`)?.textContent?.trim();
    const toggle = (name: string) => row(name).querySelector<HTMLButtonElement>('[data-testid=tool-enabled] button')!;
    return { root, row, text, toggle };
  }

  it('lists the tools by name with risk, approval default, schema and enabled state', async () => {
    const { root, text, toggle } = await render();
    const names = [...root.querySelectorAll('[data-testid=tool-name]')].map((el) => el.textContent?.trim());
    expect(names).toEqual(['http_request', 'run_script', 'web_browse']);
    expect(text('run_script', 'tool-risk')).toBe('High risk');
    expect(text('web_browse', 'tool-risk')).toBe('Low risk');
    expect(text('http_request', 'tool-approval')).toBe('Methods other than GET and HEAD');
    expect(text('run_script', 'tool-approval')).toBe('Every call');
    expect(text('web_browse', 'tool-approval')).toBe('Not needed');
    expect(JSON.parse(text('http_request', 'tool-schema')!)).toEqual(TOOLS[1]!.inputSchema);
    expect(toggle('run_script').getAttribute('aria-checked')).toBe('false');
    expect(toggle('http_request').getAttribute('aria-checked')).toBe('true');
  });

  it('disables a tool through PUT /api/tools/:name', async () => {
    gateway.http.on('PUT /api/tools/http_request', { status: 200, body: tool({ enabled: false }) });
    const { row, toggle } = await render();
    toggle('http_request').click();
    TestBed.tick();
    await vi.waitFor(() => expect(gateway.http.last('PUT /api/tools/http_request')?.body).toEqual({ enabled: false }));
    await vi.waitFor(() => {
      TestBed.tick();
      expect(row('http_request').classList).toContain('disabled');
    });
    expect(toggle('http_request').getAttribute('aria-checked')).toBe('false');
  });

  it('shows why a change failed and puts the switch back', async () => {
    gateway.http.on('PUT /api/tools/run_script', {
      status: 404,
      body: { statusCode: 404, message: 'Tool "run_script" not found' },
    });
    const { root, toggle } = await render();
    toggle('run_script').click();
    TestBed.tick();
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelector('[data-testid=tools-action-error]')?.textContent?.trim()).toBe(
        'Tool "run_script" not found',
      );
    });
    expect(toggle('run_script').getAttribute('aria-checked')).toBe('false');
  });

  it('says when the tools cannot be loaded', async () => {
    gateway.http.on('GET /api/tools', new TypeError('fetch failed'));
    const fixture = TestBed.createComponent(ToolsPage);
    const root = fixture.nativeElement as HTMLElement;
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelector('[data-testid=tools-error]')?.textContent).toMatch(/cannot reach the gateway/i);
    });
  });
});

import { TestBed } from '@angular/core/testing';
import type { AgentSkillDetailDto, AgentSkillResponseDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway } from '../../../testing/fake-gateway';
import { AgentSkillsPanel, uploadBody } from './agent-skills-panel';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('uploadBody', () => {
  it('sends one zip as archive, base64', () => {
    expect(uploadBody([{ name: 'skill.zip', relativePath: '', bytes: bytes('PK..') }])).toEqual({
      archive: btoa('PK..'),
    });
  });

  it('sends a picked folder as files, with paths inside the folder', () => {
    expect(
      uploadBody([
        { name: 'SKILL.md', relativePath: 'release-notes/SKILL.md', bytes: bytes('---') },
        { name: 'a.md', relativePath: 'release-notes/reference/a.md', bytes: bytes('é') },
      ]),
    ).toEqual({
      files: [
        { path: 'SKILL.md', content: btoa('---'), encoding: 'base64' },
        { path: 'reference/a.md', content: 'w6k=', encoding: 'base64' },
      ],
    });
  });

  it('says what is missing', () => {
    expect(uploadBody([])).toBe('Pick a zip file or a skill folder.');
    expect(uploadBody([{ name: 'a.md', relativePath: 'x/a.md', bytes: bytes('') }])).toBe(
      'The folder has no SKILL.md at its top.',
    );
  });
});

function agentSkill(overrides: Partial<AgentSkillResponseDto> = {}): AgentSkillResponseDto {
  return {
    name: 'release-notes',
    description: 'Writes release notes.',
    enabled: true,
    error: null,
    license: 'MIT',
    compatibility: null,
    metadata: {},
    allowedTools: [],
    files: [{ path: 'SKILL.md', size: 120 }],
    updatedAt: '2026-12-04T10:00:00.000Z',
    ...overrides,
  };
}

const SKILLS = [
  agentSkill({ name: 'broken', description: '', error: 'SKILL.md: description is required' }),
  agentSkill(),
];

describe('AgentSkillsPanel', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    TestBed.configureTestingModule({ providers: gateway.providers });
    gateway.http.on('GET /api/agent-skills', { status: 200, body: SKILLS });
  });

  async function render() {
    const fixture = TestBed.createComponent(AgentSkillsPanel);
    const root = fixture.nativeElement as HTMLElement;
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelectorAll('[data-testid=agent-skill]').length).toBe(2);
    });
    const row = (name: string) => root.querySelector<HTMLElement>(`[data-testid=agent-skill][data-name=${name}]`)!;
    const text = (name: string, testId: string) =>
      row(name).querySelector(`[data-testid=${testId}]`)?.textContent?.trim();
    return { root, row, text };
  }

  it('lists valid skills with their description and malformed ones with their error', async () => {
    const { text, row } = await render();
    expect(text('release-notes', 'agent-skill-description')).toBe('Writes release notes.');
    expect(text('release-notes', 'agent-skill-files')).toContain('SKILL.md');
    expect(text('release-notes', 'agent-skill-files')).toContain('License: MIT');
    expect(text('broken', 'agent-skill-error')).toBe('SKILL.md: description is required');
    expect(row('broken').querySelector<HTMLButtonElement>('[data-testid=agent-skill-view]')!.disabled).toBe(true);
  });

  it('shows the instructions on View, and toggles through the API', async () => {
    const detail: AgentSkillDetailDto = { ...agentSkill(), body: '# Release notes\nGroup the changes.' };
    gateway.http.on('GET /api/agent-skills/release-notes', { status: 200, body: detail });
    gateway.http.on('POST /api/agent-skills/release-notes/toggle', {
      status: 200,
      body: { ...detail, enabled: false },
    });
    const { row, text } = await render();
    row('release-notes').querySelector<HTMLButtonElement>('[data-testid=agent-skill-view]')!.click();
    await vi.waitFor(() => {
      TestBed.tick();
      expect(text('release-notes', 'agent-skill-body')).toBe('# Release notes\nGroup the changes.');
    });
    row('release-notes').querySelector<HTMLButtonElement>('[data-testid=agent-skill-enabled] button')!.click();
    await vi.waitFor(() =>
      expect(gateway.http.last('POST /api/agent-skills/release-notes/toggle')?.body).toEqual({ enabled: false }),
    );
    await vi.waitFor(() => {
      TestBed.tick();
      expect(
        row('release-notes').querySelector('[data-testid=agent-skill-enabled] button')!.getAttribute('aria-checked'),
      ).toBe('false');
    });
  });

  it('deletes after a confirmation', async () => {
    gateway.http.on('DELETE /api/agent-skills/broken', { status: 204 });
    const { root, row } = await render();
    row('broken').querySelector<HTMLButtonElement>('[data-testid=agent-skill-delete]')!.click();
    await vi.waitFor(() => {
      TestBed.tick();
      expect(document.querySelector('[data-testid=confirm]')).not.toBeNull();
    });
    document.querySelector<HTMLButtonElement>('[data-testid=confirm]')!.click();
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelectorAll('[data-testid=agent-skill]').length).toBe(1);
    });
    expect(gateway.http.last('DELETE /api/agent-skills/broken')).toBeDefined();
  });
});

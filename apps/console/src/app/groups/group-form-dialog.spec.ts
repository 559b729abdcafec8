import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import type { AgentGroupResponseDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway } from '../../testing/fake-gateway';
import { agentGroup as group } from '../../testing/fixtures';
import { GroupFormDialog, type GroupFormData } from './group-form-dialog';

describe('GroupFormDialog', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    TestBed.configureTestingModule({ providers: gateway.providers });
    gateway.http.on('GET /api/skills', {
      status: 200,
      body: ['http_request', 'run_script', 'web_browse'].map((name) => ({ name, description: `The ${name} skill` })),
    });
    gateway.http.on('GET /api/agent-skills', {
      status: 200,
      body: [
        { name: 'broken', description: '', error: 'SKILL.md is missing' },
        { name: 'release-notes', description: 'Writes release notes.', error: null },
      ],
    });
  });

  async function open(data: GroupFormData) {
    const ref = TestBed.inject(MatDialog).open<GroupFormDialog, GroupFormData, AgentGroupResponseDto>(GroupFormDialog, {
      data,
    });
    let closedWith: AgentGroupResponseDto | undefined | null = null;
    ref.afterClosed().subscribe((value) => (closedWith = value));
    TestBed.tick();
    const root = document.querySelector<HTMLElement>('lg-group-form-dialog')!;
    const fill = (testId: string, value: string) => {
      const input = root.querySelector<HTMLInputElement>(`[data-testid=${testId}]`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    /** Clicks Save and waits for the gateway's answer to be shown. */
    const save = async () => {
      const before = gateway.http.requests.filter((r) => r.method !== 'GET').length;
      root.querySelector<HTMLButtonElement>('[data-testid=group-save]')!.click();
      TestBed.tick();
      await vi.waitFor(() =>
        expect(gateway.http.requests.filter((r) => r.method !== 'GET').length).toBeGreaterThan(before),
      );
      await vi.waitFor(() => {
        TestBed.tick();
        expect(root.querySelector('[data-testid=group-save] mat-progress-spinner')).toBeNull();
      });
    };
    const saveInvalid = () => {
      root.querySelector<HTMLButtonElement>('[data-testid=group-save]')!.click();
      TestBed.tick();
    };
    return { root, fill, save, saveInvalid, closed: () => closedWith };
  }

  it("creates a group with the API's 409 shown, then saves once the name is free", async () => {
    const created = group({ id: 'g2', name: 'Sales', hasApiKey: false });
    gateway.http.on('POST /api/agent-groups', (request) =>
      (request.body as { name: string }).name === 'Support'
        ? { status: 409, body: { statusCode: 409, message: 'An agent group named "Support" already exists' } }
        : { status: 201, body: created },
    );
    const { root, fill, save, closed } = await open({});

    fill('group-name', 'Support');
    await save();
    expect(root.ownerDocument.querySelector('[data-testid=form-error]')?.textContent?.trim()).toBe(
      'An agent group named "Support" already exists',
    );
    expect(closed()).toBeNull();

    fill('group-name', 'Sales');
    fill('group-budget-day', '5000');
    fill('group-trusted-destinations', 'crm.example.com, hooks.example.com:8443');
    await save();
    expect(gateway.http.last('POST /api/agent-groups')?.body).toEqual({
      name: 'Sales',
      skills: [],
      trustedDestinations: ['crm.example.com', 'hooks.example.com:8443'],
      budgetMaxTokensDay: 5000,
      budgetMaxTokensMonth: null,
      contextWindowTokens: null,
      channelStyles: {},
    });
    await vi.waitFor(() => expect(closed()).toEqual(created));
  });

  it('does not call the gateway while the form is invalid', async () => {
    const { root, fill, saveInvalid } = await open({});
    fill('group-name', '   ');
    fill('group-budget-day', '2.5');
    fill('group-budget-month', '1e30');
    fill('group-trusted-destinations', 'https://crm.example.com/');
    saveInvalid();
    expect(gateway.http.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(root.textContent).toContain('Give the group a name (more than spaces)');
    expect(root.textContent).toContain('Hosts such as api.example.com or hooks.example.com:8443');
    // Both budgets say what is wrong: 2.5 is not whole, 1e30 is beyond any sensible cap.
    expect(root.querySelectorAll('mat-error')).toHaveLength(4);
    expect(root.textContent?.match(/A whole number from 1 to 1,000,000,000,000/g)).toHaveLength(2);
  });

  it('offers the gateway’s skills and valid Agent Skills to choose from, and keeps a stored name it no longer has, marked', async () => {
    const original = group({ skills: ['web_browse', 'old_skill'] });
    gateway.http.on('PUT /api/agent-groups/g1', { status: 200, body: original });
    const { root, save } = await open({ group: original });
    root.querySelector<HTMLElement>('[data-testid=group-skills] .mat-mdc-select-trigger')!.click();
    TestBed.tick();
    const options = () => [...document.querySelectorAll<HTMLElement>('mat-option')];
    await vi.waitFor(() => {
      TestBed.tick();
      expect(options().map((o) => o.getAttribute('data-skill'))).toEqual([
        'http_request',
        'run_script',
        'web_browse',
        'release-notes',
        'old_skill',
      ]);
    });
    expect(options().find((o) => o.getAttribute('data-skill') === 'release-notes')?.textContent).toContain(
      'Agent Skill: Writes release notes.',
    );
    expect(options().find((o) => o.getAttribute('data-skill') === 'old_skill')?.textContent).toContain(
      'No longer a skill of this gateway',
    );
    // Unticking the stale name and ticking run_script.
    options()
      .find((o) => o.getAttribute('data-skill') === 'old_skill')!
      .click();
    options()
      .find((o) => o.getAttribute('data-skill') === 'run_script')!
      .click();
    TestBed.tick();
    await save();
    // In the order the options are listed.
    expect((gateway.http.last('PUT /api/agent-groups/g1')?.body as { skills: string[] }).skills).toEqual([
      'run_script',
      'web_browse',
    ]);
  });

  it('replaces the key of an existing group with PUT, and never shows the key', async () => {
    const original = group();
    gateway.http.on('PUT /api/agent-groups/g1', { status: 200, body: original });
    const { root, fill, save } = await open({ group: original });

    expect(root.querySelector('[data-testid=group-key-status]')?.textContent).toContain('own key');
    const replace = Array.from(root.querySelectorAll<HTMLInputElement>('input[type=radio]')).find(
      (input) => input.value === 'replace',
    )!;
    replace.click();
    TestBed.tick();
    fill('group-api-key', 'sk-ant-rotated-key');
    await save();

    expect(gateway.http.last('PUT /api/agent-groups/g1')?.body).toMatchObject({
      name: 'Support',
      apiKey: 'sk-ant-rotated-key',
    });
  });
});

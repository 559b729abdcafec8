import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import type { ApprovalRuleDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway } from '../../testing/fake-gateway';
import { ApprovalRuleDialog, type ApprovalRuleDialogData } from './approval-rule-dialog';

const FALLBACK: ApprovalRuleDialogData['fallback'] = {
  riskLevel: 'medium',
  requireApproval: true,
  timeoutSeconds: 900,
  timeoutAction: 'reject',
};

function rule(overrides: Partial<ApprovalRuleDto> = {}): ApprovalRuleDto {
  return {
    toolName: 'http_request',
    riskLevel: 'low',
    requireApproval: true,
    timeoutSeconds: 300,
    timeoutAction: 'approve',
    autoApprove: { url: 'https://hooks.example.com/*' },
    updatedAt: '2026-01-01T12:00:00.000Z',
    ...overrides,
  };
}

describe('ApprovalRuleDialog', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    TestBed.configureTestingModule({ providers: gateway.providers });
  });

  function open(data: ApprovalRuleDialogData) {
    const ref = TestBed.inject(MatDialog).open<ApprovalRuleDialog, ApprovalRuleDialogData, ApprovalRuleDto>(
      ApprovalRuleDialog,
      { data },
    );
    let closedWith: ApprovalRuleDto | undefined | null = null;
    ref.afterClosed().subscribe((value) => (closedWith = value));
    TestBed.tick();
    const root = document.querySelector<HTMLElement>('lg-approval-rule-dialog')!;
    const all = (testId: string) => [...root.querySelectorAll<HTMLInputElement>(`[data-testid=${testId}]`)];
    const fill = (input: HTMLInputElement, value: string) => {
      input.value = value;
      input.dispatchEvent(new Event('input'));
      TestBed.tick();
    };
    const click = (testId: string) => {
      root.querySelector<HTMLButtonElement>(`[data-testid=${testId}]`)!.click();
      TestBed.tick();
    };
    /** Clicks Save and waits for the gateway's answer to be shown. */
    const save = async () => {
      const before = gateway.http.requests.length;
      click('rule-save');
      await vi.waitFor(() => expect(gateway.http.requests.length).toBeGreaterThan(before));
      await vi.waitFor(() => {
        TestBed.tick();
        expect(root.querySelector('[data-testid=rule-save] mat-progress-spinner')).toBeNull();
      });
    };
    return { root, all, fill, click, save, closed: () => closedWith };
  }

  it("creates a rule with auto-approve patterns, showing the gateway's 400 message first", async () => {
    let attempts = 0;
    gateway.http.on('POST /api/approval-rules', (request) =>
      attempts++ === 0
        ? { status: 400, body: { statusCode: 400, message: ['autoApprove must map up to 20 input field names'] } }
        : { status: 200, body: rule({ ...(request.body as object), updatedAt: '2026-01-02T00:00:00.000Z' }) },
    );
    const { root, all, fill, click, save, closed } = open({ toolName: 'http_request', rule: null, fallback: FALLBACK });
    expect(all('rule-timeout')[0]!.value).toBe('900');

    fill(all('rule-timeout')[0]!, '120');
    click('rule-pattern-add');
    fill(all('rule-field')[0]!, ' method ');
    fill(all('rule-glob')[0]!, 'GET');
    click('rule-pattern-add');
    fill(all('rule-field')[1]!, 'url');
    fill(all('rule-glob')[1]!, 'https://api.example.com/*');
    await save();

    expect(root.ownerDocument.querySelector('[data-testid=form-error]')?.textContent?.trim()).toBe(
      'autoApprove must map up to 20 input field names',
    );
    expect(closed()).toBeNull();

    await save();
    expect(gateway.http.last('POST /api/approval-rules')?.body).toEqual({
      toolName: 'http_request',
      riskLevel: 'medium',
      requireApproval: true,
      timeoutSeconds: 120,
      timeoutAction: 'reject',
      autoApprove: { method: 'GET', url: 'https://api.example.com/*' },
    });
    await vi.waitFor(() => expect(closed()).toMatchObject({ toolName: 'http_request', timeoutSeconds: 120 }));
  });

  it('edits an existing rule: its patterns can be removed, and the timeout is checked before sending', async () => {
    gateway.http.on('POST /api/approval-rules', (request) => ({ status: 200, body: rule(request.body as object) }));
    const { root, all, fill, click, save, closed } = open({
      toolName: 'http_request',
      rule: rule(),
      fallback: FALLBACK,
    });
    expect(all('rule-field').map((input) => input.value)).toEqual(['url']);

    fill(all('rule-timeout')[0]!, '5');
    click('rule-save');
    expect(root.querySelector('mat-error')?.textContent).toContain('A whole number from 10 to 604800');
    expect(gateway.http.requests).toHaveLength(0);

    fill(all('rule-timeout')[0]!, '3600');
    click('rule-pattern-remove');
    await save();
    expect(gateway.http.last('POST /api/approval-rules')?.body).toEqual({
      toolName: 'http_request',
      riskLevel: 'low',
      requireApproval: true,
      timeoutSeconds: 3600,
      timeoutAction: 'approve',
      autoApprove: {},
    });
    await vi.waitFor(() => expect(closed()).toMatchObject({ timeoutSeconds: 3600, autoApprove: {} }));
  });
});

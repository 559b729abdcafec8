import { TestBed } from '@angular/core/testing';
import type { ApprovalDto, ApprovalRulesResponseDto, ApprovalStatsDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { approval, approvalDetail } from '../../testing/fixtures';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { ApprovalsPage } from './approvals.page';

const ID = approval().id;
const OTHER = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';

const RULES: ApprovalRulesResponseDto = {
  rules: [
    {
      toolName: 'http_request',
      riskLevel: 'low',
      requireApproval: true,
      timeoutSeconds: 300,
      timeoutAction: 'approve',
      autoApprove: { url: 'https://hooks.example.com/*' },
      updatedAt: '2026-01-01T12:00:00.000Z',
    },
  ],
  defaults: {
    timeoutSeconds: 900,
    timeoutAction: 'reject',
    exfiltrationGuard: 'taint',
    trustedDestinations: ['api.example.com'],
    tools: [
      { toolName: 'web_browse', riskLevel: 'low', requireApproval: false, when: null },
      { toolName: 'run_script', riskLevel: 'high', requireApproval: true, when: 'every call' },
      { toolName: 'http_request', riskLevel: 'medium', requireApproval: true, when: 'methods other than GET and HEAD' },
    ],
  },
};

describe('ApprovalsPage', () => {
  let gateway: FakeGateway;
  /** The approvals the fake gateway has stored, newest first. */
  let stored: ApprovalDto[];
  let ws: FakeWebSocket;

  /** The gateway holds a call: it is stored, and its detail (with the conversation) can be fetched. */
  function hold(held: ApprovalDto): void {
    stored.unshift(held);
    gateway.http.on(`GET /api/approvals/${held.id}`, () => ({
      status: 200,
      body: approvalDetail(stored.find((a) => a.id === held.id)),
    }));
  }

  function decideStored(id: string, changes: Partial<ApprovalDto>): ApprovalDto {
    const index = stored.findIndex((a) => a.id === id);
    stored[index] = { ...stored[index]!, decidedAt: new Date().toISOString(), ...changes };
    return stored[index];
  }

  function stats(): ApprovalStatsDto {
    const count = (status: ApprovalDto['status']) => stored.filter((a) => a.status === status).length;
    return {
      pending: count('pending'),
      approved: count('approved'),
      rejected: count('rejected'),
      timedOut: count('timed_out'),
      averageDecisionSeconds: 42,
    };
  }

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
    stored = [];
    gateway.http
      .on('GET /api/approvals', (request) => {
        const status = request.query.get('status');
        return { status: 200, body: stored.filter((a) => !status || a.status === status) };
      })
      .on('GET /api/approvals/stats', () => ({ status: 200, body: stats() }))
      .on('GET /api/approval-rules', { status: 200, body: RULES });
  });

  async function render() {
    TestBed.inject(GatewaySocket).connect('token-1');
    ws = FakeWebSocket.latest();
    ws.open();
    ws.receive({ type: 'ready', userId: 'u1' });
    const fixture = TestBed.createComponent(ApprovalsPage);
    const root = fixture.nativeElement as HTMLElement;
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelector('[data-testid=rule-row]')).not.toBeNull();
      expect(root.querySelector('[data-testid=approval-pending-count]')?.textContent?.trim()).toBe(
        String(stats().pending),
      );
    });
    const text = (el: Element | null | undefined, testId: string) =>
      el?.querySelector(`[data-testid=${testId}]`)?.textContent?.replace(/\s+/g, ' ').trim();
    const card = (id: string) => root.querySelector(`[data-testid=approval][data-approval-id="${id}"]`);
    const decision = (id: string) => root.querySelector(`[data-testid=approval-decision][data-approval-id="${id}"]`);
    /** Waits until the page shows what `check` expects. */
    const until = (check: () => void) =>
      vi.waitFor(() => {
        TestBed.tick();
        check();
      });
    return { fixture, root, text, card, decision, until };
  }

  it('shows who spawned the sub-agent whose call is held, linking to its run', async () => {
    const parentRunId = '5e6f7a8b-1c2d-4e3f-9a0b-c1d2e3f4a5b6';
    hold(approval({ origin: { kind: 'a2a', ref: 'agent-1', role: 'coder', parentRunId } }));
    const { card, text } = await render();
    await vi.waitFor(() => {
      TestBed.tick();
      expect(text(card(ID), 'approval-origin')).toBe('Coder sub-agent of run 5e6f7a8b');
    });
    const link = card(ID)?.querySelector('[data-testid=approval-spawned-by]');
    expect(link?.getAttribute('href')).toBe(`/runs/${parentRunId}`);
    expect(link?.textContent?.replace(/\s+/g, ' ').trim()).toBe('run 5e6f7a8b');
  });

  it('shows a held call with its tool, risk, reason, arguments, conversation and time left, and the history', async () => {
    hold(
      approval({
        id: OTHER,
        toolName: 'http_request',
        riskLevel: 'medium',
        status: 'approved',
        decidedBy: 'ops',
        decidedAt: '2026-01-01T12:05:00.000Z',
        comment: 'Fine for staging',
      }),
    );
    hold(approval());
    const { root, text, card, decision } = await render();

    const held = card(ID);
    expect(text(held, 'approval-tool')).toBe('run_script');
    expect(text(held, 'tool-risk')).toBe('High risk');
    expect(text(held, 'approval-reason')).toBe('Held: run_script acts on the world (every call)');
    expect(text(held, 'approval-origin')).toBe('Telegram');
    expect(text(held, 'approval-time-left')).toMatch(/^Rejected automatically in (9 min 5\d s|10 min)$/);
    expect(JSON.parse(held?.querySelector('[data-testid=approval-input]')?.textContent ?? '')).toEqual({
      language: 'bash',
      script: 'rm -rf /tmp/cache\necho cleaned',
    });
    // A script reads as a script, not as one JSON string.
    const scriptText = held?.querySelector('[data-testid=approval-input-text]');
    expect(scriptText?.getAttribute('data-field')).toBe('script');
    expect(scriptText?.textContent).toBe('rm -rf /tmp/cache\necho cleaned');
    expect(held?.querySelectorAll('[data-testid=approval-input-text]')).toHaveLength(1);
    const lines = [...(held?.querySelectorAll('[data-testid=conversation-line]') ?? [])].map((line) => [
      text(line, 'conversation-role'),
      line.querySelector('[data-testid=conversation-text]')?.textContent,
    ]);
    expect(lines).toEqual([
      ['User', 'Please clear the cache on the build box'],
      ['Agent', 'I will clear it.\n[calls run_script with {"language":"bash"}]'],
    ]);
    expect(held?.querySelector('[data-testid=approval-run-link]')?.getAttribute('href')).toBe(
      `/runs/${approval().runId}`,
    );
    expect(root.querySelectorAll('[data-testid=approval]')).toHaveLength(1);

    expect(text(root, 'approval-approved-count')).toBe('1');
    expect(text(root, 'approval-average')).toBe('42 s');
    expect(decision(OTHER)?.getAttribute('data-status')).toBe('approved');
    expect(text(decision(OTHER), 'approval-decided-by')).toBe('ops');
    expect(text(decision(OTHER), 'approval-decision-comment')).toBe('Fine for staging');
  });

  it('approves with a comment: the gateway records it and the call moves to the history', async () => {
    hold(approval());
    gateway.http.on(`POST /api/approvals/${ID}/approve`, (request) => ({
      status: 200,
      body: decideStored(ID, {
        status: 'approved',
        decidedBy: 'admin',
        comment: (request.body as { comment?: string }).comment ?? null,
      }),
    }));
    const { root, text, card, decision, until } = await render();

    const comment = card(ID)!.querySelector<HTMLTextAreaElement>('[data-testid=approval-comment]')!;
    comment.value = 'Only the cache, fine';
    comment.dispatchEvent(new Event('input'));
    card(ID)!.querySelector<HTMLButtonElement>('[data-testid=approval-approve]')!.click();

    await until(() => expect(decision(ID)?.getAttribute('data-status')).toBe('approved'));
    expect(gateway.http.last(`POST /api/approvals/${ID}/approve`)?.body).toEqual({ comment: 'Only the cache, fine' });
    expect(card(ID)).toBeNull();
    expect(text(decision(ID), 'approval-decided-by')).toBe('admin');
    expect(text(decision(ID), 'approval-decision-comment')).toBe('Only the cache, fine');
    expect(text(decision(ID), 'approval-decided-at')).toBeTruthy();
    await until(() => expect(text(root, 'approval-pending-count')).toBe('0'));
    expect(text(root, 'approval-queue-empty')).toMatch(/Nothing is waiting for approval/);
    expect(root.querySelector('[data-testid=approvals-action-error]')).toBeNull();
  });

  it('adds a new request live on approval:required and moves it to the history on approval:resolved', async () => {
    const { root, text, card, decision, until } = await render();
    expect(text(root, 'approval-queue-empty')).toMatch(/Nothing is waiting for approval/);

    const held = approval();
    hold(held);
    ws.receive({
      type: 'event',
      event: 'approval:required',
      payload: {
        approvalId: ID,
        runId: held.runId,
        toolName: 'run_script',
        input: held.input,
        reason: held.reason,
        expiresAt: held.expiresAt,
      },
      timestamp: new Date().toISOString(),
    });
    await until(() => expect(card(ID)?.querySelectorAll('[data-testid=conversation-line]')).toHaveLength(2));
    expect(text(card(ID), 'approval-tool')).toBe('run_script');
    await until(() => expect(text(root, 'approval-pending-count')).toBe('1'));

    // Someone decides elsewhere (another console, the API).
    decideStored(ID, { status: 'rejected', decidedBy: 'ops', comment: 'Not today' });
    ws.receive({
      type: 'event',
      event: 'approval:resolved',
      payload: { approvalId: ID, runId: held.runId, status: 'rejected', decidedBy: 'ops' },
      timestamp: new Date().toISOString(),
    });
    await until(() => expect(decision(ID)?.getAttribute('data-status')).toBe('rejected'));
    expect(card(ID)).toBeNull();
    expect(text(decision(ID), 'approval-decided-by')).toBe('ops');
    expect(text(decision(ID), 'approval-decision-comment')).toBe('Not today');
  });

  it('says so when someone else decided first (409) and refreshes the queue', async () => {
    hold(approval());
    gateway.http.on(`POST /api/approvals/${ID}/reject`, () => {
      decideStored(ID, { status: 'approved', decidedBy: 'ops' });
      return {
        status: 409,
        body: { statusCode: 409, message: `Approval ${ID} was already approved by ops at 2026-01-01T12:05:00.000Z` },
      };
    });
    const { root, text, card, decision, until } = await render();

    card(ID)!.querySelector<HTMLButtonElement>('[data-testid=approval-reject]')!.click();

    await until(() =>
      expect(text(root, 'approvals-action-error')).toBe(
        `Approval ${ID} was already approved by ops at 2026-01-01T12:05:00.000Z. The queue has been refreshed.`,
      ),
    );
    await until(() => expect(decision(ID)?.getAttribute('data-status')).toBe('approved'));
    expect(card(ID)).toBeNull();
    expect(text(decision(ID), 'approval-decided-by')).toBe('ops');
  });

  it('a timed-out call says what the timeout did', async () => {
    hold(approval({ status: 'timed_out', decidedAt: new Date().toISOString() }));
    const { text, decision } = await render();
    expect(decision(ID)?.getAttribute('data-status')).toBe('timed_out');
    expect(text(decision(ID), 'run-status')).toBe('Timed out');
    expect(text(decision(ID), 'approval-decided-by')).toBe('Timed out: rejected automatically');
  });

  it("lists every tool's default and the operator's rule; deleting a rule puts the tool back on its default", async () => {
    gateway.http.on('DELETE /api/approval-rules/http_request', { status: 204 });
    const { root, text } = await render();
    const row = (tool: string) => root.querySelector(`[data-testid=rule-row][data-tool=${tool}]`);

    expect([...root.querySelectorAll('[data-testid=rule-row]')].map((r) => r.getAttribute('data-tool'))).toEqual([
      'http_request',
      'run_script',
      'web_browse',
    ]);
    expect(text(row('run_script'), 'tool-risk')).toBe('High risk');
    expect(text(row('run_script'), 'rule-default-text')).toBe('Approval for every call');
    expect(text(row('web_browse'), 'rule-default-text')).toBe('No approval needed');
    expect(text(row('http_request'), 'rule-default-text')).toBe('Approval for methods other than GET and HEAD');
    expect(text(row('run_script'), 'rule-current')).toBe('Default');
    expect(text(row('http_request'), 'rule-summary')).toBe('Calls wait up to 5 min, then are approved automatically');
    expect(text(row('http_request'), 'rule-auto-approve')).toBe('url = https://hooks.example.com/*');
    expect(text(root, 'rules-defaults')).toContain('waits 15 min and is then rejected automatically');
    expect(text(root, 'rules-exfiltration')).toContain(
      'Once a run has read untrusted content, http_request and web_browse calls to hosts that are not trusted destinations are held, whatever the rules below say (trusted destinations: api.example.com).',
    );

    row('http_request')!.querySelector<HTMLButtonElement>('[data-testid=rule-delete]')!.click();
    TestBed.tick();
    document.querySelector<HTMLButtonElement>('[data-testid=confirm]')!.click();
    await vi.waitFor(() => {
      TestBed.tick();
      expect(text(row('http_request'), 'rule-current')).toBe('Default');
    });
    expect(gateway.http.last('DELETE /api/approval-rules/http_request')).toBeDefined();
  });
});

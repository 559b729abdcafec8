import { TestBed } from '@angular/core/testing';
import type { AgentResponseDto, AgentsOverviewResponseDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { AgentsPage } from './agents.page';

const at = '2026-01-01T12:00:00.000Z';

function agent(id: string, role: string | null, parentId: string | null, status: AgentResponseDto['status']) {
  return {
    id,
    role,
    parentId,
    groupId: null,
    status,
    currentRunId: `run-${id}`,
    parentRunId: parentId ? `run-${parentId}` : null,
    depth: parentId ? 1 : 0,
    conversationId: `conv-${id}`,
    a2aConversationId: 'root0000-1',
    startedAt: at,
    tokensUsed: 1234,
    inputTokens: 1000,
    outputTokens: 234,
  } satisfies AgentResponseDto;
}

function overview(researcher: AgentResponseDto['status']): AgentsOverviewResponseDto {
  return {
    agents: [agent('root0000-1', null, null, 'waiting'), agent('child000-2', 'researcher', 'root0000-1', researcher)],
    stats: { spawnedToday: 1, active: 2, messages: 1, averageDelegationMs: null, tokensByRole: [] },
    roles: [
      {
        name: 'researcher',
        description: 'Finds facts',
        systemPrompt: 'You are a researcher.',
        model: null,
        skills: ['web_browse'],
        source: 'builtin',
      },
    ],
  };
}

describe('AgentsPage', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
  });

  it('shows the tree of agents, updates it when agents report, and opens the A2A conversation', async () => {
    gateway.http.on('GET /api/agents', { status: 200, body: overview('working') });
    gateway.http.on('GET /api/a2a/conversations/root0000-1', {
      status: 200,
      body: [
        {
          id: 'm1',
          conversationId: 'root0000-1',
          type: 'delegate',
          from: 'root0000-1',
          to: 'child000-2',
          text: 'Find the population of Oslo.',
          fromRunId: 'run-root0000-1',
          runId: 'run-child000-2',
          replyTo: null,
          createdAt: at,
        },
      ],
    });
    TestBed.inject(GatewaySocket).connect('token-1');
    const ws = FakeWebSocket.latest();
    ws.open();
    ws.receive({ type: 'ready', userId: 'u1' });
    const fixture = TestBed.createComponent(AgentsPage);
    const root = fixture.nativeElement as HTMLElement;
    const researcher = () => root.querySelector('[data-testid=agent][data-role=researcher]');
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(researcher()?.querySelector('[data-status=working]')).not.toBeNull();
    });
    expect(root.querySelector('[data-testid=agent][data-role=top]')?.textContent).toContain('Top-level agent');
    expect(researcher()?.textContent).toContain('1,234 tokens');
    expect(root.querySelector('[data-testid=agent-role]')?.textContent).toContain('Skills: web_browse');

    // The researcher answers: the page fetches the agents again on the event.
    gateway.http.on('GET /api/agents', { status: 200, body: overview('done') });
    ws.receive({
      type: 'event',
      event: 'agent:finished',
      payload: { agentId: 'child000-2', role: 'researcher', runId: 'r2', parentRunId: 'r1', status: 'completed' },
      timestamp: at,
    });
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(researcher()?.querySelector('[data-status=done]')).not.toBeNull();
    });

    (root.querySelector('[data-testid=agent-open-conversation]') as HTMLButtonElement).click();
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(root.querySelector('[data-testid=a2a-message]')?.textContent).toContain('Find the population of Oslo.');
    });
    expect(root.querySelector('[data-testid=a2a-message]')?.textContent).toContain(
      'Top-level agent root0000 → Researcher child000',
    );
  });
});

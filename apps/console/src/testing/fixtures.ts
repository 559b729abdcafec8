/** Sample API objects for unit tests. */
import type { AgentGroupResponseDto, ApprovalDetailDto, ApprovalDto } from '@loop-gateway/api-client';

export function agentGroup(overrides: Partial<AgentGroupResponseDto> = {}): AgentGroupResponseDto {
  return {
    id: 'g1',
    name: 'Support',
    systemPrompt: 'You help customers.',
    model: 'claude-sonnet-4-6',
    hasApiKey: true,
    skills: ['web_browse', 'http_request'],
    budgetMaxTokensDay: 10_000,
    budgetMaxTokensMonth: null,
    channelStyles: { telegram: 'Short lines.' },
    isDefault: false,
    channelIds: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A held run_script call, pending for another ten minutes. */
export function approval(overrides: Partial<ApprovalDto> = {}): ApprovalDto {
  const created = Date.now() - 5_000;
  return {
    id: '6f1c2b7e-0d4a-4c8e-9a1b-2c3d4e5f6a7b',
    runId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    conversationId: 'c0ffee00-0000-4000-8000-000000000001',
    groupId: 'g1',
    toolCallId: 'toolu_01',
    toolName: 'run_script',
    input: { language: 'bash', script: 'rm -rf /tmp/cache\necho cleaned' },
    origin: { kind: 'channel', channelType: 'telegram' },
    riskLevel: 'high',
    reason: 'run_script acts on the world (every call)',
    status: 'pending',
    timeoutAction: 'reject',
    expiresAt: new Date(created + 605_000).toISOString(),
    createdAt: new Date(created).toISOString(),
    decidedAt: null,
    decidedBy: null,
    comment: null,
    ...overrides,
  };
}

/** An approval with the conversation that led to the call. */
export function approvalDetail(
  overrides: Partial<ApprovalDetailDto> = {},
  conversation: ApprovalDetailDto['conversation'] = [
    { role: 'user', text: 'Please clear the cache on the build box', createdAt: '2026-01-01T12:00:00.000Z' },
    {
      role: 'assistant',
      text: 'I will clear it.\n[calls run_script with {"language":"bash"}]',
      createdAt: '2026-01-01T12:00:01.000Z',
    },
  ],
): ApprovalDetailDto {
  return { ...approval(overrides), conversation, ...overrides };
}

/** Sample API objects for unit tests. */
import type { AgentGroupResponseDto } from '@loop-gateway/api-client';

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

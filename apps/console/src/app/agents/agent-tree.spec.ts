import type { AgentResponseDto } from '@loop-gateway/api-client';
import { agentLabel, agentTrees, flatten } from './agent-tree';

function agent(
  id: string,
  parentId: string | null,
  startedAt: string,
  role: string | null = 'researcher',
): AgentResponseDto {
  return {
    id,
    role,
    parentId,
    groupId: null,
    status: 'done',
    currentRunId: `run-${id}`,
    parentRunId: parentId ? `run-${parentId}` : null,
    depth: parentId ? 1 : 0,
    conversationId: `conv-${id}`,
    a2aConversationId: 'root',
    startedAt,
    tokensUsed: 10,
    inputTokens: 6,
    outputTokens: 4,
  };
}

describe('agentTrees', () => {
  it('nests children under their parents in the order they started, newest tree first', () => {
    const trees = agentTrees([
      agent('b2', 'b', '2026-01-01T10:00:03Z'),
      agent('b', null, '2026-01-01T10:00:00Z', null),
      agent('b1', 'b', '2026-01-01T10:00:01Z'),
      agent('b1a', 'b1', '2026-01-01T10:00:02Z', 'writer'),
      agent('a', null, '2026-01-01T09:00:00Z', null),
    ]);
    expect(trees.map((tree) => tree.agent.id)).toEqual(['b', 'a']);
    expect(flatten(trees[0]!).map(({ agent: a, level }) => `${a.id}@${level}`)).toEqual([
      'b@0',
      'b1@1',
      'b1a@2',
      'b2@1',
    ]);
  });

  it('shows an agent whose parent is not listed as a tree of its own', () => {
    expect(agentTrees([agent('orphan', 'gone', '2026-01-01T10:00:00Z')]).map((tree) => tree.agent.id)).toEqual([
      'orphan',
    ]);
  });

  it('names agents by role', () => {
    expect(agentLabel({ role: 'researcher' })).toBe('Researcher');
    expect(agentLabel({ role: null })).toBe('Top-level agent');
  });
});

import type { ToolContext } from '../../tools/tool.js';
import type { AskRequest, Delegations } from '../delegations.js';
import { agentTools } from './agent-tools.js';

/** The delegations the tools hand checked input to, recording what they were asked. */
function recorder() {
  const asked: unknown[] = [];
  const delegations = {
    ask: (request: AskRequest) => (asked.push(['ask', request]), Promise.resolve({ content: 'asked' })),
    broadcast: (message: string, to: string) => (
      asked.push(['broadcast', message, to]),
      Promise.resolve({ content: 'sent' })
    ),
  } as unknown as Delegations;
  const tools = new Map(agentTools(delegations).map((tool) => [tool.name, tool]));
  return { asked, tool: (name: string) => tools.get(name)! };
}

const context = { runId: 'r1', callId: 'c1', conversationId: 'k1', groupId: 'g1' } as ToolContext;

describe('agent tools', () => {
  it('offers delegate, broadcast and query with schemas built from their fields', () => {
    const { tool } = recorder();
    expect(tool('delegate').inputSchema).toEqual({
      type: 'object',
      properties: {
        role: { type: 'string', description: 'Role of a new sub-agent.' },
        agentId: { type: 'string', description: 'Id of an agent you delegated to before (instead of role).' },
        task: { type: 'string', description: 'What the agent should do, self-contained.' },
        context: { type: 'string', description: 'Material the agent needs (notes, findings, a draft).' },
      },
      required: ['task'],
      additionalProperties: false,
    });
    expect((tool('query').inputSchema as { required: string[] }).required).toEqual(['agentId', 'question']);
    expect((tool('broadcast').inputSchema as { required: string[] }).required).toEqual(['message', 'to']);
    for (const name of ['delegate', 'broadcast', 'query']) expect(tool(name).riskLevel).toBe('low');
  });

  it('hands checked input to the delegations', async () => {
    const { asked, tool } = recorder();
    await tool('delegate').execute({ role: 'writer', task: 'Write.', context: 'Notes' }, context);
    await tool('delegate').execute({ agentId: 'a1', task: 'More.' }, context);
    await tool('query').execute({ agentId: 'a1', question: 'Why?' }, context);
    await tool('broadcast').execute({ message: 'Stop.', to: 'all' }, context);
    expect(asked).toEqual([
      ['ask', { type: 'delegate', role: 'writer', text: 'Write.', context: 'Notes' }],
      ['ask', { type: 'delegate', agentId: 'a1', text: 'More.', context: undefined }],
      ['ask', { type: 'query', agentId: 'a1', text: 'Why?' }],
      ['broadcast', 'Stop.', 'all'],
    ]);
  });

  it('answers input the schema does not allow to the model, naming the field, and asks nothing', async () => {
    const { asked, tool } = recorder();
    const cases: [string, unknown, string][] = [
      ['delegate', { task: 'x' }, 'give exactly one of role (a new sub-agent) or agentId'],
      ['delegate', { role: 'writer', agentId: 'a1', task: 'x' }, 'give exactly one of role'],
      ['delegate', { role: 'writer' }, 'task must be a non-empty string'],
      ['delegate', { role: 'w'.repeat(65), task: 'x' }, 'role must be at most 64 characters'],
      ['delegate', { role: 'writer', task: 'x', urgent: true }, 'unknown field "urgent"'],
      ['query', { agentId: 'a1' }, 'question must be a non-empty string'],
      ['query', 'hello', 'the input must be a JSON object'],
      ['broadcast', { message: 'x', to: 7 }, 'to must be a non-empty string'],
    ];
    for (const [name, input, message] of cases) {
      const result = await tool(name).execute(input, context);
      expect(result.isError).toBe(true);
      expect(result.content).toContain(`Invalid input: ${message}`);
    }
    expect(asked).toEqual([]);
  });
});

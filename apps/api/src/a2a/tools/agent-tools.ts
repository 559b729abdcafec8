import { inputObject, invalidInput, stringField, ToolInputError } from '../../tools/tool-input.js';
import type { Tool, ToolContext, ToolResult } from '../../tools/tool.js';
import type { Delegations } from '../delegations.js';

const MAX_TASK_CHARS = 50_000;
const ID_CHARS = 36;

/**
 * `delegate`: hands a task to a new sub-agent with a role, or to an agent this conversation already
 * delegated to. The calling run waits (without a run slot) for the answer; several delegations in one
 * turn work in parallel.
 */
export class DelegateTool implements Tool {
  readonly name = 'delegate';
  readonly riskLevel = 'low' as const;
  readonly description =
    'Hand a task to another agent and get its answer. Give `role` to start a new sub-agent with that role ' +
    '(planner, researcher, coder, reviewer, writer, or a role the operator added), or `agentId` to hand more ' +
    'work to an agent you delegated to before. The sub-agent sees only `task` and `context`, so include what ' +
    'it needs. Several delegate calls in one turn run in parallel; you continue when all have answered.';
  readonly inputSchema = {
    type: 'object',
    properties: {
      role: { type: 'string', description: 'Role of a new sub-agent.' },
      agentId: { type: 'string', description: 'Id of an agent you delegated to before (instead of role).' },
      task: { type: 'string', description: 'What the agent should do, self-contained.' },
      context: { type: 'string', description: 'Material the agent needs (notes, findings, a draft).' },
    },
    required: ['task'],
    additionalProperties: false,
  };

  constructor(private readonly delegations: Delegations) {}

  execute(input: unknown, context: ToolContext): Promise<ToolResult> {
    return withInput(input, ['role', 'agentId', 'task', 'context'], (fields) => {
      const task = stringField(fields, 'task', { maxLength: MAX_TASK_CHARS });
      const extra =
        fields.context === undefined ? undefined : stringField(fields, 'context', { maxLength: MAX_TASK_CHARS });
      const target = roleOrAgent(fields);
      return this.delegations.ask({ type: 'delegate', ...target, text: task, context: extra }, context);
    });
  }
}

/** `query`: a follow-up question to an agent that has answered, answered from its conversation. */
export class QueryTool implements Tool {
  readonly name = 'query';
  readonly riskLevel = 'low' as const;
  readonly description =
    'Ask an agent you delegated to (it has answered and is idle or done) a follow-up question; it answers ' +
    'from its own conversation, so it remembers its task and findings. You continue when it has answered.';
  readonly inputSchema = {
    type: 'object',
    properties: {
      agentId: { type: 'string', description: 'Id of the agent (from its earlier answer).' },
      question: { type: 'string', description: 'The follow-up question.' },
    },
    required: ['agentId', 'question'],
    additionalProperties: false,
  };

  constructor(private readonly delegations: Delegations) {}

  execute(input: unknown, context: ToolContext): Promise<ToolResult> {
    return withInput(input, ['agentId', 'question'], (fields) => {
      const agentId = stringField(fields, 'agentId', { maxLength: ID_CHARS });
      const question = stringField(fields, 'question', { maxLength: MAX_TASK_CHARS });
      return this.delegations.ask({ type: 'query', agentId, text: question }, context);
    });
  }
}

/** `broadcast`: a message to this run's active sub-agents (all, or one role's); no answer awaited. */
export class BroadcastTool implements Tool {
  readonly name = 'broadcast';
  readonly riskLevel = 'low' as const;
  readonly description =
    'Send a message to the sub-agents this run delegated to that are still active (to: a role, or "all"), ' +
    'for example a change of plan. No answer is awaited; you continue at once.';
  readonly inputSchema = {
    type: 'object',
    properties: {
      message: { type: 'string', description: 'What to tell them.' },
      to: { type: 'string', description: 'A role, or "all".' },
    },
    required: ['message', 'to'],
    additionalProperties: false,
  };

  constructor(private readonly delegations: Delegations) {}

  execute(input: unknown, context: ToolContext): Promise<ToolResult> {
    return withInput(input, ['message', 'to'], (fields) => {
      const message = stringField(fields, 'message', { maxLength: MAX_TASK_CHARS });
      const to = stringField(fields, 'to', { maxLength: 64 });
      return this.delegations.broadcast(message, to, context);
    });
  }
}

/** Reads the input's fields and acts on them; input the schema does not allow is answered to the model. */
async function withInput(
  input: unknown,
  allowed: readonly string[],
  act: (fields: Record<string, unknown>) => Promise<ToolResult>,
): Promise<ToolResult> {
  let work: Promise<ToolResult>;
  try {
    work = act(inputObject(input, allowed));
  } catch (error) {
    if (error instanceof ToolInputError) return invalidInput(error);
    throw error;
  }
  return work;
}

function roleOrAgent(fields: Record<string, unknown>): { role: string } | { agentId: string } {
  if ((fields.role === undefined) === (fields.agentId === undefined)) {
    throw new ToolInputError('give exactly one of role (a new sub-agent) or agentId (an agent you delegated to)');
  }
  return fields.role !== undefined
    ? { role: stringField(fields, 'role', { maxLength: 64 }) }
    : { agentId: stringField(fields, 'agentId', { maxLength: ID_CHARS }) };
}

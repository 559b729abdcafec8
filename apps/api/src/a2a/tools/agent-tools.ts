import { inputObject, invalidInput, stringField, ToolInputError } from '../../tools/tool-input.js';
import type { Tool, ToolContext, ToolResult } from '../../tools/tool.js';
import type { Delegations } from '../delegations.js';

const MAX_TASK_CHARS = 50_000;
const ID_CHARS = 36;
const ROLE_CHARS = 64;

/** One string field of an agent tool's input: what the model is told, its bound, whether it must be given. */
interface FieldSpec {
  description: string;
  maxLength: number;
  required?: boolean;
}

/**
 * What tells the three agent tools apart: name, description, input fields, and what the checked
 * fields ask of the delegations. The input is checked the same way for all (an object with only
 * these string fields, each within its bound, the required ones given).
 */
interface AgentToolSpec<F extends string> {
  name: string;
  description: string;
  fields: Record<F, FieldSpec>;
  act(fields: Partial<Record<F, string>>, delegations: Delegations, context: ToolContext): Promise<ToolResult>;
}

/** An agent tool from its spec: the schema the model sees is built from the same fields the input is checked against. */
function agentTool<F extends string>(spec: AgentToolSpec<F>, delegations: Delegations): Tool {
  const names = Object.keys(spec.fields) as F[];
  const fieldSpecs = Object.entries(spec.fields) as [F, FieldSpec][];
  return {
    name: spec.name,
    description: spec.description,
    riskLevel: 'low',
    inputSchema: {
      type: 'object',
      properties: Object.fromEntries(
        fieldSpecs.map(([name, field]) => [name, { type: 'string', description: field.description }]),
      ),
      required: fieldSpecs.filter(([, field]) => field.required).map(([name]) => name),
      additionalProperties: false,
    },
    execute(input: unknown, context: ToolContext): Promise<ToolResult> {
      const checked: Partial<Record<F, string>> = {};
      try {
        const raw = inputObject(input, names);
        for (const [name, field] of fieldSpecs) {
          if (raw[name] === undefined && !field.required) continue;
          checked[name] = stringField(raw, name, { maxLength: field.maxLength });
        }
        return spec.act(checked, delegations, context);
      } catch (error) {
        // The act's own input checks (e.g. role or agentId) throw before it returns its promise.
        if (error instanceof ToolInputError) return Promise.resolve(invalidInput(error));
        throw error;
      }
    },
  };
}

/**
 * `delegate`: hands a task to a new sub-agent with a role, or to an agent this conversation already
 * delegated to. The calling run waits (without a run slot) for the answer; several delegations in one
 * turn work in parallel.
 */
const DELEGATE: AgentToolSpec<'role' | 'agentId' | 'task' | 'context'> = {
  name: 'delegate',
  description:
    'Hand a task to another agent and get its answer. Give `role` to start a new sub-agent with that role ' +
    '(planner, researcher, coder, reviewer, writer, or a role the operator added), or `agentId` to hand more ' +
    'work to an agent you delegated to before. The sub-agent sees only `task` and `context`, so include what ' +
    'it needs. Several delegate calls in one turn run in parallel; you continue when all have answered.',
  fields: {
    role: { description: 'Role of a new sub-agent.', maxLength: ROLE_CHARS },
    agentId: { description: 'Id of an agent you delegated to before (instead of role).', maxLength: ID_CHARS },
    task: { description: 'What the agent should do, self-contained.', maxLength: MAX_TASK_CHARS, required: true },
    context: { description: 'Material the agent needs (notes, findings, a draft).', maxLength: MAX_TASK_CHARS },
  },
  act: ({ role, agentId, task, context }, delegations, toolContext) => {
    if ((role === undefined) === (agentId === undefined)) {
      throw new ToolInputError('give exactly one of role (a new sub-agent) or agentId (an agent you delegated to)');
    }
    const target = role !== undefined ? { role } : { agentId: agentId! };
    return delegations.ask({ type: 'delegate', ...target, text: task!, context }, toolContext);
  },
};

/** `query`: a follow-up question to an agent that has answered, answered from its conversation. */
const QUERY: AgentToolSpec<'agentId' | 'question'> = {
  name: 'query',
  description:
    'Ask an agent you delegated to (it has answered and is idle or done) a follow-up question; it answers ' +
    'from its own conversation, so it remembers its task and findings. You continue when it has answered.',
  fields: {
    agentId: { description: 'Id of the agent (from its earlier answer).', maxLength: ID_CHARS, required: true },
    question: { description: 'The follow-up question.', maxLength: MAX_TASK_CHARS, required: true },
  },
  act: ({ agentId, question }, delegations, context) =>
    delegations.ask({ type: 'query', agentId: agentId!, text: question! }, context),
};

/** `broadcast`: a message to this run's active sub-agents (all, or one role's); no answer awaited. */
const BROADCAST: AgentToolSpec<'message' | 'to'> = {
  name: 'broadcast',
  description:
    'Send a message to the sub-agents this run delegated to that are still active (to: a role, or "all"), ' +
    'for example a change of plan. No answer is awaited; you continue at once.',
  fields: {
    message: { description: 'What to tell them.', maxLength: MAX_TASK_CHARS, required: true },
    to: { description: 'A role, or "all".', maxLength: ROLE_CHARS, required: true },
  },
  act: ({ message, to }, delegations, context) => delegations.broadcast(message!, to!, context),
};

/** The tools agents coordinate with: delegate, broadcast and query, all served by the delegations. */
export function agentTools(delegations: Delegations): Tool[] {
  return [agentTool(DELEGATE, delegations), agentTool(BROADCAST, delegations), agentTool(QUERY, delegations)];
}

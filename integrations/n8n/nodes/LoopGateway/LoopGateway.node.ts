import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeOperationError,
} from 'n8n-workflow';
import { gatewayRequest } from './GenericFunctions';
import { approvalFields, approvalOperations } from './descriptions/ApprovalDescription';
import { agentFields, agentOperations } from './descriptions/AgentDescription';
import { agentGroupOperations } from './descriptions/AgentGroupDescription';
import { taskFields, taskOperations } from './descriptions/TaskDescription';
import { usageOperations } from './descriptions/UsageDescription';

/** Run statuses after which nothing changes any more. */
const FINISHED = new Set(['completed', 'failed', 'refused', 'cancelled']);
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2_000;

interface RunAccepted {
  runId: string;
  conversationId: string;
  status: string;
}

interface Run extends IDataObject {
  id: string;
  conversationId: string;
  status: string;
  waitingFor?: { kind: string } | null;
}

interface Approval extends IDataObject {
  id: string;
  status: string;
}

export class LoopGateway implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Loop Gateway',
    name: 'loopGateway',
    icon: 'file:../../icons/loop-gateway.svg',
    group: ['transform'],
    version: 1,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description: 'Run Claude agents, loop tasks and approvals through a self-hosted Loop Gateway',
    defaults: { name: 'Loop Gateway' },
    usableAsTool: true,
    inputs: ['main'],
    outputs: ['main'],
    credentials: [{ name: 'loopGatewayApi', required: true }],
    properties: [
      {
        displayName: 'Resource',
        name: 'resource',
        type: 'options',
        noDataExpression: true,
        options: [
          { name: 'Agent', value: 'agent' },
          { name: 'Agent Group', value: 'agentGroup' },
          { name: 'Approval', value: 'approval' },
          { name: 'Task', value: 'task' },
          { name: 'Usage', value: 'usage' },
        ],
        default: 'agent',
      },
      ...agentOperations,
      ...agentFields,
      ...taskOperations,
      ...taskFields,
      ...agentGroupOperations,
      ...usageOperations,
      ...approvalOperations,
      ...approvalFields,
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const out: INodeExecutionData[] = [];
    for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
      try {
        const resource = this.getNodeParameter('resource', itemIndex) as string;
        const operation = this.getNodeParameter('operation', itemIndex) as string;
        const result = await runOperation.call(this, resource, operation, itemIndex);
        for (const json of Array.isArray(result) ? result : [result]) {
          out.push({ json, pairedItem: { item: itemIndex } });
        }
      } catch (error) {
        if (this.continueOnFail()) {
          out.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
          continue;
        }
        throw error;
      }
    }
    return [out];
  }
}

async function runOperation(
  this: IExecuteFunctions,
  resource: string,
  operation: string,
  itemIndex: number,
): Promise<IDataObject | IDataObject[]> {
  const key = `${resource}:${operation}`;
  switch (key) {
    case 'agent:run':
      return runAgent.call(this, itemIndex);
    case 'task:create': {
      const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
      const body: IDataObject = {
        name: this.getNodeParameter('name', itemIndex) as string,
        prompt: this.getNodeParameter('prompt', itemIndex) as string,
        maxIterations: this.getNodeParameter('maxIterations', itemIndex) as number,
        ...nonEmpty({ groupId: options.groupId, planPrompt: options.planPrompt }),
      };
      return (await gatewayRequest.call(this, 'POST', '/api/tasks', { body, itemIndex })).body;
    }
    case 'task:get':
      return (await gatewayRequest.call(this, 'GET', `/api/tasks/${taskId.call(this, itemIndex)}`, { itemIndex })).body;
    case 'task:getOutput':
      return (
        await gatewayRequest.call(this, 'GET', `/api/tasks/${taskId.call(this, itemIndex)}/output`, { itemIndex })
      ).body;
    case 'agentGroup:getAll':
      return (await gatewayRequest.call(this, 'GET', '/api/agent-groups', { itemIndex }))
        .body as unknown as IDataObject[];
    case 'usage:get':
      return (await gatewayRequest.call(this, 'GET', '/api/usage', { itemIndex })).body;
    case 'approval:approve':
    case 'approval:reject': {
      const approvalId = requiredId.call(this, 'approvalId', itemIndex);
      const comment = (this.getNodeParameter('comment', itemIndex, '') as string).trim();
      const path = `/api/approvals/${approvalId}/${operation}`;
      return (await gatewayRequest.call(this, 'POST', path, { body: nonEmpty({ comment }), itemIndex })).body;
    }
    default:
      throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`, {
        itemIndex,
      });
  }
}

/**
 * Starts a run (POST /api/runs, 202) and, unless told not to wait, polls GET /api/runs/:id until it
 * has finished, it waits for an approval (with the pending approvals listed), or the timeout passes
 * (then the run's current state is returned; it goes on in the gateway).
 */
async function runAgent(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const message = this.getNodeParameter('message', itemIndex) as string;
  if (message.trim() === '') throw new NodeOperationError(this.getNode(), 'The message is empty', { itemIndex });
  const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
  const body: IDataObject = {
    message,
    ...nonEmpty({ groupId: options.groupId, conversationId: options.conversationId }),
  };
  const accepted = (await gatewayRequest.call(this, 'POST', '/api/runs', { body, itemIndex }))
    .body as unknown as RunAccepted;
  if (options.waitForCompletion === false) return { ...accepted };

  const timeoutMs = Number(options.timeoutSeconds ?? 120) * 1000;
  const returnOnApproval = options.returnOnApproval !== false;
  const deadline = Date.now() + timeoutMs;
  let delay = FIRST_POLL_MS;
  for (;;) {
    const run = (await gatewayRequest.call(this, 'GET', `/api/runs/${accepted.runId}`, { itemIndex })).body as Run;
    if (FINISHED.has(run.status)) return summarise(run);
    if (run.status === 'waiting' && run.waitingFor?.kind === 'approval' && returnOnApproval) {
      const approvals = (await gatewayRequest.call(this, 'GET', `/api/approvals/run/${run.id}`, { itemIndex }))
        .body as unknown as Approval[];
      return {
        ...summarise(run),
        approvals: approvals
          .filter((a) => a.status === 'pending')
          .map((a) => ({ id: a.id, toolName: a.toolName, input: a.input, reason: a.reason, expiresAt: a.expiresAt })),
      };
    }
    if (Date.now() + delay > deadline) return { ...summarise(run), timedOut: true };
    await sleep(delay);
    delay = Math.min(MAX_POLL_MS, Math.round(delay * 1.5));
  }
}

/** What a workflow needs of a run (the transcript, tool calls and model calls stay in the gateway). */
function summarise(run: Run): IDataObject {
  return {
    runId: run.id,
    conversationId: run.conversationId,
    status: run.status,
    waitingFor: run.waitingFor ?? null,
    reply: run.reply ?? null,
    error: run.error ?? null,
    model: run.model ?? null,
    groupId: run.groupId ?? null,
    iterations: run.iterations,
    inputTokens: run.inputTokens,
    outputTokens: run.outputTokens,
    durationMs: run.durationMs ?? null,
  };
}

function taskId(this: IExecuteFunctions, itemIndex: number): string {
  return requiredId.call(this, 'taskId', itemIndex);
}

function requiredId(this: IExecuteFunctions, name: string, itemIndex: number): string {
  const value = String(this.getNodeParameter(name, itemIndex) ?? '').trim();
  if (value === '') throw new NodeOperationError(this.getNode(), `${name} is required`, { itemIndex });
  return encodeURIComponent(value);
}

/** The entries whose value is a non-empty string (optional fields left blank are not sent). */
function nonEmpty(fields: Record<string, unknown>): IDataObject {
  const out: IDataObject = {};
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

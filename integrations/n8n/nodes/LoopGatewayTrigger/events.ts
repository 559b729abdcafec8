import type { INodePropertyOptions } from 'n8n-workflow';

/**
 * The gateway's event catalog (libs/contracts/src/events.ts, GET /api/webhooks/events). A test keeps
 * this list equal to the catalog; the package does not depend on the gateway's code.
 */
export const GATEWAY_EVENTS: INodePropertyOptions[] = [
  { name: 'A2A Message', value: 'a2a:message', description: 'A message between agents was stored on the bus' },
  { name: 'Agent Finished', value: 'agent:finished', description: 'A sub-agent answered a delegation or query' },
  {
    name: 'Agent Run Cancelled',
    value: 'agent:run:cancelled',
    description: 'An agent run was cancelled by an operator',
  },
  { name: 'Agent Run Complete', value: 'agent:run:complete', description: 'An agent run finished with a reply' },
  { name: 'Agent Run Error', value: 'agent:run:error', description: 'An agent run failed or was refused' },
  { name: 'Agent Run Start', value: 'agent:run:start', description: 'An agent run started' },
  {
    name: 'Agent Run Text',
    value: 'agent:run:text',
    description: 'Text streamed for a run, one event per chunk (high volume; not part of "All")',
  },
  { name: 'Agent Spawned', value: 'agent:spawned', description: 'An agent delegated a task to a new sub-agent' },
  { name: 'All (Except Agent Run Text)', value: '*', description: 'Every event but the text stream' },
  { name: 'Approval Required', value: 'approval:required', description: 'A tool call waits for a human decision' },
  {
    name: 'Approval Resolved',
    value: 'approval:resolved',
    description: 'A held tool call was decided, timed out or withdrawn',
  },
  { name: 'Auth Login', value: 'auth:login', description: 'An operator logged in' },
  { name: 'Auth Logout', value: 'auth:logout', description: 'An operator logged out' },
  {
    name: 'Budget Threshold',
    value: 'budget:threshold',
    description: 'An agent group passed 80 % or 100 % of a token budget',
  },
  { name: 'Channel Status', value: 'channel:status', description: 'A channel changed state' },
  { name: 'Container Exit', value: 'container:exit', description: 'An agent call’s container ended' },
  { name: 'Container Start', value: 'container:start', description: 'An agent call started in its own container' },
  {
    name: 'Conversation Compacted',
    value: 'conversation:compacted',
    description: 'A conversation near the model’s window had its older turns summarized',
  },
  {
    name: 'MCP Server State',
    value: 'mcp:server:state',
    description: 'An MCP server connected, is connecting, or failed (its tools unavailable meanwhile)',
  },
  { name: 'Message Incoming', value: 'message:incoming', description: 'A message arrived on a channel' },
  { name: 'Message Reply', value: 'message:reply', description: 'The agent replied on a channel' },
  { name: 'Scheduler Job Complete', value: 'scheduler:job:complete', description: 'A scheduled job ran' },
  { name: 'Skill Error', value: 'skill:error', description: 'A custom skill failed to load' },
  { name: 'Skill Installed', value: 'skill:installed', description: 'A custom skill was installed' },
  { name: 'Skill Removed', value: 'skill:removed', description: 'A custom skill was removed' },
  { name: 'Skill Updated', value: 'skill:updated', description: 'A custom skill got a new version' },
  { name: 'Task Complete', value: 'task:complete', description: 'A loop task completed' },
  { name: 'Task Error', value: 'task:error', description: 'A loop task stopped with an error' },
  { name: 'Task Iteration', value: 'task:iteration', description: 'A loop task finished an iteration' },
  { name: 'Task Start', value: 'task:start', description: 'A loop task started' },
];

import type { INodeProperties } from 'n8n-workflow';

const show = { resource: ['agent'], operation: ['run'] };

export const agentOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['agent'] } },
    options: [
      {
        name: 'Run',
        value: 'run',
        action: 'Run the agent',
        description: 'Send a message to an agent and wait for its reply',
      },
    ],
    default: 'run',
  },
];

export const agentFields: INodeProperties[] = [
  {
    displayName: 'Message',
    name: 'message',
    type: 'string',
    typeOptions: { rows: 4 },
    default: '',
    required: true,
    displayOptions: { show },
    description: 'What the agent is asked',
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    displayOptions: { show },
    options: [
      {
        displayName: 'Agent Group ID',
        name: 'groupId',
        type: 'string',
        default: '',
        description: 'The agent group whose prompt, model, tools and budget apply (default: the default group)',
      },
      {
        displayName: 'Conversation ID',
        name: 'conversationId',
        type: 'string',
        default: '',
        description: 'Continue this conversation (e.g. the conversationId of an earlier run); empty starts a new one',
      },
      {
        displayName: 'Wait for Completion',
        name: 'waitForCompletion',
        type: 'boolean',
        default: true,
        description:
          'Whether to wait for the reply. Off: return the run ID at once (follow it with the trigger’s agent:run:complete event).',
      },
      {
        displayName: 'Return When Awaiting Approval',
        name: 'returnOnApproval',
        type: 'boolean',
        default: true,
        description:
          'Whether to return as soon as a tool call waits for a person (status waiting, with the pending approvals) instead of waiting for the decision',
      },
      {
        displayName: 'Timeout (Seconds)',
        name: 'timeoutSeconds',
        type: 'number',
        typeOptions: { minValue: 1, maxValue: 3600 },
        default: 120,
        description:
          'How long to wait for the run; after that the run’s current state is returned with timedOut: true (the run goes on)',
      },
    ],
  },
];

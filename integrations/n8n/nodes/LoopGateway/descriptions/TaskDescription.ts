import type { INodeProperties } from 'n8n-workflow';

export const taskOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['task'] } },
    options: [
      {
        name: 'Create',
        value: 'create',
        action: 'Create a loop task',
        description: 'Create and start a loop task: the agent works on it in iterations',
      },
      { name: 'Get', value: 'get', action: 'Get a task', description: 'A task’s status and iteration log' },
      {
        name: 'Get Output',
        value: 'getOutput',
        action: 'Get the output of a task',
        description: 'What the task’s iterations have produced so far',
      },
    ],
    default: 'create',
  },
];

const create = { resource: ['task'], operation: ['create'] };

export const taskFields: INodeProperties[] = [
  {
    displayName: 'Name',
    name: 'name',
    type: 'string',
    default: '',
    required: true,
    displayOptions: { show: create },
  },
  {
    displayName: 'Prompt',
    name: 'prompt',
    type: 'string',
    typeOptions: { rows: 6 },
    default: '',
    required: true,
    displayOptions: { show: create },
    description:
      'What every iteration works on. The task completes when the agent ends a reply with the completion marker (promise tag with COMPLETE inside, see the README), or after Max Iterations.',
  },
  {
    displayName: 'Max Iterations',
    name: 'maxIterations',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 1000 },
    default: 10,
    required: true,
    displayOptions: { show: create },
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    displayOptions: { show: create },
    options: [
      {
        displayName: 'Agent Group ID',
        name: 'groupId',
        type: 'string',
        default: '',
        description: 'The agent group whose prompt, model, tools and budget apply',
      },
      {
        displayName: 'Plan Prompt',
        name: 'planPrompt',
        type: 'string',
        typeOptions: { rows: 4 },
        default: '',
        description: 'When given, a plan iteration comes first and the build iterations work through its plan',
      },
    ],
  },
  {
    displayName: 'Task ID',
    name: 'taskId',
    type: 'string',
    default: '',
    required: true,
    displayOptions: { show: { resource: ['task'], operation: ['get', 'getOutput'] } },
  },
];

import type { INodeProperties } from 'n8n-workflow';

export const approvalOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['approval'] } },
    options: [
      {
        name: 'Approve',
        value: 'approve',
        action: 'Approve a held tool call',
        description: 'The held tool call runs and the agent goes on',
      },
      {
        name: 'Reject',
        value: 'reject',
        action: 'Reject a held tool call',
        description: 'The tool call never runs; the agent is told (with the comment)',
      },
    ],
    default: 'approve',
  },
];

const show = { resource: ['approval'] };

export const approvalFields: INodeProperties[] = [
  {
    displayName: 'Approval ID',
    name: 'approvalId',
    type: 'string',
    default: '',
    required: true,
    displayOptions: { show },
    description: 'E.g. the approvalId of an approval:required event, or one of a run’s pending approvals.',
  },
  {
    displayName: 'Comment',
    name: 'comment',
    type: 'string',
    default: '',
    displayOptions: { show },
    description: 'Why; a rejection’s comment is shown to the agent',
  },
];

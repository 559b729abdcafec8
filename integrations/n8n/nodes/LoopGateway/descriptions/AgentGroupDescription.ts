import type { INodeProperties } from 'n8n-workflow';

export const agentGroupOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['agentGroup'] } },
    options: [
      {
        name: 'Get Many',
        value: 'getAll',
        action: 'Get many agent groups',
        description: 'Every agent group: name, model, skills and budget (one item each)',
      },
    ],
    default: 'getAll',
  },
];

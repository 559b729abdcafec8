import type { INodeProperties } from 'n8n-workflow';

export const usageOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['usage'] } },
    options: [
      {
        name: 'Get',
        value: 'get',
        action: 'Get usage',
        description: 'Tokens and estimated cost today, this month and in all',
      },
    ],
    default: 'get',
  },
];

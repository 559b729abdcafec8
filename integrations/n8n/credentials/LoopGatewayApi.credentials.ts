import type {
  IAuthenticateGeneric,
  Icon,
  ICredentialTestRequest,
  ICredentialType,
  INodeProperties,
} from 'n8n-workflow';

/**
 * Where the gateway is and the API key n8n sends as `Authorization: Bearer …`. Create the key in the
 * console under API keys (scope "Runs only" is enough for Run Agent; Task, Approval and the trigger
 * need "Full"). A console session token still works, but it ends after SESSION_MAX_HOURS, so the
 * credential test fails with a warning for one.
 */
export class LoopGatewayApi implements ICredentialType {
  name = 'loopGatewayApi';

  displayName = 'Loop Gateway API';

  icon: Icon = 'file:../icons/loop-gateway.svg';

  documentationUrl = 'https://github.com/loop-gateway/loop-gateway/tree/main/integrations/n8n#credentials';

  properties: INodeProperties[] = [
    {
      displayName: 'Gateway URL',
      name: 'baseUrl',
      type: 'string',
      default: 'http://localhost:3000',
      placeholder: 'https://gateway.example.com',
      description: 'Where the gateway listens, without /api (e.g. http://loop-gateway:3000 next to n8n in Docker)',
      required: true,
    },
    {
      displayName: 'API Key',
      name: 'apiToken',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      placeholder: 'lgk_…',
      description:
        'An API key from the console (API keys page), starting with lgk_. It is sent as a bearer token. ' +
        'A console session token (lgs_) also works until it expires.',
      required: true,
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: { Authorization: '=Bearer {{$credentials.apiToken}}' },
    },
  };

  /** "Test" in n8n's credential dialog: what kind of credential it is; a session token gets a warning. */
  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.baseUrl}}',
      url: '/api/auth/credential',
      method: 'GET',
    },
    rules: [
      {
        type: 'responseSuccessBody',
        properties: {
          key: 'kind',
          value: 'session',
          message:
            'This is a console session token: it works now but expires (SESSION_MAX_HOURS). Create an API key in the console (API keys) and use it here.',
        },
      },
    ],
  };
}

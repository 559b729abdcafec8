import type {
  IAuthenticateGeneric,
  Icon,
  ICredentialTestRequest,
  ICredentialType,
  INodeProperties,
} from 'n8n-workflow';

/**
 * Where the gateway is and the token n8n sends as `Authorization: Bearer …`.
 *
 * Today the token is a console session token (`POST /api/auth/login`); it ends after the gateway's
 * SESSION_MAX_HOURS (or SESSION_IDLE_MINUTES unused). Long-lived API tokens are a planned follow-up.
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
      displayName: 'API Token',
      name: 'apiToken',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description:
        'Sent as "Authorization: Bearer <token>". Today this is a session token from POST /api/auth/login, ' +
        'which ends after the gateway’s SESSION_MAX_HOURS; long-lived API tokens are planned.',
      required: true,
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: { Authorization: '=Bearer {{$credentials.apiToken}}' },
    },
  };

  /** "Test" in n8n's credential dialog: the operator behind the token. */
  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.baseUrl}}',
      url: '/api/auth/me',
      method: 'GET',
    },
  };
}

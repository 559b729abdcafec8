import {
  type IDataObject,
  type IHookFunctions,
  type INodeType,
  type INodeTypeDescription,
  type IWebhookFunctions,
  type IWebhookResponseData,
  NodeConnectionTypes,
} from 'n8n-workflow';
import { gatewayRequest } from '../LoopGateway/GenericFunctions';
import { GATEWAY_EVENTS } from './events';
import { verifyWebhookSignature } from './signature';

/** What the node keeps in the workflow's static data between activation and deactivation. */
interface TriggerStaticData extends IDataObject {
  webhookId?: string;
  webhookSecret?: string;
}

interface GatewayWebhook {
  id: string;
  targetUrl: string | null;
  events: string[];
  enabled: boolean;
}

interface CreatedWebhook extends GatewayWebhook {
  secret: string;
}

export class LoopGatewayTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Loop Gateway Trigger',
    name: 'loopGatewayTrigger',
    icon: 'file:../../icons/loop-gateway.svg',
    group: ['trigger'],
    version: 1,
    subtitle: '={{$parameter["events"].join(", ")}}',
    description: 'Starts the workflow when Loop Gateway emits an event (runs, approvals, tasks, …)',
    defaults: { name: 'Loop Gateway Trigger' },
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'loopGatewayApi', required: true }],
    webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
    properties: [
      {
        displayName: 'Events',
        name: 'events',
        type: 'multiOptions',
        options: GATEWAY_EVENTS,
        default: ['agent:run:complete'],
        required: true,
        description:
          'The events the gateway sends to this workflow. The gateway must be able to reach n8n’s webhook URL (set WEBHOOK_URL in n8n when it runs behind a proxy or in Docker).',
      },
    ],
  };

  webhookMethods = {
    default: {
      /** True when the webhook this node registered still exists at the gateway as configured. */
      async checkExists(this: IHookFunctions): Promise<boolean> {
        const data = this.getWorkflowStaticData('node') as TriggerStaticData;
        if (!data.webhookId) return false;
        const found = await gatewayRequest.call(this, 'GET', `/api/webhooks/${encodeURIComponent(data.webhookId)}`, {
          allowStatuses: [404],
        });
        const hook = found.body as unknown as GatewayWebhook;
        const current =
          found.statusCode === 200 &&
          data.webhookSecret !== undefined &&
          hook.enabled &&
          hook.targetUrl === this.getNodeWebhookUrl('default') &&
          sameEvents(hook.events, wantedEvents(this));
        if (current) return true;
        // Gone, disabled (e.g. after a 410) or configured differently: replace it.
        if (found.statusCode === 200) {
          await gatewayRequest.call(this, 'DELETE', `/api/webhooks/${encodeURIComponent(data.webhookId)}`, {
            allowStatuses: [404],
          });
        }
        delete data.webhookId;
        delete data.webhookSecret;
        return false;
      },

      /** Registers n8n's webhook URL at the gateway and keeps the id and signing secret. */
      async create(this: IHookFunctions): Promise<boolean> {
        const targetUrl = this.getNodeWebhookUrl('default');
        const workflow = this.getWorkflow();
        const name = `n8n: ${workflow.name ?? workflow.id ?? 'workflow'} / ${this.getNode().name}`.slice(0, 100);
        const created = await gatewayRequest.call(this, 'POST', '/api/webhooks', {
          body: { name, platform: 'n8n', events: wantedEvents(this), targetUrl },
        });
        const hook = created.body as unknown as CreatedWebhook;
        const data = this.getWorkflowStaticData('node') as TriggerStaticData;
        data.webhookId = hook.id;
        data.webhookSecret = hook.secret;
        return true;
      },

      /**
       * Removes the webhook at the gateway (already gone counts as removed). A failure is thrown with
       * the gateway's reason, so n8n reports it instead of leaving an orphaned webhook unnoticed.
       */
      async delete(this: IHookFunctions): Promise<boolean> {
        const data = this.getWorkflowStaticData('node') as TriggerStaticData;
        if (data.webhookId) {
          await gatewayRequest.call(this, 'DELETE', `/api/webhooks/${encodeURIComponent(data.webhookId)}`, {
            allowStatuses: [404],
            context: `removing webhook ${data.webhookId}`,
          });
        }
        delete data.webhookId;
        delete data.webhookSecret;
        return true;
      },
    },
  };

  /** A delivery from the gateway: verified against the stored secret, then emitted as one item. */
  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    const data = this.getWorkflowStaticData('node') as TriggerStaticData;
    const request = this.getRequestObject();
    if (request.rawBody === undefined && typeof request.readRawBody === 'function') await request.readRawBody();
    const body = this.getBodyData();
    const rawBody: string | Buffer = request.rawBody ?? JSON.stringify(body);
    const headers = this.getHeaderData();
    const check = data.webhookSecret
      ? verifyWebhookSignature(data.webhookSecret, headers, rawBody)
      : ({ valid: false, reason: 'this trigger has no registered webhook' } as const);
    if (!check.valid) {
      this.getResponseObject()
        .status(401)
        .json({ message: `Invalid Loop Gateway signature: ${check.reason}` });
      return { noWebhookResponse: true };
    }
    const deliveryId = Array.isArray(headers['webhook-id']) ? headers['webhook-id'][0] : headers['webhook-id'];
    return { workflowData: [[{ json: { ...body, deliveryId: deliveryId ?? null } }]] };
  }
}

function wantedEvents(context: IHookFunctions): string[] {
  const events = context.getNodeParameter('events', []) as string[];
  return events.length > 0 ? events : ['agent:run:complete'];
}

function sameEvents(a: string[], b: string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((event, i) => event === right[i]);
}

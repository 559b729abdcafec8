/**
 * n8n's own engine for the tests: the package is loaded by n8n-core's PackageDirectoryLoader (as n8n
 * loads a community node package, from its built `dist/` and package.json), and each node run is a
 * real workflow execution by n8n-core's WorkflowExecute, with n8n-core's execution context and HTTP
 * helpers (axios, n8n's authentication hook). What n8n's server (the `n8n` package, which does not
 * install from this registry) adds around the engine is one piece here: its credential store, which
 * hands out the decrypted credential and applies the credential type's generic `authenticate` with
 * n8n-workflow's expressions, as n8n's CredentialsHelper does.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ICredentialsHelper,
  type ICredentialDataDecryptedObject,
  type IDataObject,
  type IHttpRequestOptions,
  type INode,
  type INodeExecutionData,
  type INodeType,
  type INodeTypes,
  type IRequestOptionsSimplified,
  type IWebhookData,
  type IWebhookResponseData,
  type IWorkflowBase,
  type IWorkflowExecuteAdditionalData,
  type Workflow as WorkflowType,
  Workflow,
} from 'n8n-workflow';
import type { LoopGatewayCredentials } from '../nodes/LoopGateway/GenericFunctions.js';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE_NAME = 'n8n-nodes-loop-gateway';
const CREDENTIALS_TYPE = 'loopGatewayApi';

type N8nCore = typeof import('n8n-core');
type Loader = InstanceType<N8nCore['PackageDirectoryLoader']>;

let engine: Promise<{ core: N8nCore; loader: Loader }> | undefined;

/** n8n-core and the package as n8n loads it; once per test file. */
function loadEngine(): Promise<{ core: N8nCore; loader: Loader }> {
  engine ??= (async () => {
    // n8n keeps its settings (an encryption key) in its user folder: a scratch one, not ~/.n8n.
    process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'lg-n8n-'));
    const core = await import('n8n-core');
    const loader = new core.PackageDirectoryLoader(PACKAGE_DIR);
    await loader.loadAll();
    return { core, loader };
  })();
  return engine;
}

/** A node type of the loaded package by n8n's name for it (`n8n-nodes-loop-gateway.<name>`). */
function nodeType(loader: Loader, type: string): INodeType {
  const [pkg, name] = type.split('.');
  const loaded = pkg === PACKAGE_NAME && name ? loader.nodeTypes[name] : undefined;
  if (!loaded) throw new Error(`n8n does not know the node type ${type}`);
  return loaded.type as INodeType;
}

/** The node types n8n knows from the loaded package. */
function nodeTypes(loader: Loader): INodeTypes {
  const byName = (type: string) => nodeType(loader, type);
  return {
    getByName: byName,
    getByNameAndVersion: (type) => byName(type),
    getKnownTypes: () => ({}),
  };
}

/** n8n's credential store for one credential: decrypted on request, generic auth applied per request. */
class CredentialStore extends ICredentialsHelper {
  constructor(
    private readonly credentials: LoopGatewayCredentials,
    private readonly loader: Loader,
  ) {
    super();
  }

  getParentTypes(): string[] {
    return [];
  }

  isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
    return credentialType === CREDENTIALS_TYPE && nodeType.startsWith(`${PACKAGE_NAME}.`);
  }

  async authenticate(
    credentials: ICredentialDataDecryptedObject,
    typeName: string,
    requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
    workflow: WorkflowType,
    node: INode,
  ): Promise<IHttpRequestOptions> {
    const auth = this.loader.getCredential(typeName).type.authenticate;
    if (!auth || typeof auth === 'function' || auth.type !== 'generic') return requestOptions as IHttpRequestOptions;
    const resolve = (value: unknown) =>
      workflow.expression.getSimpleParameterValue(node, value as string, 'internal', { $credentials: credentials });
    const headers: IDataObject = { ...(requestOptions.headers as IDataObject) };
    for (const [name, value] of Object.entries(auth.properties.headers ?? {})) headers[name] = resolve(value);
    return { ...(requestOptions as IHttpRequestOptions), headers };
  }

  async preAuthentication(): Promise<undefined> {
    return undefined;
  }

  async runPreAuthentication(): Promise<undefined> {
    return undefined;
  }

  async getCredentials(): Promise<never> {
    throw new Error('the Loop Gateway nodes read decrypted credentials only');
  }

  async getDecrypted(
    _additionalData: IWorkflowExecuteAdditionalData,
    _nodeCredentials: unknown,
    type: string,
  ): Promise<ICredentialDataDecryptedObject> {
    if (type !== CREDENTIALS_TYPE) throw new Error(`no credentials of type ${type}`);
    return { ...this.credentials };
  }

  async updateCredentials(): Promise<void> {}

  async updateCredentialsOauthTokenData(): Promise<void> {}

  getCredentialsProperties(): [] {
    return [];
  }
}

export interface ExecuteOptions {
  credentials: LoopGatewayCredentials;
  parameters: Record<string, unknown>;
  /** Continue On Fail: the error becomes an item instead of failing the execution. */
  continueOnFail?: boolean;
  /** n8n's execution id; a retry of the same execution keeps it. */
  executionId?: string;
}

let executions = 0;

/**
 * One execution of a workflow holding the Loop Gateway node with these parameters, run by n8n's
 * WorkflowExecute: resolves with the node's output (per output, its items), or rejects with the error
 * the execution ended with (what n8n shows for a failed execution).
 */
export async function execute(options: ExecuteOptions): Promise<INodeExecutionData[][]> {
  const { core, loader } = await loadEngine();
  const executionId = options.executionId ?? `execution-${++executions}`;
  const node: INode = {
    id: 'loop-gateway-1',
    name: 'Loop Gateway',
    type: `${PACKAGE_NAME}.loopGateway`,
    typeVersion: 1,
    position: [0, 0],
    parameters: options.parameters as INode['parameters'],
    credentials: { [CREDENTIALS_TYPE]: { id: 'credential-1', name: 'Loop Gateway account' } },
    ...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
  };
  const workflowData: IWorkflowBase = {
    id: 'workflow-1',
    name: 'Loop Gateway test',
    active: false,
    isArchived: false,
    activeVersionId: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    nodes: [node],
    connections: {},
  };
  const workflow = new Workflow({ ...workflowData, nodeTypes: nodeTypes(loader) });
  const additionalData = {
    credentialsHelper: new CredentialStore(options.credentials, loader),
    hooks: new core.ExecutionLifecycleHooks('manual', executionId, workflowData),
    executionId,
    restApiUrl: 'http://n8n.test/rest',
    instanceBaseUrl: 'http://n8n.test/',
    webhookBaseUrl: 'http://n8n.test/webhook',
    webhookWaitingBaseUrl: 'http://n8n.test/webhook-waiting',
    webhookTestBaseUrl: 'http://n8n.test/webhook-test',
    formWaitingBaseUrl: 'http://n8n.test/form-waiting',
    variables: {},
    userId: 'user-1',
    currentNodeParameters: undefined,
    executionTimeoutTimestamp: undefined,
    executeWorkflow: () => Promise.reject(new Error('no sub-workflows here')),
    getRunExecutionData: () => Promise.resolve(undefined),
    logAiEvent: () => {},
  } as unknown as IWorkflowExecuteAdditionalData;
  const run = await new core.WorkflowExecute(additionalData, 'manual').run({ workflow, startNode: node });
  const { error, runData } = run.data.resultData;
  const [task] = runData[node.name] ?? [];
  // A node that failed (without Continue On Fail) fails the execution with its error. n8n-core runs
  // outside the test's module realm, so its error is handed on as an Error of this realm.
  const failure = task?.error ?? error;
  if (failure) {
    throw Object.assign(new Error(failure.message), {
      name: failure.name,
      description: failure.description,
      cause: failure,
    });
  }
  if (!task?.data) throw new Error(`the execution of ${node.name} produced no output`);
  return task.data['main'] as INodeExecutionData[][];
}

/** The trigger node's webhook id: n8n's webhook URL for it is `<webhook base URL>/<id>/webhook`. */
export const TRIGGER_WEBHOOK_ID = 'loop-gateway-trigger-1';

export interface HookOptions {
  credentials: LoopGatewayCredentials;
  parameters: Record<string, unknown>;
  /** The node's static data, kept by n8n across activations (the same object for every call). */
  staticData: IDataObject;
  /** n8n's webhook URL for the trigger (WebhookHost.url()): `<base>/<TRIGGER_WEBHOOK_ID>/webhook`. */
  webhookUrl: string;
}

/**
 * Calls one of the trigger's webhookMethods (checkExists, create, delete) in n8n-core's HookContext,
 * as n8n does when it activates or deactivates a workflow: the node's parameters, static data and
 * webhook URL come from n8n's Workflow and NodeHelpers.
 */
export async function hook(method: 'checkExists' | 'create' | 'delete', options: HookOptions): Promise<boolean> {
  const { core, loader, workflow, node, additionalData } = await triggerWorkflow(options);
  const context = new core.HookContext(workflow, node, additionalData, 'trigger', 'activate');
  return nodeType(loader, node.type).webhookMethods!['default']![method].call(context);
}

/**
 * Calls the trigger's webhook() in n8n-core's WebhookContext for one request that n8n's webhook server
 * received (`request`: the parsed body and the raw bytes as express gives them; `response`: its
 * express response), as n8n does for a production webhook.
 */
export async function webhook(
  request: object,
  response: object,
  options: Pick<HookOptions, 'staticData' | 'webhookUrl'>,
): Promise<IWebhookResponseData> {
  const { core, loader, workflow, node, additionalData } = await triggerWorkflow({
    ...options,
    credentials: { baseUrl: 'http://gateway.invalid', apiToken: '' },
    parameters: {},
  });
  const webhookData = {
    httpMethod: 'POST',
    node: node.name,
    path: 'webhook',
    webhookDescription: nodeType(loader, node.type).description.webhooks![0]!,
    workflowId: workflow.id,
    workflowExecuteAdditionalData: additionalData,
    webhookId: TRIGGER_WEBHOOK_ID,
  } as IWebhookData;
  const withRequest = {
    ...additionalData,
    httpRequest: request,
    httpResponse: response,
  } as IWorkflowExecuteAdditionalData;
  const context = new core.WebhookContext(workflow, node, withRequest, 'webhook', webhookData, [], null);
  return nodeType(loader, node.type).webhook!.call(context);
}

/** A workflow with the trigger node, as n8n holds it while the workflow is active. */
async function triggerWorkflow(options: HookOptions) {
  const { core, loader } = await loadEngine();
  const suffix = `/${TRIGGER_WEBHOOK_ID}/webhook`;
  if (!options.webhookUrl.endsWith(suffix)) throw new Error(`a trigger webhook URL ends with ${suffix}`);
  const node: INode = {
    id: 'loop-gateway-trigger-1',
    name: 'Loop Gateway Trigger',
    type: `${PACKAGE_NAME}.loopGatewayTrigger`,
    typeVersion: 1,
    position: [0, 0],
    webhookId: TRIGGER_WEBHOOK_ID,
    parameters: options.parameters as INode['parameters'],
    credentials: { [CREDENTIALS_TYPE]: { id: 'credential-1', name: 'Loop Gateway account' } },
  };
  const workflow = new Workflow({
    id: 'workflow-1',
    name: 'Gateway events',
    active: true,
    nodes: [node],
    connections: {},
    nodeTypes: nodeTypes(loader),
    staticData: { [`node:${node.name}`]: options.staticData },
  });
  const additionalData = {
    credentialsHelper: new CredentialStore(options.credentials, loader),
    webhookBaseUrl: options.webhookUrl.slice(0, -suffix.length),
    webhookTestBaseUrl: 'http://n8n.test/webhook-test',
    restApiUrl: 'http://n8n.test/rest',
    instanceBaseUrl: 'http://n8n.test/',
    variables: {},
    userId: 'user-1',
  } as unknown as IWorkflowExecuteAdditionalData;
  return { core, loader, workflow, node, additionalData };
}

/**
 * The sandbox worker: a child process of the gateway that runs skill handlers in isolated-vm, a fresh
 * V8 isolate per call (its own heap, no Node APIs: no require, process, timers or file system), with a
 * heap limit and a time limit. The gateway kills and replaces this process if it stops answering.
 * Self-contained on purpose (Node built-ins and isolated-vm only): it is started by path.
 */
import ivm from 'isolated-vm';
import type { FromWorker, SandboxFetchResponse, ToWorker } from './sandbox-protocol.js';

const MAX_FETCHES_PER_CALL = 20;

// The handler runs as CommonJS in the isolate. `fetch` is a thin wrapper over the gateway's broker;
// nothing else from outside is reachable. The prelude is the isolate's own code, run before the
// handler, so the handler sees plain objects of its own realm only.
const PRELUDE = `
'use strict';
const __brokerFetch = globalThis.__brokerFetch;
delete globalThis.__brokerFetch;
if (__brokerFetch) {
  globalThis.fetch = async function fetch(url, init) {
    const options = init ?? {};
    const request = JSON.stringify({
      url: String(url),
      method: String(options.method ?? 'GET').toUpperCase(),
      headers: options.headers ? Object.fromEntries(Object.entries(options.headers).map(([k, v]) => [String(k), String(v)])) : {},
      body: options.body === undefined || options.body === null ? null : String(options.body),
    });
    const answer = JSON.parse(await __brokerFetch.apply(undefined, [request], { result: { promise: true } }));
    if (answer.error) throw new Error(answer.error);
    const r = answer.response;
    return {
      status: r.status, statusText: r.statusText, ok: r.status >= 200 && r.status < 300, url: r.url, headers: r.headers,
      text: async () => r.body,
      json: async () => JSON.parse(r.body),
    };
  };
}
`;

function wrap(code: string): string {
  // The handler starts on line 1, so line numbers in errors are the handler's own.
  return `const module = { exports: {} }; (function (module, exports) { ${code}
})(module, module.exports);
globalThis.__handler = module.exports;`;
}

const RUN = `(async function (input) {
  const handler = globalThis.__handler;
  if (typeof handler !== 'function') throw new Error('the handler must export a function (module.exports = async (input) => ...)');
  let value;
  try {
    value = await handler(JSON.parse(input));
  } catch (error) {
    if (error instanceof Error) throw error;
    let shown;
    try { shown = JSON.stringify(error); } catch { shown = undefined; }
    throw new Error('the handler threw a non-Error value: ' + (shown ?? String(error)));
  }
  const text = JSON.stringify(value === undefined ? null : value);
  if (typeof text !== 'string') throw new Error('the handler returned a value that is not JSON (a function or a symbol)');
  return text;
})`;

let fetchSeq = 0;
const pendingFetches = new Map<number, (answer: string) => void>();

function send(message: FromWorker): void {
  process.send?.(message);
}

/** Errors thrown in the isolate arrive as copies; anything thrown (a string, an object, null) is described. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return `the handler threw a non-Error value: ${JSON.stringify(error) ?? String(error)}`;
  } catch {
    return 'the handler threw a non-Error value';
  }
}

interface Fresh {
  memoryMb: number;
  isolate: ivm.Isolate;
  context: ivm.Context;
}

/** An unused isolate made ahead of the next call, so a call does not wait for one to be created. */
let spare: Promise<Fresh> | null = null;

async function fresh(memoryMb: number): Promise<Fresh> {
  const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
  const context = await isolate.createContext();
  await context.global.set('globalThis', context.global.derefInto());
  return { memoryMb, isolate, context };
}

/** A never-used isolate for this call (the spare when it fits), and a new spare made for the next. */
async function take(memoryMb: number): Promise<Fresh> {
  const ready = spare ? await spare.catch(() => null) : null;
  spare = null;
  let taken: Fresh;
  if (ready && ready.memoryMb === memoryMb && !ready.isolate.isDisposed) {
    taken = ready;
  } else {
    if (ready && !ready.isolate.isDisposed) ready.isolate.dispose();
    taken = await fresh(memoryMb);
  }
  return taken;
}

/** Makes the next call's isolate once this call has answered (creating one blocks this thread for ms). */
function prepareSpare(memoryMb: number): void {
  setImmediate(() => {
    if (spare) return;
    spare = fresh(memoryMb);
    spare.catch(() => undefined);
  });
}

async function run(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const { isolate, context } = await take(message.memoryMb);
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  let fetches = 0;
  try {
    const jail = context.global;
    if (message.fetch) {
      await jail.set(
        '__brokerFetch',
        new ivm.Reference(async (request: string) => {
          if (++fetches > MAX_FETCHES_PER_CALL) {
            return JSON.stringify({ error: `at most ${MAX_FETCHES_PER_CALL} fetches per call` });
          }
          const fetchId = ++fetchSeq;
          const answer = new Promise<string>((resolve) => pendingFetches.set(fetchId, resolve));
          send({ type: 'fetch', id: message.id, fetchId, request: JSON.parse(request) });
          return answer;
        }),
      );
    }
    const deadline = new Promise<never>((_resolve, reject) => {
      // Wall time: the call and everything it awaits (promises that never settle, microtask floods).
      timer = setTimeout(() => {
        timedOut = true;
        reject(new Error(`the skill ran longer than its ${message.timeoutMs} ms limit and was stopped`));
        if (!isolate.isDisposed) isolate.dispose();
      }, message.timeoutMs);
    });
    const work = (async () => {
      const opts = { timeout: message.timeoutMs };
      await context.eval(PRELUDE, opts);
      await context.eval(wrap(message.code), { ...opts, filename: 'handler.js' });
      const fn = (await context.eval(RUN, { ...opts, reference: true })) as ivm.Reference;
      return (await fn.apply(undefined, [message.input], { ...opts, result: { promise: true, copy: true } })) as string;
    })();
    work.catch(() => undefined); // the deadline may win; the loser's rejection is expected
    const value = await Promise.race([work, deadline]);
    if (Buffer.byteLength(value) > message.maxResultBytes) {
      throw new Error(`the result is larger than ${message.maxResultBytes} bytes of JSON`);
    }
    send({ type: 'result', id: message.id, ok: true, value });
  } catch (error) {
    // isolated-vm's own limit on a synchronous stretch may end the call before the wall-time timer
    // (late on a busy loop) does: the same limit, so the same sentence.
    const text =
      timedOut || /^Script execution timed out/.test(describe(error))
        ? `the skill ran longer than its ${message.timeoutMs} ms limit and was stopped`
        : /memory limit/i.test(describe(error)) || isolate.isDisposed
          ? `the skill went over its ${message.memoryMb} MB memory limit and was stopped`
          : describe(error);
    send({ type: 'result', id: message.id, ok: false, error: text });
  } finally {
    clearTimeout(timer);
    if (!isolate.isDisposed) isolate.dispose();
    prepareSpare(message.memoryMb);
  }
}

/** Runs the handler's top level and checks it exports a function: an install-time check. */
async function check(message: Extract<ToWorker, { type: 'check' }>): Promise<void> {
  const isolate = new ivm.Isolate({ memoryLimit: message.memoryMb });
  try {
    const context = await isolate.createContext();
    await context.global.set('globalThis', context.global.derefInto());
    let script: ivm.Script;
    try {
      script = await isolate.compileScript(wrap(message.code), { filename: 'handler.js' });
    } catch (error) {
      throw new Error(`does not compile: ${describe(error)}`, { cause: error });
    }
    try {
      await script.run(context, { timeout: 1000 });
    } catch (error) {
      throw new Error(`failed when loaded: ${describe(error)}`, { cause: error });
    }
    const kind = (await context.eval('typeof globalThis.__handler', { timeout: 100 })) as string;
    if (kind !== 'function')
      throw new Error(`it must export a function (module.exports = async (input) => ...), not ${kind}`);
    send({ type: 'result', id: message.id, ok: true, value: 'null' });
  } catch (error) {
    send({ type: 'result', id: message.id, ok: false, error: describe(error) });
  } finally {
    if (!isolate.isDisposed) isolate.dispose();
  }
}

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'run':
      void run(message);
      break;
    case 'check':
      void check(message);
      break;
    case 'fetched': {
      const resolve = pendingFetches.get(message.fetchId);
      pendingFetches.delete(message.fetchId);
      const answer: { response?: SandboxFetchResponse; error?: string } = message.response
        ? { response: message.response }
        : { error: message.error ?? 'fetch failed' };
      resolve?.(JSON.stringify(answer));
      break;
    }
  }
});
// The gateway is gone: so is this worker.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });

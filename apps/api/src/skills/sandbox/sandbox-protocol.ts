/**
 * Messages between the gateway and a sandbox worker process (Node IPC, JSON). Kept free of runtime
 * code: the worker runs from this folder with Node's type stripping in tests, and imports types only.
 */

/** A request a skill's `fetch` makes; the gateway checks and sends it. */
export interface SandboxFetchRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface SandboxFetchResponse {
  status: number;
  statusText: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Gateway → worker. */
export type ToWorker =
  | {
      type: 'run';
      id: number;
      code: string;
      /** The input as JSON text. */
      input: string;
      memoryMb: number;
      timeoutMs: number;
      maxResultBytes: number;
      /** Whether the skill has a `fetch` capability (its hosts are checked by the gateway). */
      fetch: boolean;
    }
  | { type: 'fetched'; id: number; fetchId: number; response?: SandboxFetchResponse; error?: string }
  | { type: 'check'; id: number; code: string; memoryMb: number };

/** Worker → gateway. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; value: string }
  | { type: 'result'; id: number; ok: false; error: string }
  | { type: 'fetch'; id: number; fetchId: number; request: SandboxFetchRequest };

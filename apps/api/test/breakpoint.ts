import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { waitUntil } from './wait.js';

/** The built gateway's code (what `npm start` runs), where breakpoints are set. */
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** What the built gateway needs in its environment for `pauseAt`: its inspector, on a free loopback port. */
export const INSPECTABLE = { NODE_OPTIONS: '--inspect=127.0.0.1:0' };

/**
 * Stops the built gateway (started with INSPECTABLE) the moment it reaches a line of its own code,
 * through its inspector, as a debugger would: a crash can then be made at that exact point (kill -9
 * while paused), between two steps that otherwise follow each other within a millisecond.
 * `file` is relative to apps/api/dist (e.g. `a2a/delegations.js`); `line` is text of exactly one line.
 * `paused` resolves when the gateway stopped there.
 */
export async function pauseAt(
  output: () => string,
  file: string,
  line: string,
): Promise<{ paused: Promise<void>; close: () => void }> {
  const lines = readFileSync(join(DIST, file), 'utf8').split('\n');
  const matching = lines.flatMap((text, index) => (text.includes(line) ? [index] : []));
  if (matching.length !== 1) throw new Error(`${matching.length} lines of ${file} hold "${line}", not one`);
  const url = await waitUntil(
    'the inspector’s address',
    () => /Debugger listening on (ws:\/\/\S+)/.exec(output())?.[1],
  );
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let id = 0;
  const pending = new Map<number, (reply: { error?: { message: string } }) => void>();
  let onPaused = () => {};
  const paused = new Promise<void>((resolve) => (onPaused = resolve));
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; method?: string; error?: { message: string } };
    if (message.id !== undefined) pending.get(message.id)?.(message);
    if (message.method === 'Debugger.paused') onPaused();
  });
  const send = (method: string, params: object = {}) =>
    new Promise<void>((resolve, reject) => {
      const callId = ++id;
      pending.set(callId, (reply) => (reply.error ? reject(new Error(reply.error.message)) : resolve()));
      socket.send(JSON.stringify({ id: callId, method, params }));
    });
  await send('Debugger.enable');
  const urlRegex = `${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`;
  await send('Debugger.setBreakpointByUrl', { urlRegex, lineNumber: matching[0] });
  return { paused, close: () => socket.close() };
}

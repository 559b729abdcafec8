import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Long enough for the requests that come with a start (health checks, a sign-in) to be answered first. */
const AFTER_START_MS = 500;

type GarbageCollect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * Gives back the memory that only starting needed, once: a full garbage collection that also shrinks
 * V8's young generation. Loading the gateway (thousands of modules, all kept) makes V8 grow the young
 * generation to its maximum (64 MB), and V8 does not shrink it by itself, so a gateway that has served
 * nothing held about 35 MB it used only while starting. Under load the young generation grows back
 * as before, so runs pay nothing for it (a fixed --max-semi-space-size would cap it under load too:
 * 10-25 % of the throughput at concurrency 16). It costs one pause of some tens of ms, once,
 * AFTER_START_MS after the caller is ready, on a timer that does not keep the process alive. The
 * collector is taken from a fresh context with --expose-gc on only for that moment, so no `gc` global
 * is left for the gateway's code.
 */
export function releaseStartMemorySoon(): void {
  setTimeout(releaseStartMemory, AFTER_START_MS).unref();
}

function releaseStartMemory(): void {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as GarbageCollect;
  setFlagsFromString('--no-expose-gc');
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

import type { AppConfig } from '../config/app-config.js';
import type { AgentRunner, RunOutcome, StartedRun } from './agent-runner.js';
import { LoopSlices } from '../common/loop-slices.js';
import { RunQueue, type RunSlot } from './run-queue.js';

/** A gate the test opens: stands for the model's answer or a step of work. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * Runs that wait on "the model" (through the slot) and then work until released, logging what
 * happens in order. The queue is the thing under test; the runner stands in for the agent loop.
 */
function scriptedRunner() {
  const log: string[] = [];
  const answers = new Map<string, ReturnType<typeof gate>>();
  const work = new Map<string, ReturnType<typeof gate>>();
  const of = (map: Map<string, ReturnType<typeof gate>>, id: string) => {
    if (!map.has(id)) map.set(id, gate());
    return map.get(id)!;
  };
  const runner = {
    async execute(runId: string, _signal: AbortSignal, slot: RunSlot): Promise<RunOutcome> {
      log.push(`${runId} starts`);
      await slot.whileWaiting(async () => {
        log.push(`${runId} waits on the model`);
        await of(answers, runId).opened;
      });
      log.push(`${runId} works again`);
      await of(work, runId).opened;
      log.push(`${runId} ends`);
      return 'finished';
    },
  };
  return {
    runner: runner as unknown as AgentRunner,
    log,
    answer: (id: string) => of(answers, id).open(),
    finishWork: (id: string) => of(work, id).open(),
  };
}

/** Lets every promise callback that is ready run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RunQueue work slots', () => {
  const config = (runConcurrency: number, runQueueLimit = 100) => ({ runConcurrency, runQueueLimit }) as AppConfig;

  it('starts the next run while one waits on the model, with a single slot', async () => {
    const script = scriptedRunner();
    const queue = new RunQueue(script.runner, config(1), new LoopSlices());
    for (const id of ['a', 'b', 'c']) queue.enqueue(id, `conversation-${id}`);
    await settle();
    expect(script.log).toEqual([
      'a starts',
      'a waits on the model',
      'b starts',
      'b waits on the model',
      'c starts',
      'c waits on the model',
    ]);
    expect(queue.inFlight).toBe(3);
    for (const id of ['a', 'b', 'c']) {
      script.answer(id);
      script.finishWork(id);
    }
    await queue.idle();
    expect(script.log.filter((line) => line.endsWith('ends'))).toEqual(['a ends', 'b ends', 'c ends']);
  });

  it('gives a run whose answer came the slot back before a new run starts', async () => {
    const script = scriptedRunner();
    const queue = new RunQueue(script.runner, config(1), new LoopSlices());
    queue.enqueue('a', 'conversation-a');
    queue.enqueue('b', 'conversation-b');
    await settle();
    script.answer('b'); // b gets its answer and works: it holds the only slot
    await settle();
    script.answer('a'); // a's answer comes while b works: a waits for the slot
    queue.enqueue('c', 'conversation-c'); // a new run arrives meanwhile
    await settle();
    expect(script.log.at(-1)).toBe('b works again');
    script.finishWork('b');
    await settle();
    // The freed slot goes to a, which was already in flight, not to c.
    expect(script.log.slice(-2)).toEqual(['b ends', 'a works again']);
    script.finishWork('a');
    await settle();
    expect(script.log.slice(-3)).toEqual(['a ends', 'c starts', 'c waits on the model']);
    script.answer('c');
    script.finishWork('c');
    await queue.idle();
  });

  it('counts runs in flight against RUN_QUEUE_LIMIT, and makes room as they end', async () => {
    const script = scriptedRunner();
    const queue = new RunQueue(script.runner, config(1, 2), new LoopSlices());
    expect(queue.enqueue('a', 'conversation-a')).toBe(true);
    expect(queue.enqueue('b', 'conversation-b')).toBe(true);
    await settle();
    expect(queue.full).toBe(true);
    expect(queue.enqueue('c', 'conversation-c')).toBe(false);
    script.answer('a');
    script.finishWork('a');
    await settle();
    expect(queue.full).toBe(false);
    expect(queue.enqueue('c', 'conversation-c')).toBe(true);
    for (const id of ['b', 'c']) {
      script.answer(id);
      script.finishWork(id);
    }
    await queue.idle();
  });

  it('forgets a resume asked for while the run went on to end, so a later pause of that run stays paused', async () => {
    const log: string[] = [];
    const outcomes: RunOutcome[] = ['finished', 'paused', 'finished'];
    let release = gate();
    const runner = {
      async execute(runId: string): Promise<RunOutcome> {
        log.push(`${runId} starts`);
        await release.opened;
        return outcomes.shift()!;
      },
    } as unknown as AgentRunner;
    const queue = new RunQueue(runner, config(1), new LoopSlices());
    queue.enqueue('a', 'conversation-a');
    await settle();
    queue.resume('a', 'conversation-a'); // e.g. an approval decided just as the run finished anyway
    release.open();
    await queue.idle();
    // The same run later pauses (it is queued again, as at a restart): it must stay paused until resumed.
    release = gate();
    queue.enqueue('a', 'conversation-a');
    await settle();
    release.open();
    await queue.idle();
    await settle();
    expect(log).toEqual(['a starts', 'a starts']);
    queue.resume('a', 'conversation-a');
    await queue.idle();
    expect(log).toEqual(['a starts', 'a starts', 'a starts']);
  });

  it('lets a new run claim a free slot only when nothing waits before it, and gives an unused claim back', async () => {
    const script = scriptedRunner();
    const queue = new RunQueue(script.runner, config(1), new LoopSlices());
    expect(queue.claim('conversation-a')).toBe(true);
    // The slot is taken: another run must queue, and waits for the claimed one.
    expect(queue.claim('conversation-b')).toBe(false);
    queue.enqueue('b', 'conversation-b');
    await settle();
    expect(script.log).toEqual([]);
    queue.startClaimed({ run: { id: 'a', conversationId: 'conversation-a' } } as StartedRun);
    await settle();
    expect(script.log).toEqual(['a starts', 'a waits on the model', 'b starts', 'b waits on the model']);
    // b's answer came: it works in the slot again, so no claim; a claim given back frees the slot.
    script.answer('b');
    await settle();
    expect(queue.claim('conversation-c')).toBe(false);
    script.finishWork('b');
    await settle();
    expect(queue.claim('conversation-b')).toBe(true);
    expect(queue.claim('conversation-c')).toBe(false);
    queue.unclaim('conversation-b');
    expect(queue.claim('conversation-c')).toBe(true);
    queue.unclaim('conversation-c');
    script.answer('a');
    script.finishWork('a');
    await queue.idle();
    expect(script.log.slice(-3)).toEqual(['b ends', 'a works again', 'a ends']);
  });
});

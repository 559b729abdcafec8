import { jest } from '@jest/globals';
import type { ContinuationState, Run } from './entities/run.entity.js';
import { CONTINUATION_RETRY_MS, type ContinuationHandler, RunContinuations, RunLifecycle } from './run-continuation.js';
import type { RunsRepository } from './runs.repository.js';

/** The continuation columns of stored runs, as the repository's compare-and-set updates keep them. */
class StoredStates {
  readonly states = new Map<string, ContinuationState>();
  async endedWithContinuation(states: ContinuationState[]): Promise<Run[]> {
    return [...this.states]
      .filter(([, state]) => states.includes(state))
      .map(([id]) => ({ id, continuation: { kind: 'agent-answer', messageId: `m-${id}` } }) as Run);
  }
  async claimContinuation(id: string, from: ContinuationState[]): Promise<boolean> {
    if (!from.includes(this.states.get(id)!)) return false;
    this.states.set(id, 'dispatching');
    return true;
  }
  async settleContinuation(id: string, state: 'dispatched' | 'pending'): Promise<void> {
    if (this.states.get(id) === 'dispatching') this.states.set(id, state);
  }
}

/**
 * Continuations over stored states, with an agent-answer handler that throws its first `failures`
 * calls; `ended` says that run-id ended with a pending continuation.
 */
function continuationsFailing(failures: number) {
  jest.useFakeTimers();
  const stored = new StoredStates();
  const lifecycle = new RunLifecycle();
  const continuations = new RunContinuations(stored as unknown as RunsRepository, lifecycle);
  const counted = { calls: 0 };
  const handler: ContinuationHandler<'agent-answer'> = {
    kind: 'agent-answer',
    durable: true,
    handle: async () => {
      counted.calls += 1;
      if (counted.calls <= failures) throw new Error('database is locked');
      return 'done';
    },
  };
  continuations.register(handler);
  const ended = (id: string) => {
    stored.states.set(id, 'pending');
    lifecycle.ended({
      id,
      continuation: { kind: 'agent-answer', messageId: `m-${id}` },
      continuationState: 'pending',
    } as Run);
  };
  return { stored, continuations, counted, ended };
}

describe('run continuations', () => {
  afterEach(() => jest.useRealTimers());

  it('tries a continuation whose handler threw again, after a pause, until it is done', async () => {
    const { stored, continuations, counted, ended } = continuationsFailing(2);
    ended('run-1');
    await jest.advanceTimersByTimeAsync(0);
    expect(counted.calls).toBe(1);
    expect(stored.states.get('run-1')).toBe('pending');
    await jest.advanceTimersByTimeAsync(CONTINUATION_RETRY_MS[0]!);
    expect(counted.calls).toBe(2);
    expect(stored.states.get('run-1')).toBe('pending');
    await jest.advanceTimersByTimeAsync(CONTINUATION_RETRY_MS[1]!);
    expect(counted.calls).toBe(3);
    expect(stored.states.get('run-1')).toBe('dispatched');
    await jest.advanceTimersByTimeAsync(CONTINUATION_RETRY_MS.reduce((a, b) => a + b, 0));
    expect(counted.calls).toBe(3);
    await continuations.onModuleDestroy();
  });

  it('leaves a continuation that keeps failing pending for the next start, and stops retrying when shut down', async () => {
    const { stored, continuations, counted, ended } = continuationsFailing(Infinity);
    ended('run-2');
    await jest.advanceTimersByTimeAsync(CONTINUATION_RETRY_MS.reduce((a, b) => a + b, 0) + 1);
    expect(counted.calls).toBe(CONTINUATION_RETRY_MS.length + 1);
    expect(stored.states.get('run-2')).toBe('pending');
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(counted.calls).toBe(CONTINUATION_RETRY_MS.length + 1);

    // A new start carries it out (it was left pending).
    const restarted = new RunContinuations(stored as unknown as RunsRepository, new RunLifecycle());
    let after = 0;
    restarted.register({ kind: 'agent-answer', durable: true, handle: async () => ((after += 1), 'done') });
    await restarted.onApplicationBootstrap();
    expect(after).toBe(1);
    expect(stored.states.get('run-2')).toBe('dispatched');
    await continuations.onModuleDestroy();
    await restarted.onModuleDestroy();
  });
});

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

describe('run continuations', () => {
  afterEach(() => jest.useRealTimers());

  it('tries a continuation whose handler threw again, after a pause, until it is done', async () => {
    jest.useFakeTimers();
    const stored = new StoredStates();
    const lifecycle = new RunLifecycle();
    const continuations = new RunContinuations(stored as unknown as RunsRepository, lifecycle);
    let calls = 0;
    const handler: ContinuationHandler<'agent-answer'> = {
      kind: 'agent-answer',
      durable: true,
      handle: async () => {
        calls += 1;
        if (calls <= 2) throw new Error('database is locked');
        return 'done';
      },
    };
    continuations.register(handler);
    stored.states.set('run-1', 'pending');
    const run = {
      id: 'run-1',
      continuation: { kind: 'agent-answer', messageId: 'm-1' },
      continuationState: 'pending',
    } as Run;
    lifecycle.ended(run);
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    expect(stored.states.get('run-1')).toBe('pending');
    await jest.advanceTimersByTimeAsync(CONTINUATION_RETRY_MS[0]!);
    expect(calls).toBe(2);
    expect(stored.states.get('run-1')).toBe('pending');
    await jest.advanceTimersByTimeAsync(CONTINUATION_RETRY_MS[1]!);
    expect(calls).toBe(3);
    expect(stored.states.get('run-1')).toBe('dispatched');
    await jest.advanceTimersByTimeAsync(CONTINUATION_RETRY_MS.reduce((a, b) => a + b, 0));
    expect(calls).toBe(3);
    await continuations.onModuleDestroy();
  });

  it('leaves a continuation that keeps failing pending for the next start, and stops retrying when shut down', async () => {
    jest.useFakeTimers();
    const stored = new StoredStates();
    const lifecycle = new RunLifecycle();
    const continuations = new RunContinuations(stored as unknown as RunsRepository, lifecycle);
    let calls = 0;
    continuations.register({
      kind: 'agent-answer',
      durable: true,
      handle: async () => {
        calls += 1;
        throw new Error('still broken');
      },
    });
    stored.states.set('run-2', 'pending');
    lifecycle.ended({
      id: 'run-2',
      continuation: { kind: 'agent-answer', messageId: 'm-2' },
      continuationState: 'pending',
    } as Run);
    await jest.advanceTimersByTimeAsync(CONTINUATION_RETRY_MS.reduce((a, b) => a + b, 0) + 1);
    expect(calls).toBe(CONTINUATION_RETRY_MS.length + 1);
    expect(stored.states.get('run-2')).toBe('pending');
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls).toBe(CONTINUATION_RETRY_MS.length + 1);

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

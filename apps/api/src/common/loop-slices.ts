import { Injectable } from '@nestjs/common';

/** How long bulk work may hold the event loop before the loop polls I/O again. */
export const SLICE_MS = 4;
/** Waiters let go per loop turn at most, each in an immediate of its own (see `release`). */
const PER_TURN = 32;
const NOW = Promise.resolve();

/** What a turn is for: work of a run already accepted, or a new run. */
export type TurnFor = 'in-flight' | 'new';

/**
 * Shares the event loop between bulk work (storing and starting runs, a run's steps after the model
 * answers) and everything else (the console's requests, WebSocket frames, `/api/health`). Bulk work
 * asks for a `turn()` before each piece: while the loop is not busy it goes on at once; once a slice
 * of SLICE_MS has been spent since the loop last polled, pieces wait in line and go on in later loop
 * turns, SLICE_MS at a time, each turn after the loop has read its sockets. Without it, a burst of
 * submissions runs back to back in one poll of the loop (hundreds of ms with thousands of runs) and
 * every other request waits behind it. Work already in flight (a run's start and steps) goes before
 * new work (storing a new run), so under load the gateway takes new runs only as fast as it can carry
 * them on, instead of accepting them faster and letting their starts pile up. It changes the order
 * work is done in, not how much of it there is: the CPU still goes to the runs whenever nothing else
 * waits.
 */
@Injectable()
export class LoopSlices {
  /** Pieces of work in flight waiting for a turn, then new work: each first come, first served. */
  private readonly lines: Record<TurnFor, (() => void)[]> = { 'in-flight': [], new: [] };
  /** When the current slice began (performance.now()), or null until bulk work asks again. */
  private sliceStart: number | null = null;
  /** Release immediates queued and not yet run. */
  private queued = 0;

  /** Resolves when the caller may do its next piece of bulk work. */
  turn(work: TurnFor = 'in-flight'): Promise<void> {
    if (this.backlog === 0 && this.hasTime()) return NOW;
    const turn = new Promise<void>((resolve) => this.lines[work].push(resolve));
    if (this.queued === 0) this.queueReleases();
    return turn;
  }

  /** Pieces of bulk work waiting for a turn. */
  get backlog(): number {
    return this.lines['in-flight'].length + this.lines.new.length;
  }

  private hasTime(): boolean {
    const now = performance.now();
    if (this.sliceStart === null) {
      this.sliceStart = now;
      // The slice ends at the loop's next check phase: after it, the loop has polled I/O.
      setImmediate(this.endSlice);
    }
    return now - this.sliceStart < SLICE_MS;
  }

  private readonly endSlice = (): void => {
    this.sliceStart = null;
  };

  /**
   * Immediates run in the loop's check phase, and Node runs the promise callbacks that each one
   * starts before the next: so each release sees the time the previous waiter's piece took.
   */
  private queueReleases(): void {
    const count = Math.min(PER_TURN, this.backlog);
    this.queued += count;
    for (let i = 0; i < count; i++) setImmediate(this.release);
  }

  private readonly release = (): void => {
    this.queued--;
    if (this.backlog > 0 && this.hasTime()) (this.lines['in-flight'].shift() ?? this.lines.new.shift())!();
    // The rest wait for the next loop turn, after its poll.
    if (this.queued === 0 && this.backlog > 0) this.queueReleases();
  };
}

import { LoopSlices, SLICE_MS } from './loop-slices.js';

/** Holds the event loop for longer than a slice, as a long piece of work would. */
function spendSlice(): void {
  const start = performance.now();
  while (performance.now() - start <= SLICE_MS) {
    // busy
  }
}

describe('LoopSlices', () => {
  it('lets work go on at once while the loop is not busy', async () => {
    const slices = new LoopSlices();
    const order: string[] = [];
    setImmediate(() => order.push('next loop turn'));
    await slices.turn('new');
    order.push('work');
    await slices.turn();
    order.push('more work');
    expect(order).toEqual(['work', 'more work']);
  });

  it('once a slice is spent, defers work to a later turn of the loop, work in flight before new work', async () => {
    const slices = new LoopSlices();
    await slices.turn();
    spendSlice();
    const order: string[] = [];
    setImmediate(() => order.push('other work of the loop'));
    const turns = [
      slices.turn('new').then(() => order.push('new run')),
      slices.turn('new').then(() => order.push('second new run')),
      slices.turn('in-flight').then(() => order.push('run in flight')),
    ];
    expect(slices.backlog).toBe(3);
    await Promise.all(turns);
    expect(order).toEqual(['other work of the loop', 'run in flight', 'new run', 'second new run']);
    expect(slices.backlog).toBe(0);
  });

  it('lets the loop through between slices: what waits behind a long piece goes on in a later loop turn', async () => {
    const slices = new LoopSlices();
    await slices.turn();
    spendSlice();
    const order: string[] = [];
    const first = slices.turn().then(() => {
      order.push('long piece');
      // Due before the piece ends: the loop's next turn runs it, before the next piece.
      setTimeout(() => order.push('the loop in between'), 0);
      spendSlice();
    });
    const second = slices.turn().then(() => order.push('next piece'));
    await Promise.all([first, second]);
    expect(order).toEqual(['long piece', 'the loop in between', 'next piece']);
  });
});

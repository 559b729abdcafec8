import { describe, expect, it } from 'vitest';
import { LocalEdits } from './local-edits';

describe('LocalEdits', () => {
  it('fetches again when an edit lands while the fetch is on its way', async () => {
    const edits = new LocalEdits();
    const answers = ['before the edit', 'after the edit'];
    let fetches = 0;
    const answer = await edits.latest(async () => {
      const value = answers[fetches];
      fetches += 1;
      if (fetches === 1) edits.note();
      return value;
    });
    expect(answer).toBe('after the edit');
    expect(fetches).toBe(2);
  });

  it('keeps the first answer when nothing was edited meanwhile', async () => {
    const edits = new LocalEdits();
    edits.note();
    let fetches = 0;
    expect(await edits.latest(async () => ++fetches)).toBe(1);
  });
});

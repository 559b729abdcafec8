/**
 * Counts a store's local edits (a row created, changed or removed from an answer the gateway gave),
 * so that a list fetched while one landed is fetched again instead of laid over it: the older list
 * would drop the job a dialog has just created.
 */
export class LocalEdits {
  private count = 0;

  /** Call on every local change of the list. */
  note(): void {
    this.count += 1;
  }

  /** The fetch's answer; fetched again while local edits landed during it. */
  async latest<T>(fetch: () => Promise<T>): Promise<T> {
    for (;;) {
      const before = this.count;
      const answer = await fetch();
      if (this.count === before) return answer;
    }
  }
}

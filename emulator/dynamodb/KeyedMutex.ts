/**
 * Serialises async work per key. The capture layer holds a table's key across its
 * read-before, write and read-after, so the images it records are those of that write alone
 * (docs/fidelity/dynamodb.md, "How records are captured").
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` once every earlier holder of all `keys` is done; keys are taken in sorted order. */
  async run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    const waits = sorted.map((key) => {
      const previous = this.tails.get(key) ?? Promise.resolve();
      this.tails.set(
        key,
        previous.then(() => done),
      );
      return previous;
    });
    await Promise.all(waits);
    try {
      return await fn();
    } finally {
      release();
      for (const key of sorted) {
        // Forget a key once nobody queues behind us, so the map does not grow with every table.
        const tail = this.tails.get(key);
        void tail?.then(() => {
          if (this.tails.get(key) === tail) this.tails.delete(key);
        });
      }
    }
  }
}

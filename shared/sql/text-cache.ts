/**
 * A bounded cache of data derived from a text (a statement's tokens, a DO block's inner statements):
 * the editor re-lints on every keystroke, and a statement whose text did not change must cost nothing
 * the second time. Once `limit` entries are held, the oldest goes first, so a long editing session does
 * not grow memory without bound (a hit is a plain look-up: no bookkeeping on the hot path).
 */
export class TextCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit: number) {}

  /** The cached value for `key`, computing (and caching) it on a miss. */
  get(key: string, compute: (key: string) => V): V {
    const entries = this.entries;
    const cached = entries.get(key);
    if (cached !== undefined) return cached;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, value: V): void {
    const entries = this.entries;
    if (!entries.has(key) && entries.size >= this.limit) entries.delete(entries.keys().next().value!);
    entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}

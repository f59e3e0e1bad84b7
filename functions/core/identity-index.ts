/**
 * The last row that mentions each key, for a whole file, in little memory: keys are hashed to 53
 * bits (cyrb53) and kept in a Map of numbers, about 40 bytes a key instead of the key's string.
 * With a million rows of two identifiers, a false "same key" has odds of about 1 in 4 billion.
 */
export class LastRowIndex {
  private readonly rows = new Map<number, number>();

  static hash(key: string, seed = 0): number {
    let h1 = 0xdeadbeef ^ seed;
    let h2 = 0x41c6ce57 ^ seed;
    for (let i = 0; i < key.length; i++) {
      const ch = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }

  /** Records that `row` mentions `key`; rows are expected in increasing order. */
  set(key: string, row: number): void {
    this.rows.set(LastRowIndex.hash(key), row);
  }

  last(key: string): number | undefined {
    return this.rows.get(LastRowIndex.hash(key));
  }

  get size(): number {
    return this.rows.size;
  }
}

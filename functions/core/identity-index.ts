/**
 * The last row that mentions each key, for a whole file, in little memory: keys are hashed to 53
 * bits (cyrb53) and kept in an open-addressing table of typed arrays — 12 bytes a slot, about
 * 24 bytes a key, never the key's string. With a million rows of two identifiers, a false "same
 * key" has odds of about 1 in 4 billion.
 */
export class LastRowIndex {
  private hashes = new Float64Array(1 << 16);
  private rows = new Int32Array(1 << 16);
  private count = 0;

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
    // Never 0: 0 marks an empty slot.
    return 4294967296 * (2097151 & h2) + (h1 >>> 0) || 1;
  }

  /** The slot holding `hash`, or the empty slot where it would go. */
  private slot(hash: number): number {
    const mask = this.hashes.length - 1;
    let i = (hash % this.hashes.length) & mask;
    while (this.hashes[i] !== 0 && this.hashes[i] !== hash) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const { hashes, rows } = this;
    this.hashes = new Float64Array(hashes.length * 2);
    this.rows = new Int32Array(rows.length * 2);
    for (let i = 0; i < hashes.length; i++) {
      const hash = hashes[i] as number;
      if (hash === 0) continue;
      const at = this.slot(hash);
      this.hashes[at] = hash;
      this.rows[at] = rows[i] as number;
    }
  }

  /** Records that `row` mentions `key`; rows are expected in increasing order. */
  set(key: string, row: number): void {
    if ((this.count + 1) * 2 > this.hashes.length) this.grow();
    const hash = LastRowIndex.hash(key);
    const at = this.slot(hash);
    if (this.hashes[at] === 0) this.count += 1;
    this.hashes[at] = hash;
    this.rows[at] = row;
  }

  last(key: string): number | undefined {
    const at = this.slot(LastRowIndex.hash(key));
    return this.hashes[at] === 0 ? undefined : this.rows[at];
  }

  get size(): number {
    return this.count;
  }

  /** Memory held by the table. */
  get bytes(): number {
    return this.hashes.byteLength + this.rows.byteLength;
  }
}

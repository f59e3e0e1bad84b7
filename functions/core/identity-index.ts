/**
 * The last row that mentions each key, for a whole file, in little memory: keys are hashed to 53
 * bits (cyrb53) and kept in an open-addressing table of typed arrays — 12 bytes a slot, about
 * 24 bytes a key, never the key's string, in 64 segments that grow one at a time (so growing
 * never needs the memory of the whole table twice). With a million rows of two identifiers, a
 * false "same key" has odds of about 1 in 4 billion.
 */
/** One open-addressing table: 53-bit hashes and rows, in typed arrays. */
class Segment {
  hashes = new Float64Array(1 << 10);
  rows = new Int32Array(1 << 10);
  count = 0;

  /** The slot holding `hash`, or the empty slot where it would go. */
  slot(hash: number): number {
    const mask = this.hashes.length - 1;
    let i = (hash % this.hashes.length) & mask;
    while (this.hashes[i] !== 0 && this.hashes[i] !== hash) i = (i + 1) & mask;
    return i;
  }

  grow(): void {
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
}

/** Segments: each grows on its own, so growing copies a sixty-fourth of the index, not all of it. */
const SEGMENTS = 64;

export class LastRowIndex {
  private readonly segments = Array.from({ length: SEGMENTS }, () => new Segment());
  /** Whether a key was set by two different rows: without, no row is superseded by a later one. */
  repeated = false;

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

  /** The segment of a hash: its top bits (the slot within a segment comes from the low ones). */
  private segmentOf(hash: number): Segment {
    return this.segments[Math.floor(hash / 2 ** 47) % SEGMENTS] as Segment;
  }

  /** Records that `row` mentions `key`; rows are expected in increasing order. */
  set(key: string, row: number): void {
    const hash = LastRowIndex.hash(key);
    const segment = this.segmentOf(hash);
    if ((segment.count + 1) * 2 > segment.hashes.length) segment.grow();
    const at = segment.slot(hash);
    if (segment.hashes[at] === 0) segment.count += 1;
    else if (segment.rows[at] !== row) this.repeated = true;
    segment.hashes[at] = hash;
    segment.rows[at] = row;
  }

  last(key: string): number | undefined {
    const hash = LastRowIndex.hash(key);
    const segment = this.segmentOf(hash);
    const at = segment.slot(hash);
    return segment.hashes[at] === 0 ? undefined : segment.rows[at];
  }

  get size(): number {
    return this.segments.reduce((sum, segment) => sum + segment.count, 0);
  }

  /** Memory held by the table. */
  get bytes(): number {
    return this.segments.reduce((sum, s) => sum + s.hashes.byteLength + s.rows.byteLength, 0);
  }
}

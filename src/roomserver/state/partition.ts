// How a room's state is cut into blocks. Every (type, state key) pair belongs to one of B
// buckets (B a power of two) by a fixed hash of its NIDs; a snapshot is the list of the B
// buckets' blocks. A state event rewrites one block of about n/B entries and a list of B block
// NIDs, instead of copying all n entries: with B near sqrt(n)/2 a room of 100k members writes
// about 6 KB per membership change instead of 1.6 MB.
//
// The hash must never change: stored snapshots are only readable with the function that cut them.

export function bucketOf(t: number, s: number, buckets: number): number {
  if (buckets <= 1) return 0;
  let h = Math.imul(t, 0x9e3779b1) ^ s;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) & (buckets - 1);
}

/** The bucket count we aim for with n entries. */
export function idealBuckets(n: number): number {
  const want = Math.sqrt(n) / 2;
  let b = 1;
  while (b < want) b *= 2;
  return b;
}

/**
 * The bucket count for a snapshot of n entries derived from one with `current` buckets. The
 * count only changes when it is off by more than a factor 2, so a room hovering around a
 * boundary does not rewrite its whole state back and forth.
 */
export function chooseBuckets(n: number, current: number): number {
  const ideal = idealBuckets(n);
  if (current <= 0) return ideal;
  if (ideal > current * 2 || ideal * 4 < current) return ideal;
  return current;
}

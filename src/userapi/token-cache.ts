// The access-token lookup runs on every authenticated request, so its answers are kept in memory
// (LRU, bounded). Every path that ends a token (logout, device deletion, password change,
// deactivation) drops it here in the same process that owns the table.
//
// A lookup that read the database before an invalidation must not put its (now stale) answer in
// the cache afterwards: each invalidation bumps `epoch`, and `set` ignores answers read in an
// older epoch.
import type { Requester } from '../http/env.ts';

export interface CachedToken {
  requester: Requester;
  /** When last-seen data was last written to the database for this token. */
  lastWriteTs: number;
  lastIp: string | null;
  lastUserAgent: string | null;
}

export class TokenCache {
  private readonly entries = new Map<string, CachedToken>();
  private epochValue = 0;

  constructor(private readonly maxEntries = 100_000) {}

  get epoch(): number {
    return this.epochValue;
  }

  get(hash: string): CachedToken | undefined {
    const e = this.entries.get(hash);
    if (e) {
      // Move to the back: Map keeps insertion order, so the front is the least recently used.
      this.entries.delete(hash);
      this.entries.set(hash, e);
    }
    return e;
  }

  set(hash: string, entry: CachedToken, readInEpoch: number): void {
    if (readInEpoch !== this.epochValue) return;
    this.entries.set(hash, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  invalidate(hashes: Iterable<string>): void {
    this.epochValue++;
    for (const h of hashes) this.entries.delete(h);
  }

  get size(): number {
    return this.entries.size;
  }
}

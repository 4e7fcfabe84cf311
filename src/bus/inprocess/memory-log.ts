// Messages held in memory in stream order: the whole content of a memory stream, and the recent
// tail of a file stream (so live consumers read what was just published without a query).
// Sequence numbers increase but may have gaps (messages nobody was interested in are skipped).
import type { Headers } from '../types.ts';

export interface StoredMessage {
  readonly seq: number;
  /** Full subject, with the topic prefix. */
  readonly subject: string;
  readonly headers: Headers;
  readonly data: Uint8Array;
  /** Publish time, ms since the epoch (for max age). */
  readonly ts: number;
}

export class MemoryLog {
  private msgs: StoredMessage[] = [];
  /** Index of the first live message; the array is compacted only now and then. */
  private head = 0;

  get size(): number {
    return this.msgs.length - this.head;
  }

  firstSeq(): number | undefined {
    return this.msgs[this.head]?.seq;
  }

  append(m: StoredMessage): void {
    this.msgs.push(m);
  }

  /** Index of the first message with seq >= `seq`. */
  private lowerBound(seq: number): number {
    let lo = this.head;
    let hi = this.msgs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.msgs[mid] as StoredMessage).seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(seq: number): StoredMessage | undefined {
    const m = this.msgs[this.lowerBound(seq)];
    return m?.seq === seq ? m : undefined;
  }

  /**
   * Up to `limit` messages with seq >= `from` that pass `keep`, and the last seq looked at
   * (undefined when nothing was looked at).
   */
  read(from: number, limit: number, keep: (m: StoredMessage) => boolean): { msgs: StoredMessage[]; scanned?: number } {
    const out: StoredMessage[] = [];
    let scanned: number | undefined;
    for (let i = this.lowerBound(from); i < this.msgs.length && out.length < limit; i++) {
      const m = this.msgs[i] as StoredMessage;
      scanned = m.seq;
      if (keep(m)) out.push(m);
    }
    return { msgs: out, scanned };
  }

  /** Drops every message with seq <= `seq`. */
  removeThrough(seq: number): void {
    this.head = this.lowerBound(seq + 1);
    this.compact();
  }

  /** Drops messages published before `ts`; publish times rise with seq, so they form a prefix. */
  removeOlderThan(ts: number): void {
    while (this.head < this.msgs.length && (this.msgs[this.head] as StoredMessage).ts < ts) this.head++;
    this.compact();
  }

  /** Keeps at most `max` messages, dropping the oldest (for a tail cache). */
  keepLast(max: number): void {
    if (this.size > max) {
      this.head = this.msgs.length - max;
      this.compact();
    }
  }

  private compact(): void {
    if (this.head === this.msgs.length) {
      this.msgs = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.msgs.length) {
      this.msgs = this.msgs.slice(this.head);
      this.head = 0;
    }
  }
}

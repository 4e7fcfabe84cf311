// The lasting state of one durable consumer of the in-process bus, whether or not anything is
// consuming it right now: how far it has read, and which delivered messages await an ack.
// Everything before `deliveredSeq` that is not pending has been acknowledged (or was not for
// this consumer), so these two facts are all a restart needs.
import { hasWildcard } from '../message.ts';
import type { LogStream } from './stream.ts';

export interface PendingEntry {
  /** Times delivered so far. */
  deliveries: number;
  /** When to deliver again if not acknowledged by then (ms since the epoch). */
  due: number;
  /** True once it waits in the subscription's redelivery queue. */
  queued: boolean;
  /** Identifies the latest delivery, so a late failure of an older one is ignored. */
  token: number;
}

/** What a subscription tells the bus about state changes (persisted lazily, in batches). */
export interface ConsumerHost {
  dirty(c: ConsumerState): void;
}

export class ConsumerState {
  wildcard: boolean;
  readonly pending = new Map<number, PendingEntry>();
  /** No message for this consumer after deliveredSeq is stored (set by the delivery loop). */
  caughtUp = false;
  /** The active subscription, if any; at most one per durable in a process. */
  sub: { wake(): void } | undefined;
  /** Changes not yet written: the read position, and pending seqs added or removed. */
  headDirty = false;
  readonly dirtySeqs = new Set<number>();
  /** Pending seqs that have a row in the log file. */
  readonly persisted = new Set<number>();

  constructor(
    readonly stream: LogStream,
    readonly durable: string,
    public filter: string | undefined,
    /** Highest stream seq this consumer has read past (delivered or skipped). */
    public deliveredSeq: number,
    pending: Map<number, number>,
    private readonly host: ConsumerHost,
  ) {
    this.wildcard = filter === undefined || hasWildcard(filter);
    for (const [seq, deliveries] of pending) {
      // Delivered before a restart and never acknowledged: due again at once.
      this.pending.set(seq, { deliveries, due: 0, queued: false, token: 0 });
      this.persisted.add(seq);
    }
  }

  setFilter(filter: string | undefined): void {
    this.filter = filter;
    this.wildcard = filter === undefined || hasWildcard(filter);
    this.markHead();
  }

  markHead(): void {
    if (!this.stream.persistent) return;
    this.headDirty = true;
    this.host.dirty(this);
  }

  markSeq(seq: number): void {
    if (!this.stream.persistent) return;
    this.dirtySeqs.add(seq);
    this.host.dirty(this);
  }

  /** Every message up to this seq is done with, as far as this consumer is concerned. */
  ackFloor(): number {
    if (this.pending.size > 0) {
      let min = Infinity;
      for (const seq of this.pending.keys()) if (seq < min) min = seq;
      return min - 1;
    }
    return this.caughtUp ? this.stream.storedSeq : this.deliveredSeq;
  }
}

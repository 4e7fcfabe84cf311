// One stream of the in-process bus: its messages (in memory, or in the log file with a recent
// tail kept in memory), its sequence counter, and the index of its durable consumers by filter,
// which answers "is anyone interested in this subject?" at publish time.
import { subjectMatches } from '../message.ts';
import type { StreamDef } from '../types.ts';
import type { ConsumerState } from './consumer-state.ts';
import type { LogStore } from './log-store.ts';
import { MemoryLog, type StoredMessage } from './memory-log.ts';

const READ_BATCH = 256;
// Live consumers read right behind the publisher, and trimming empties the tail as they ack, so
// a small tail serves them; a lagging consumer reads the file. Kept small for a Raspberry Pi.
const TAIL_MAX = 1024;
const TAIL_KEEP = 512;

export class LogStream {
  /** Last sequence number handed out (published, stored or skipped). */
  lastSeq: number;
  /** Last sequence number committed: readers never see beyond it. */
  storedSeq: number;
  maxAgeMs: number;
  readonly consumers = new Map<string, ConsumerState>();
  /** Consumers whose filter is one literal subject, by that subject. */
  private readonly exact = new Map<string, Set<ConsumerState>>();
  /** Consumers with no filter or a wildcard filter. */
  private readonly wild = new Set<ConsumerState>();
  /** Memory streams: every message. File streams: the messages committed since start-up, capped. */
  private readonly mem = new MemoryLog();

  constructor(
    readonly name: string,
    def: StreamDef,
    /** The log file, or undefined for a memory stream. */
    readonly store: LogStore | undefined,
  ) {
    this.maxAgeMs = def.maxAgeMs;
    this.lastSeq = store ? store.lastSeq(name) : 0;
    this.storedSeq = this.lastSeq;
  }

  get persistent(): boolean {
    return this.store !== undefined;
  }

  addConsumer(c: ConsumerState): void {
    this.consumers.set(c.durable, c);
    this.index(c);
  }

  /** Call with the old filter after changing a consumer's filter. */
  reindex(c: ConsumerState, oldFilter: string | undefined): void {
    if (oldFilter !== undefined) this.exact.get(oldFilter)?.delete(c);
    this.wild.delete(c);
    this.index(c);
  }

  private index(c: ConsumerState): void {
    if (c.filter !== undefined && !c.wildcard) {
      let set = this.exact.get(c.filter);
      if (!set) this.exact.set(c.filter, (set = new Set()));
      set.add(c);
    } else {
      this.wild.add(c);
    }
  }

  /** The durable consumers that want messages on `subject`. */
  *interested(subject: string): Generator<ConsumerState> {
    const set = this.exact.get(subject);
    if (set) yield* set;
    for (const c of this.wild) if (c.filter === undefined || subjectMatches(c.filter, subject)) yield c;
  }

  /** Makes committed messages visible to readers. */
  committed(msgs: StoredMessage[]): void {
    for (const m of msgs) this.mem.append(m);
    if (this.store && this.mem.size > TAIL_MAX) this.mem.keepLast(TAIL_KEEP);
    if (msgs.length > 0) this.storedSeq = (msgs[msgs.length - 1] as StoredMessage).seq;
  }

  private expiredBefore(): number {
    return this.maxAgeMs > 0 ? Date.now() - this.maxAgeMs : -Infinity;
  }

  /**
   * The next messages after `after` for a consumer with filter `filter`, and the last seq
   * looked at, so the consumer can move past messages it does not want.
   */
  read(after: number, c: ConsumerState): { msgs: StoredMessage[]; scanned: number } {
    const cutoff = this.expiredBefore();
    const keep = (m: StoredMessage) =>
      m.ts >= cutoff && (c.filter === undefined || (c.wildcard ? subjectMatches(c.filter, m.subject) : m.subject === c.filter));
    const first = this.mem.firstSeq();
    if (!this.store || (first !== undefined && after + 1 >= first)) {
      const r = this.mem.read(after + 1, READ_BATCH, keep);
      return { msgs: r.msgs, scanned: r.msgs.length < READ_BATCH ? this.storedSeq : (r.scanned ?? after) };
    }
    // Older than the tail: read the file (a literal filter is applied by the query).
    const exact = c.filter !== undefined && !c.wildcard ? c.filter : undefined;
    let from = after + 1;
    for (;;) {
      const rows = this.store.read(this.name, from, READ_BATCH, exact);
      const msgs = rows.filter(keep);
      if (rows.length < READ_BATCH) return { msgs, scanned: Math.max(after, this.storedSeq) };
      const last = (rows[rows.length - 1] as StoredMessage).seq;
      if (msgs.length > 0) return { msgs, scanned: last };
      from = last + 1;
    }
  }

  /** One message by seq (for redelivery), unless it has been removed or has expired. */
  get(seq: number): StoredMessage | undefined {
    const first = this.mem.firstSeq();
    const m = !this.store || (first !== undefined && seq >= first) ? this.mem.get(seq) : this.store.get(this.name, seq);
    return m && m.ts >= this.expiredBefore() ? m : undefined;
  }

  /**
   * How far a consumer lets the stream be trimmed. A filtered consumer that is behind (idle,
   * or not consuming in this process) does not hold back messages it would never take, as on
   * JetStream: its floor is just before the next message its filter matches.
   */
  private floorOf(c: ConsumerState): number {
    const floor = c.ackFloor();
    if (c.pending.size > 0 || c.caughtUp || c.filter === undefined) return floor;
    const first = this.mem.firstSeq();
    const inMemory = !this.store || (first !== undefined && floor + 1 >= first);
    if (!inMemory && c.wildcard) return floor; // would scan the file: stay conservative
    const next = this.read(floor, c).msgs[0];
    return next ? next.seq - 1 : this.storedSeq;
  }

  /**
   * Interest retention, done lazily: drops what every consumer has acknowledged (everything,
   * when there are no consumers) and what has outlived max age.
   */
  trim(): void {
    let floor = this.storedSeq;
    for (const c of this.consumers.values()) floor = Math.min(floor, this.floorOf(c));
    const cutoff = this.expiredBefore();
    if (cutoff > 0) {
      this.mem.removeOlderThan(cutoff);
      if (this.store) {
        const fresh = this.store.firstSeqSince(this.name, cutoff);
        floor = Math.max(floor, fresh === undefined ? this.storedSeq : fresh - 1);
      }
    }
    if (floor <= 0) return;
    this.mem.removeThrough(floor);
    this.store?.deleteThrough(this.name, floor, this.lastSeq);
  }
}

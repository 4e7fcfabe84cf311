// The delivery loop of one active consumer of the in-process bus. It runs when something
// happens (a publish for it, an ack, a redelivery falling due), never on a polling timer:
// a commit wakes the consumers interested in what it stored.
//
// Like JetStream's max_ack_pending, maxInFlight bounds the messages delivered and not yet
// acknowledged, including those waiting to be redelivered; so with the default of 1 a failing
// message holds back the ones after it and order is kept.
import type { Logger } from '../../setup/logger.ts';
import { type ConsumerSettings, DeliveredMessage, nakDelayMs } from '../message.ts';
import type { MessageHandler, Subscription } from '../types.ts';
import type { ConsumerState, PendingEntry } from './consumer-state.ts';
import type { StoredMessage } from './memory-log.ts';

// Handlers that never truly wait (an ack resolves in a microtask) would otherwise drain a whole
// backlog in one microtask chain and starve HTTP requests; every BURST deliveries the loop
// steps aside for one macrotask.
const BURST = 512;

export class InProcessSubscription implements Subscription {
  /** False until start(): wakes before then would deliver ahead of the redeliveries. */
  private running = false;
  private pumping = false;
  private buffer: StoredMessage[] = [];
  private bufferAt = 0;
  private bufferScanned = 0;
  private readonly redeliver: number[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private stopping: Promise<void> | undefined;
  /** Deliveries since the loop last gave the event loop a turn. */
  private burst = 0;
  private yielding = false;

  constructor(
    private readonly c: ConsumerState,
    private readonly handler: MessageHandler,
    private readonly s: ConsumerSettings,
    private readonly log: Logger,
    private readonly flush: () => Promise<void>,
  ) {}

  start(): void {
    if (this.stopping) return;
    this.running = true;
    this.c.sub = this;
    // Messages left unacknowledged by an earlier subscription or process: due again now,
    // or at the redelivery time a failed handler asked for.
    const now = Date.now();
    for (const [seq, e] of [...this.c.pending].sort((a, b) => a[0] - b[0])) {
      if (e.queued || e.due <= now) this.queue(seq, e);
      else this.arm(e.due);
    }
    this.pump();
  }

  wake(): void {
    this.pump();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.running = false;
      if (this.timer) clearTimeout(this.timer);
      while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
      if (this.c.sub === this) this.c.sub = undefined;
      await this.flush();
    })();
    return this.stopping;
  }

  private queue(seq: number, e: PendingEntry): void {
    e.queued = true;
    this.redeliver.push(seq);
  }

  /** Leaves the loop for one macrotask (see BURST); true if it did. */
  private yieldNow(): boolean {
    if (++this.burst <= BURST) return false;
    this.yielding = true;
    setImmediate(() => {
      this.yielding = false;
      this.burst = 0;
      this.pump();
    });
    return true;
  }

  private pump(): void {
    if (!this.running || this.pumping || this.yielding) return;
    this.pumping = true;
    try {
      while (this.running && this.redeliver.length > 0 && !this.yieldNow()) {
        const seq = this.redeliver.shift() as number;
        const e = this.c.pending.get(seq);
        if (!e?.queued) continue;
        const m = this.c.stream.get(seq);
        if (m) {
          this.deliver(m, e);
        } else {
          // Removed by max age while awaiting redelivery: nothing left to deliver.
          this.c.pending.delete(seq);
          this.c.markSeq(seq);
        }
      }
      while (this.running && this.c.pending.size < this.s.maxInFlight && !this.yieldNow()) {
        const m = this.next();
        if (!m) break;
        const e: PendingEntry = { deliveries: 0, due: 0, queued: false, token: 0 };
        this.c.pending.set(m.seq, e);
        this.deliver(m, e);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The next stored message for this consumer, moving the read position past it. */
  private next(): StoredMessage | undefined {
    const c = this.c;
    for (;;) {
      if (this.bufferAt < this.buffer.length) {
        const m = this.buffer[this.bufferAt++] as StoredMessage;
        c.deliveredSeq = m.seq;
        c.markHead();
        return m;
      }
      if (this.bufferScanned > c.deliveredSeq) {
        c.deliveredSeq = this.bufferScanned;
        c.markHead();
      }
      if (c.deliveredSeq >= c.stream.storedSeq) {
        c.caughtUp = true;
        return undefined;
      }
      const r = c.stream.read(c.deliveredSeq, c);
      this.buffer = r.msgs;
      this.bufferAt = 0;
      this.bufferScanned = r.scanned;
    }
  }

  private deliver(m: StoredMessage, e: PendingEntry): void {
    e.deliveries++;
    e.token++;
    e.queued = false;
    e.due = Date.now() + this.s.ackWaitMs;
    this.arm(e.due);
    this.c.markSeq(m.seq);
    const token = e.token;
    const msg = new DeliveredMessage(m.subject, m.headers, m.data, m.seq, e.deliveries);
    let p: Promise<void>;
    try {
      p = this.handler(msg);
    } catch (err) {
      p = Promise.reject(err);
    }
    const done = Promise.resolve(p)
      .then(
        () => this.acked(m.seq),
        (err) => this.failed(m.seq, token, err),
      )
      .catch((err) => this.log.error('bus delivery loop failed', { stream: this.c.stream.name, durable: this.c.durable, err }));
    this.inflight.add(done);
    done.then(() => this.inflight.delete(done));
  }

  private acked(seq: number): void {
    if (this.c.pending.delete(seq)) this.c.markSeq(seq);
    this.pump();
  }

  private failed(seq: number, token: number, err: unknown): void {
    const e = this.c.pending.get(seq);
    this.log.warn('bus handler failed, will redeliver', {
      stream: this.c.stream.name,
      durable: this.c.durable,
      seq,
      deliveryCount: e?.deliveries,
      err,
    });
    // A newer delivery (after ackWait) is under way or done: it decides.
    if (!e || e.token !== token || e.queued) return;
    e.due = Date.now() + nakDelayMs(e.deliveries);
    this.arm(e.due);
  }

  /** One timer per subscription, set for the earliest redelivery that may fall due. */
  private arm(at: number): void {
    if (!this.running || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - Date.now()));
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    const due: [number, PendingEntry][] = [];
    for (const [seq, e] of this.c.pending) {
      if (e.queued) continue;
      if (e.due <= now) due.push([seq, e]);
      else if (e.due < next) next = e.due;
    }
    for (const [seq, e] of due.sort((a, b) => a[0] - b[0])) this.queue(seq, e);
    if (next < Infinity) this.arm(next);
    this.pump();
  }
}

// Publishing OutputRoomEvent messages, in the order their events were stored. Each message sits
// in roomserver_output_queue from the transaction that stored its events until the bus has
// acknowledged it; the acknowledged IDs are deleted in the next transaction (or after a short
// idle delay), so marking "sent" costs no statement of its own on the hot path. After a crash the
// queue's remaining messages are published again at start, in order: the stream is at least once.
import { STREAM } from '../../bus/streams.ts';
import type { Bus } from '../../bus/types.ts';
import type { Logger } from '../../setup/logger.ts';
import type { Database, Queryable } from '../../storage/types.ts';
import type { OutputRoomEvent, StoredEvent } from '../api.ts';
import { inBatches } from '../storage/in-batches.ts';
import { deleteOutputs, selectUnsent } from '../storage/output-queue.ts';
import type { QueuedOutput } from './batch.ts';

const FLUSH_DELAY_MS = 200;
const RETRY_DELAY_MS = 500;
const REPLAY_PAGE = 500;

export class OutputPublisher {
  private acked: number[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when a publish failed: the table is replayed until it is empty, and nothing is
   *  published directly meanwhile, so the stream keeps the stored order. */
  private broken: Promise<void> | undefined;
  /** Messages were committed while broken: the replay needs another pass. */
  private dirty = false;
  /** The newest event NID per room known to be on the stream. */
  readonly lastSent = new Map<number, number>();
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly bus: Bus,
    private readonly log: Logger,
    /** Reads events back for the replay: the queue table holds messages without event JSON. */
    private readonly loadEvents: (nids: number[]) => Promise<Map<number, StoredEvent>>,
  ) {}

  /**
   * Publishes the messages of a committed batch, in order. Resolves when the bus has them all,
   * or as soon as the bus fails: the messages are stored, and the replay publishes them when the
   * bus is back, so callers (whose events are safely stored) do not hang on it. The calls to
   * bus.publish are made synchronously here, so messages of batches committed one after another
   * reach the stream in that order.
   */
  publish(outputs: readonly QueuedOutput[]): Promise<void> {
    if (outputs.length === 0) return Promise.resolve();
    if (this.broken) {
      this.dirty = true;
      return Promise.resolve();
    }
    const acks = outputs.map((o) =>
      this.bus.publish(STREAM.OutputRoomEvent, o.message, { room_id: o.message.roomId }).then(() => this.onAck(o)),
    );
    return Promise.all(acks).then(
      () => undefined,
      (err) => this.onFailure(err),
    );
  }

  pendingAcked(): number {
    return this.acked.length;
  }

  /** The acknowledged IDs, for the next transaction to delete (it gives them back if it fails). */
  takeAcked(): number[] {
    const ids = this.acked;
    this.acked = [];
    return ids;
  }

  giveBack(ids: readonly number[]): void {
    this.acked.push(...ids);
    this.scheduleFlush();
  }

  deleteAcked(tx: Queryable, ids: readonly number[]): Promise<unknown> {
    return inBatches(ids, async (list, params) => {
      await deleteOutputs(tx, list, params as number[]);
      return [];
    });
  }

  /** Publishes what is left in the queue table (at start, and after a bus failure). */
  async replay(): Promise<number> {
    let after = 0;
    let count = 0;
    for (;;) {
      const rows = await selectUnsent(this.db, after, REPLAY_PAGE);
      if (rows.length === 0) break;
      const messages = rows.map((r) => JSON.parse(r.message) as OutputRoomEvent);
      const events = await this.loadEvents(messages.flatMap((m) => (m.kind === 'new_room_event' || m.kind === 'old_room_event' ? [m.event.nid] : [])));
      for (const [i, r] of rows.entries()) {
        let message = messages[i]!;
        if (message.kind === 'new_room_event' || message.kind === 'old_room_event') {
          const event = events.get(message.event.nid);
          if (!event) throw new Error(`output queue names event NID ${message.event.nid}, which is not stored`);
          message = { ...message, event };
        }
        await this.bus.publish(STREAM.OutputRoomEvent, message, { room_id: message.roomId });
        this.onAck({ id: r.output_id, roomNid: r.room_nid, message });
        after = r.output_id;
        count++;
      }
    }
    await this.flush();
    return count;
  }

  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const ids = this.takeAcked();
    if (ids.length === 0) return;
    try {
      await this.db.transaction((tx) => this.deleteAcked(tx, ids));
    } catch (err) {
      this.log.warn('output queue cleanup failed', { err });
      this.acked.push(...ids);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.broken?.catch(() => {});
    await this.flush();
  }

  private onAck(o: QueuedOutput): void {
    this.acked.push(o.id);
    if (o.message.kind === 'new_room_event') {
      this.lastSent.set(o.roomNid, Math.max(this.lastSent.get(o.roomNid) ?? 0, o.message.event.nid));
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
    this.flushTimer.unref?.();
  }

  /** The events are stored: they will reach the stream by the replay, so callers are not failed. */
  private onFailure(err: unknown): void {
    if (this.broken) return;
    this.log.error('OutputRoomEvent publish failed; publishing from the output queue until the bus is back', { err });
    this.broken = this.retryLoop();
  }

  /** Replays the table (from the start: a pass may not see rows of a batch that committed late)
   *  until a pass leaves nothing committed behind it. Messages may go out twice: at least once. */
  private async retryLoop(): Promise<void> {
    for (;;) {
      await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
      if (this.closed) break;
      this.dirty = false;
      try {
        await this.replay();
        // Cleared in the same tick as the last pass ends, so no publish slips in between.
        if (!this.dirty) break;
      } catch (err) {
        this.log.warn('OutputRoomEvent replay failed; will retry', { err });
      }
    }
    this.broken = undefined;
  }
}

// Group commit: batches of different rooms that are ready at the same time share one
// transaction. SQLite has one writer anyway, and a commit (WAL frames, checkpoints, or a
// PostgreSQL fsync) costs more than the statements in it, so many rooms sending at once pay for
// one commit instead of one each. A room's own batches never meet in a group: its queue waits
// for each commit before preparing the next. A group that fails is retried batch by batch, so
// one bad batch fails alone.
import type { Database } from '../../storage/types.ts';
import type { RoomserverContext } from '../context.ts';
import type { WriteBatch } from './batch.ts';
import { afterCommit, writeBatch } from './persist.ts';

/** Acknowledged output rows are deleted along with a commit once this many have piled up (or
 *  by the publisher's idle timer), so marking messages sent costs no statement per event. */
const ACKED_PIGGYBACK = 64;
const MAX_GROUP = 256;

interface Waiting {
  batch: WriteBatch;
  resolve(): void;
  reject(err: unknown): void;
}

export class GroupCommitter {
  private queue: Waiting[] = [];
  private running = false;

  constructor(
    private readonly db: Database,
    private readonly ctx: () => RoomserverContext,
  ) {}

  commit(batch: WriteBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      if (!this.running) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_GROUP);
        try {
          await this.write(group.map((g) => g.batch));
          this.settle(group);
        } catch (err) {
          if (group.length === 1) {
            group[0]!.reject(err);
            continue;
          }
          for (const g of group) {
            try {
              await this.write([g.batch]);
              this.settle([g]);
            } catch (e) {
              g.reject(e);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async write(batches: WriteBatch[]): Promise<void> {
    const ctx = this.ctx();
    const acked = ctx.output.pendingAcked() >= ACKED_PIGGYBACK ? ctx.output.takeAcked() : [];
    try {
      await this.db.transaction(async (tx) => {
        const w = batches.flatMap((b) => writeBatch(ctx, tx, b));
        if (acked.length > 0) w.push(ctx.output.deleteAcked(tx, acked));
        await Promise.all(w);
      });
    } catch (err) {
      ctx.output.giveBack(acked);
      throw err;
    }
  }

  private settle(group: Waiting[]): void {
    const ctx = this.ctx();
    for (const g of group) {
      try {
        afterCommit(ctx, g.batch);
        g.resolve();
      } catch (err) {
        g.reject(err);
      }
    }
  }
}

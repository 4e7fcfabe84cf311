// Idempotent sends (SendEventRequest.idempotencyKey). The key's row goes into the transaction that
// stores the event, so a send pays no statement of its own outside it. A room's sends run one
// after another in its queue, and a key names its room (the client API's keys carry the room ID),
// so a repeated key finds the first event remembered here by the time it runs; a repeat that this
// process no longer remembers (after a restart, or from another process) fails its transaction
// on the key's primary key, and is then answered from the table.
import type { Database } from '../../storage/types.ts';
import { deleteIdempotencyKeysBefore, type IdempotencyRow, insertIdempotencyKey, selectIdempotencyKey } from '../storage/idempotency-keys.ts';
import type { Queryable } from '../../storage/types.ts';

/** How long a key is remembered: clients retry within seconds; Synapse keeps transactions a day. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
const SWEEP_EVERY_MS = 60 * 60 * 1000;
/** Keys kept in memory: enough for the retries of every recent send. */
const RECENT_KEYS = 4096;

export interface SentEvent {
  eventId: string;
  nid: number;
}

export class IdempotencyKeys {
  /** Insertion order is age: the oldest is dropped first. */
  private readonly recent = new Map<string, SentEvent>();
  private lastSweep = 0;

  constructor(private readonly db: Database) {}

  /** The event this process stored for the key recently, if any. */
  remembered(sender: string, key: string): SentEvent | undefined {
    return this.recent.get(id(sender, key));
  }

  /** The event stored for the key, in memory or in the table. */
  async stored(sender: string, key: string): Promise<SentEvent | undefined> {
    return this.remembered(sender, key) ?? (await selectIdempotencyKey(this.db, sender, key));
  }

  /** Statements for a transaction: the key's row, and (once an hour) the deletion of old ones. */
  write(tx: Queryable, row: IdempotencyRow): Promise<unknown>[] {
    const w: Promise<unknown>[] = [insertIdempotencyKey(tx, row)];
    if (row.ts - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = row.ts;
      w.push(deleteIdempotencyKeysBefore(tx, row.ts - IDEMPOTENCY_RETENTION_MS));
    }
    return w;
  }

  /** After the row's transaction committed. */
  committed(row: IdempotencyRow): void {
    const k = id(row.sender, row.key);
    this.recent.delete(k);
    this.recent.set(k, { eventId: row.eventId, nid: row.nid });
    if (this.recent.size > RECENT_KEYS) this.recent.delete(this.recent.keys().next().value!);
  }
}

const id = (sender: string, key: string) => `${sender}\u0000${key}`;

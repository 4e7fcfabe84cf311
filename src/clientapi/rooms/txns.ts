// Idempotent sends (Client-Server API, "Transaction identifiers"): the first request of a
// (device, endpoint, txnId) sends its event; a retransmission answers that event's ID. The mapping
// is stored in the client API's table, so it survives a restart and is shared by every client API
// process on the database. Concurrent duplicates inside one process wait for the first one.
// NOTSPEC: two processes that receive the same transaction at the same instant may both send; the
// spec asks servers to recognise retransmissions, which come after the first answer (or its loss).
import type { Requester } from '../../http/env.ts';
import { runMigrations } from '../../storage/migrations.ts';
import type { Database } from '../../storage/types.ts';
import { CLIENTAPI_MIGRATIONS } from '../storage/migrations/index.ts';
import { deleteTxnsBefore, insertTxnEventId, selectTxnEventId } from '../storage/txn-ids.ts';

/** How long a transaction is remembered: clients retry within seconds, Synapse keeps a day. */
export const TXN_RETENTION_MS = 24 * 60 * 60 * 1000;
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export interface TxnStore {
  /** Runs `send` once per (requester's device, `key`); later calls answer its event ID. */
  once(requester: Requester, key: string, send: () => Promise<string>): Promise<string>;
  close(): Promise<void>;
}

/**
 * `open` is called on first use (and again after a failure): a process whose room endpoints are
 * never called opens no database.
 */
export function createTxnStore(open: () => Promise<Database>, now: () => number = Date.now): TxnStore {
  let db: Promise<Database> | undefined;
  const inflight = new Map<string, Promise<string>>();
  let lastSweep = 0;

  function database(): Promise<Database> {
    if (!db) {
      db = open().then(async (d) => {
        await runMigrations(d, 'clientapi', CLIENTAPI_MIGRATIONS);
        return d;
      });
      db.catch(() => (db = undefined));
    }
    return db;
  }

  async function run(userId: string, deviceId: string, key: string, send: () => Promise<string>): Promise<string> {
    const d = await database();
    const seen = await selectTxnEventId(d, userId, deviceId, key);
    if (seen !== undefined) return seen;
    const eventId = await send();
    const t = now();
    // One statement is atomic by itself: an explicit transaction would only add the BEGIN and
    // COMMIT round trips to every send.
    await insertTxnEventId(d, userId, deviceId, key, eventId, t);
    if (t - lastSweep >= SWEEP_EVERY_MS) {
      lastSweep = t;
      await deleteTxnsBefore(d, t - TXN_RETENTION_MS);
    }
    return eventId;
  }

  return {
    once(requester, key, send) {
      const id = `${requester.userId}\u0000${requester.deviceId}\u0000${key}`;
      const running = inflight.get(id);
      if (running) return running;
      const p = run(requester.userId, requester.deviceId, key, send).finally(() => inflight.delete(id));
      inflight.set(id, p);
      return p;
    },
    async close() {
      const d = db;
      db = undefined;
      if (d) await (await d.catch(() => undefined))?.close();
    },
  };
}

/** The transaction key of an endpoint: its name and path parameters (as JSON: unambiguous, and
 *  free of NUL, which PostgreSQL text cannot hold). */
export const txnKey = (...parts: string[]): string => JSON.stringify(parts);

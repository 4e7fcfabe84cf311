// roomserver_idempotency_keys: which event a sender's idempotent send stored (SendEventRequest.
// idempotencyKey: the client API's transaction IDs, Client-Server API "Transaction identifiers").
// The row is written in the transaction that stores the event, so a send costs no commit of its
// own, and a retransmission after a restart still answers the first event.
import type { Queryable } from '../../storage/types.ts';

export const IDEMPOTENCY_KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_idempotency_keys (
  sender TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_nid BIGINT NOT NULL,
  created_ts BIGINT NOT NULL,
  PRIMARY KEY (sender, idempotency_key)
) {{WITHOUT_ROWID}};
CREATE INDEX IF NOT EXISTS roomserver_idempotency_keys_created_idx ON roomserver_idempotency_keys (created_ts)`;

export interface IdempotencyRow {
  sender: string;
  key: string;
  eventId: string;
  nid: number;
  ts: number;
}

/** A plain INSERT: a key used twice fails the transaction, and the sender is answered the first event. */
export function insertIdempotencyKey(q: Queryable, r: IdempotencyRow) {
  return q.run(
    'INSERT INTO roomserver_idempotency_keys (sender, idempotency_key, event_id, event_nid, created_ts) VALUES ($1, $2, $3, $4, $5)',
    [r.sender, r.key, r.eventId, r.nid, r.ts],
  );
}

export async function selectIdempotencyKey(q: Queryable, sender: string, key: string): Promise<{ eventId: string; nid: number } | undefined> {
  const row = await q.get<{ event_id: string; event_nid: number }>(
    'SELECT event_id, event_nid FROM roomserver_idempotency_keys WHERE sender = $1 AND idempotency_key = $2',
    [sender, key],
  );
  return row ? { eventId: row.event_id, nid: row.event_nid } : undefined;
}

export function deleteIdempotencyKeysBefore(q: Queryable, ts: number) {
  return q.run('DELETE FROM roomserver_idempotency_keys WHERE created_ts < $1', [ts]);
}

// clientapi_txn_ids: which event a device's transaction produced (Client-Server API, "Transaction
// identifiers"), so a retransmission answers the first event ID even after a restart. The key is
// the endpoint with its path parameters and the txnId: the spec scopes a transaction to one
// device and one endpoint.
import type { Queryable } from '../../storage/types.ts';

export const TXN_IDS_SCHEMA = `
CREATE TABLE IF NOT EXISTS clientapi_txn_ids (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  txn_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  created_ts BIGINT NOT NULL,
  PRIMARY KEY (user_id, device_id, txn_key)
);
CREATE INDEX IF NOT EXISTS clientapi_txn_ids_created_idx ON clientapi_txn_ids (created_ts)`;

export async function selectTxnEventId(q: Queryable, userId: string, deviceId: string, txnKey: string): Promise<string | undefined> {
  const row = await q.get<{ event_id: string }>(
    'SELECT event_id FROM clientapi_txn_ids WHERE user_id = $1 AND device_id = $2 AND txn_key = $3',
    [userId, deviceId, txnKey],
  );
  return row?.event_id;
}

export function insertTxnEventId(q: Queryable, userId: string, deviceId: string, txnKey: string, eventId: string, ts: number) {
  return q.run(
    'INSERT INTO clientapi_txn_ids (user_id, device_id, txn_key, event_id, created_ts) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
    [userId, deviceId, txnKey, eventId, ts],
  );
}

export function deleteTxnsBefore(q: Queryable, ts: number) {
  return q.run('DELETE FROM clientapi_txn_ids WHERE created_ts < $1', [ts]);
}

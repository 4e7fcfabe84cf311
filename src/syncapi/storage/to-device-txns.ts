// syncapi_to_device_txns: transaction IDs of PUT /sendToDevice already handled, per sending
// device (Client-Server API, "Transaction identifiers"), so that a retried request is not
// delivered twice.
import type { Queryable } from '../../storage/types.ts';

export const TO_DEVICE_TXNS_SCHEMA = `
CREATE TABLE IF NOT EXISTS syncapi_to_device_txns (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  txn_id TEXT NOT NULL,
  ts BIGINT NOT NULL,
  PRIMARY KEY (user_id, device_id, txn_id)
)`;

/** Records the transaction; false when it was already recorded (a retry). */
export async function claimTxn(q: Queryable, userId: string, deviceId: string, txnId: string, ts: number): Promise<boolean> {
  const r = await q.run(
    `INSERT INTO syncapi_to_device_txns (user_id, device_id, txn_id, ts) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [userId, deviceId, txnId, ts],
  );
  return r.changes === 1;
}

/** Forgets a claimed transaction whose messages could not be sent, so a retry may send them. */
export async function releaseTxn(q: Queryable, userId: string, deviceId: string, txnId: string): Promise<void> {
  await q.run(`DELETE FROM syncapi_to_device_txns WHERE user_id = $1 AND device_id = $2 AND txn_id = $3`, [userId, deviceId, txnId]);
}

/** Transactions older than a day will not be retried by any client. */
export async function deleteTxnsBefore(q: Queryable, ts: number): Promise<void> {
  await q.run(`DELETE FROM syncapi_to_device_txns WHERE ts < $1`, [ts]);
}

// federationapi_inbound_txns: the answers to the transactions other servers sent us, so that a
// retried transaction (same origin, same txnId) is answered again without processing its PDUs
// and EDUs twice (Server-Server API, "Transactions"). Old rows are swept after a day.
import type { Queryable } from '../../storage/types.ts';

export const INBOUND_TXNS_SCHEMA = `
CREATE TABLE IF NOT EXISTS federationapi_inbound_txns (
  origin TEXT NOT NULL,
  txn_id TEXT NOT NULL,
  response_json TEXT NOT NULL,
  received_ts BIGINT NOT NULL,
  PRIMARY KEY (origin, txn_id)
);
CREATE INDEX IF NOT EXISTS federationapi_inbound_txns_ts ON federationapi_inbound_txns (received_ts)`;

export async function selectTxnResponse(q: Queryable, origin: string, txnId: string): Promise<string | undefined> {
  const row = await q.get<{ response_json: string }>(
    'SELECT response_json FROM federationapi_inbound_txns WHERE origin = $1 AND txn_id = $2',
    [origin, txnId],
  );
  return row?.response_json;
}

export async function insertTxnResponse(q: Queryable, origin: string, txnId: string, response: string, ts: number): Promise<void> {
  await q.run(
    `INSERT INTO federationapi_inbound_txns (origin, txn_id, response_json, received_ts) VALUES ($1, $2, $3, $4)
     ON CONFLICT (origin, txn_id) DO NOTHING`,
    [origin, txnId, response, ts],
  );
}

export async function deleteTxnsBefore(q: Queryable, ts: number): Promise<number> {
  return (await q.run('DELETE FROM federationapi_inbound_txns WHERE received_ts < $1', [ts])).changes;
}

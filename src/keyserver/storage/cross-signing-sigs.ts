// keyserver_cross_signing_sigs: signatures uploaded with POST /keys/signatures/upload, kept apart
// from the signed keys so that each reader sees only the ones the spec lets them see
// (Client-Server API, "Key and signature security"). target_key_id is a device ID or the public
// key of a master key; origin_key_id is `ed25519:<device ID or public key>`.
import type { Queryable } from '../../storage/types.ts';
import { inBatches } from './in-batches.ts';

export const CROSS_SIGNING_SIGS_SCHEMA = `
CREATE TABLE IF NOT EXISTS keyserver_cross_signing_sigs (
  target_user_id TEXT NOT NULL,
  target_key_id TEXT NOT NULL,
  origin_user_id TEXT NOT NULL,
  origin_key_id TEXT NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (target_user_id, target_key_id, origin_user_id, origin_key_id)
)`;

export interface SignatureRow {
  target_user_id: string;
  target_key_id: string;
  origin_user_id: string;
  origin_key_id: string;
  signature: string;
}

export function upsertSignature(q: Queryable, r: SignatureRow) {
  return q.run(
    `INSERT INTO keyserver_cross_signing_sigs (target_user_id, target_key_id, origin_user_id, origin_key_id, signature)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (target_user_id, target_key_id, origin_user_id, origin_key_id) DO UPDATE SET signature = excluded.signature`,
    [r.target_user_id, r.target_key_id, r.origin_user_id, r.origin_key_id, r.signature],
  );
}

/** Every signature on keys of the given users. */
export function selectSignaturesOnUsers(q: Queryable, userIds: readonly string[]): Promise<SignatureRow[]> {
  return inBatches(userIds, (list, params) =>
    q.all<SignatureRow>(
      `SELECT target_user_id, target_key_id, origin_user_id, origin_key_id, signature FROM keyserver_cross_signing_sigs
       WHERE target_user_id IN (${list})`,
      params,
    ),
  );
}

export function deleteSignaturesOnKey(q: Queryable, userId: string, keyId: string) {
  return q.run(`DELETE FROM keyserver_cross_signing_sigs WHERE target_user_id = $1 AND target_key_id = $2`, [userId, keyId]);
}

/** Signatures made with a key of the user that has been replaced (the key ID names the old key). */
export function deleteSignaturesByKey(q: Queryable, userId: string, originKeyId: string) {
  return q.run(`DELETE FROM keyserver_cross_signing_sigs WHERE origin_user_id = $1 AND origin_key_id = $2`, [userId, originKeyId]);
}

// keyserver_cross_signing_keys: each local user's master, self-signing and user-signing keys
// (POST /keys/device_signing/upload), one of each, stored as uploaded (the self-signing and
// user-signing keys carry the master key's signature).
import type { Queryable } from '../../storage/types.ts';
import { inBatches } from './in-batches.ts';

export const CROSS_SIGNING_KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS keyserver_cross_signing_keys (
  user_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  public_key TEXT NOT NULL,
  key_json TEXT NOT NULL,
  PRIMARY KEY (user_id, purpose)
)`;

export type Purpose = 'master' | 'self_signing' | 'user_signing';

export interface CrossSigningKeyRow {
  user_id: string;
  purpose: Purpose;
  public_key: string;
  key_json: string;
}

export function selectCrossSigningKeys(q: Queryable, userId: string): Promise<CrossSigningKeyRow[]> {
  return q.all<CrossSigningKeyRow>(`SELECT user_id, purpose, public_key, key_json FROM keyserver_cross_signing_keys WHERE user_id = $1`, [
    userId,
  ]);
}

export function selectCrossSigningKeysOfUsers(q: Queryable, userIds: readonly string[]): Promise<CrossSigningKeyRow[]> {
  return inBatches(userIds, (list, params) =>
    q.all<CrossSigningKeyRow>(`SELECT user_id, purpose, public_key, key_json FROM keyserver_cross_signing_keys WHERE user_id IN (${list})`, params),
  );
}

export function upsertCrossSigningKey(q: Queryable, r: CrossSigningKeyRow) {
  return q.run(
    `INSERT INTO keyserver_cross_signing_keys (user_id, purpose, public_key, key_json) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, purpose) DO UPDATE SET public_key = excluded.public_key, key_json = excluded.key_json`,
    [r.user_id, r.purpose, r.public_key, r.key_json],
  );
}

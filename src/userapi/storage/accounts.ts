// userapi_accounts: one row per local account. A deactivated account keeps its row so its
// localpart can never be registered again (user IDs must not be reused).
import type { Queryable } from '../../storage/types.ts';
import type { AccountKind } from '../api.ts';

export const ACCOUNTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS userapi_accounts (
  localpart TEXT NOT NULL PRIMARY KEY,
  password_hash TEXT,
  kind TEXT NOT NULL,
  appservice_id TEXT,
  created_ts BIGINT NOT NULL,
  is_deactivated INTEGER NOT NULL DEFAULT 0
)`;

export interface AccountRow {
  localpart: string;
  password_hash: string | null;
  kind: AccountKind;
  appservice_id: string | null;
  created_ts: number;
  is_deactivated: number;
}

/** false when the localpart is already taken. */
export async function insertAccount(
  q: Queryable,
  a: { localpart: string; passwordHash: string | null; kind: AccountKind; appserviceId: string | null; createdTs: number },
): Promise<boolean> {
  const r = await q.run(
    `INSERT INTO userapi_accounts (localpart, password_hash, kind, appservice_id, created_ts, is_deactivated)
     VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (localpart) DO NOTHING`,
    [a.localpart, a.passwordHash, a.kind, a.appserviceId, a.createdTs],
  );
  return r.changes === 1;
}

export function selectAccount(q: Queryable, localpart: string): Promise<AccountRow | undefined> {
  return q.get<AccountRow>(
    `SELECT localpart, password_hash, kind, appservice_id, created_ts, is_deactivated
     FROM userapi_accounts WHERE localpart = $1`,
    [localpart],
  );
}

export async function localpartExists(q: Queryable, localpart: string): Promise<boolean> {
  return (await q.get(`SELECT 1 AS one FROM userapi_accounts WHERE localpart = $1`, [localpart])) !== undefined;
}

export async function updatePasswordHash(q: Queryable, localpart: string, hash: string | null): Promise<boolean> {
  const r = await q.run(`UPDATE userapi_accounts SET password_hash = $2 WHERE localpart = $1`, [localpart, hash]);
  return r.changes === 1;
}

export async function markDeactivated(q: Queryable, localpart: string): Promise<boolean> {
  const r = await q.run(`UPDATE userapi_accounts SET is_deactivated = 1 WHERE localpart = $1`, [localpart]);
  return r.changes === 1;
}

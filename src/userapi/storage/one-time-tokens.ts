// userapi_one_time_tokens: single-use, expiring secrets: m.login.token login tokens and the
// nonces of shared-secret registration. Stored hashed; consumed by one DELETE … RETURNING, so
// two requests can never both use one.
import type { Queryable } from '../../storage/types.ts';

export type OneTimeTokenKind = 'login' | 'registration_nonce';

export const ONE_TIME_TOKENS_SCHEMA = `
CREATE TABLE IF NOT EXISTS userapi_one_time_tokens (
  token_hash TEXT NOT NULL PRIMARY KEY,
  kind TEXT NOT NULL,
  user_id TEXT,
  expires_ts BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS userapi_one_time_tokens_expires_idx ON userapi_one_time_tokens (expires_ts)`;

export function insertOneTimeToken(q: Queryable, tokenHash: string, kind: OneTimeTokenKind, userId: string | null, expiresTs: number) {
  return q.run(`INSERT INTO userapi_one_time_tokens (token_hash, kind, user_id, expires_ts) VALUES ($1, $2, $3, $4)`, [
    tokenHash,
    kind,
    userId,
    expiresTs,
  ]);
}

/** The row, if the token existed and was fresh; it is gone afterwards either way. */
export async function consumeOneTimeToken(
  q: Queryable,
  tokenHash: string,
  kind: OneTimeTokenKind,
  now: number,
): Promise<{ user_id: string | null; expires_ts: number } | undefined> {
  const row = await q.get<{ user_id: string | null; expires_ts: number }>(
    `DELETE FROM userapi_one_time_tokens WHERE token_hash = $1 AND kind = $2 RETURNING user_id, expires_ts`,
    [tokenHash, kind],
  );
  return row && row.expires_ts > now ? row : undefined;
}

export function deleteExpiredOneTimeTokens(q: Queryable, now: number) {
  return q.run(`DELETE FROM userapi_one_time_tokens WHERE expires_ts <= $1`, [now]);
}

// userapi_registration_tokens: tokens for m.login.registration_token
// (Client-Server API, "Token-authenticated registration"). A use is `pending` from the moment a
// UIA stage accepts the token until the registration completes (or its session expires).
import type { Queryable } from '../../storage/types.ts';

export const REGISTRATION_TOKENS_SCHEMA = `
CREATE TABLE IF NOT EXISTS userapi_registration_tokens (
  token TEXT NOT NULL PRIMARY KEY,
  uses_allowed INTEGER,
  pending INTEGER NOT NULL DEFAULT 0,
  completed INTEGER NOT NULL DEFAULT 0,
  expiry_time BIGINT
)`;

export interface RegistrationTokenRow {
  token: string;
  uses_allowed: number | null;
  pending: number;
  completed: number;
  expiry_time: number | null;
}

const COLUMNS = `token, uses_allowed, pending, completed, expiry_time`;

export async function insertToken(q: Queryable, token: string, usesAllowed: number | null, expiryTime: number | null): Promise<boolean> {
  const r = await q.run(
    `INSERT INTO userapi_registration_tokens (token, uses_allowed, pending, completed, expiry_time)
     VALUES ($1, $2, 0, 0, $3) ON CONFLICT (token) DO NOTHING`,
    [token, usesAllowed, expiryTime],
  );
  return r.changes === 1;
}

export function selectToken(q: Queryable, token: string): Promise<RegistrationTokenRow | undefined> {
  return q.get<RegistrationTokenRow>(`SELECT ${COLUMNS} FROM userapi_registration_tokens WHERE token = $1`, [token]);
}

export function selectTokens(q: Queryable): Promise<RegistrationTokenRow[]> {
  return q.all<RegistrationTokenRow>(`SELECT ${COLUMNS} FROM userapi_registration_tokens ORDER BY token`);
}

export function updateToken(q: Queryable, token: string, usesAllowed: number | null, expiryTime: number | null) {
  return q.run(`UPDATE userapi_registration_tokens SET uses_allowed = $2, expiry_time = $3 WHERE token = $1`, [
    token,
    usesAllowed,
    expiryTime,
  ]);
}

export function deleteToken(q: Queryable, token: string) {
  return q.run(`DELETE FROM userapi_registration_tokens WHERE token = $1`, [token]);
}

/** One statement, so two registrations cannot both take the last use. */
export async function reserveUse(q: Queryable, token: string, now: number): Promise<boolean> {
  const r = await q.run(
    `UPDATE userapi_registration_tokens SET pending = pending + 1
     WHERE token = $1 AND (uses_allowed IS NULL OR pending + completed < uses_allowed)
       AND (expiry_time IS NULL OR expiry_time > $2)`,
    [token, now],
  );
  return r.changes === 1;
}

export function completeUse(q: Queryable, token: string) {
  return q.run(
    `UPDATE userapi_registration_tokens SET pending = pending - 1, completed = completed + 1
     WHERE token = $1 AND pending > 0`,
    [token],
  );
}

export function releaseUse(q: Queryable, token: string) {
  return q.run(`UPDATE userapi_registration_tokens SET pending = pending - 1 WHERE token = $1 AND pending > 0`, [token]);
}

// userapi_uia_sessions: user-interactive auth sessions, in the database so that any client API
// process can continue a session another one started.
import type { Queryable } from '../../storage/types.ts';

export const UIA_SESSIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS userapi_uia_sessions (
  session_id TEXT NOT NULL PRIMARY KEY,
  operation TEXT NOT NULL,
  completed TEXT NOT NULL,
  user_id TEXT,
  data TEXT NOT NULL,
  created_ts BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS userapi_uia_sessions_created_idx ON userapi_uia_sessions (created_ts)`;

export interface UiaSessionRow {
  session_id: string;
  operation: string;
  completed: string;
  user_id: string | null;
  data: string;
  created_ts: number;
}

export function insertSession(q: Queryable, r: UiaSessionRow) {
  return q.run(
    `INSERT INTO userapi_uia_sessions (session_id, operation, completed, user_id, data, created_ts)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [r.session_id, r.operation, r.completed, r.user_id, r.data, r.created_ts],
  );
}

export function selectSession(q: Queryable, sessionId: string): Promise<UiaSessionRow | undefined> {
  return q.get<UiaSessionRow>(
    `SELECT session_id, operation, completed, user_id, data, created_ts FROM userapi_uia_sessions WHERE session_id = $1`,
    [sessionId],
  );
}

/**
 * Compare-and-set on the stages and data: succeeds only if nobody changed them since they were
 * read, so two requests racing on one session cannot lose each other's stage.
 */
export async function updateSession(
  q: Queryable,
  sessionId: string,
  before: { completed: string; data: string },
  after: { completed: string; data: string; userId: string | null },
): Promise<boolean> {
  const r = await q.run(
    `UPDATE userapi_uia_sessions SET completed = $4, data = $5, user_id = $6
     WHERE session_id = $1 AND completed = $2 AND data = $3`,
    [sessionId, before.completed, before.data, after.completed, after.data, after.userId],
  );
  return r.changes === 1;
}

export function deleteSession(q: Queryable, sessionId: string) {
  return q.run(`DELETE FROM userapi_uia_sessions WHERE session_id = $1`, [sessionId]);
}

/** Removes sessions created before `cutoff`, returning their data (reserved tokens to give back). */
export function deleteSessionsBefore(q: Queryable, cutoff: number): Promise<{ data: string }[]> {
  return q.all(`DELETE FROM userapi_uia_sessions WHERE created_ts < $1 RETURNING data`, [cutoff]);
}

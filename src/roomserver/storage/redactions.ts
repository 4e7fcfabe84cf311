// roomserver_redactions: every m.room.redaction event and its target. `validated` is set once the
// redaction is known to apply to its target (room versions 3+, "Handling redactions"); until the
// target arrives it stays pending, and is checked again when it does.
import type { Queryable } from '../../storage/types.ts';

export const REDACTIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_redactions (
  redaction_event_id TEXT PRIMARY KEY,
  redacts_event_id TEXT NOT NULL,
  validated SMALLINT NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS roomserver_redactions_target_idx ON roomserver_redactions (redacts_event_id)`;

export function insertRedaction(q: Queryable, redactionId: string, targetId: string, validated: boolean) {
  return q.run(
    `INSERT INTO roomserver_redactions (redaction_event_id, redacts_event_id, validated) VALUES ($1, $2, $3)
     ON CONFLICT (redaction_event_id) DO UPDATE SET validated = excluded.validated`,
    [redactionId, targetId, validated],
  );
}

/** Redactions waiting for `targetId`, oldest first. */
export function selectPendingRedactions(q: Queryable, targetId: string) {
  return q.all<{ redaction_event_id: string }>(
    'SELECT redaction_event_id FROM roomserver_redactions WHERE redacts_event_id = $1 AND validated = 0 ORDER BY redaction_event_id',
    [targetId],
  );
}

/** The redaction that pruned each of the given events, if any (the smallest ID if several). */
export function selectRedactedBecause(q: Queryable, placeholders: string, targetIds: readonly string[]) {
  return q.all<{ redacts_event_id: string; redaction_event_id: string }>(
    `SELECT redacts_event_id, MIN(redaction_event_id) AS redaction_event_id FROM roomserver_redactions
     WHERE validated = 1 AND redacts_event_id IN (${placeholders}) GROUP BY redacts_event_id`,
    targetIds,
  );
}

// userapi_profiles: one row per profile field (displayname, avatar_url, m.tz, custom fields since
// v1.16). A row per field lets two fields change at once without one write losing the other.
// Values are stored as JSON text.
import type { Queryable } from '../../storage/types.ts';

export const PROFILES_SCHEMA = `
CREATE TABLE IF NOT EXISTS userapi_profiles (
  localpart TEXT NOT NULL,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (localpart, field)
)`;

export function selectProfile(q: Queryable, localpart: string): Promise<{ field: string; value: string }[]> {
  return q.all(`SELECT field, value FROM userapi_profiles WHERE localpart = $1 ORDER BY field`, [localpart]);
}

export function upsertProfileField(q: Queryable, localpart: string, field: string, valueJson: string) {
  return q.run(
    `INSERT INTO userapi_profiles (localpart, field, value) VALUES ($1, $2, $3)
     ON CONFLICT (localpart, field) DO UPDATE SET value = excluded.value`,
    [localpart, field, valueJson],
  );
}

export function deleteProfileField(q: Queryable, localpart: string, field: string) {
  return q.run(`DELETE FROM userapi_profiles WHERE localpart = $1 AND field = $2`, [localpart, field]);
}

export function deleteProfile(q: Queryable, localpart: string) {
  return q.run(`DELETE FROM userapi_profiles WHERE localpart = $1`, [localpart]);
}

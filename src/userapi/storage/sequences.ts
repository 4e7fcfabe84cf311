// userapi_sequences: named counters, for numeric localparts (guests, registrations without a
// username). An upsert that increments and returns is atomic on both engines.
import type { Queryable } from '../../storage/types.ts';

export const SEQUENCES_SCHEMA = `
CREATE TABLE IF NOT EXISTS userapi_sequences (
  name TEXT NOT NULL PRIMARY KEY,
  value BIGINT NOT NULL
)`;

export async function nextValue(q: Queryable, name: string): Promise<number> {
  const row = await q.get<{ value: number }>(
    `INSERT INTO userapi_sequences (name, value) VALUES ($1, 1)
     ON CONFLICT (name) DO UPDATE SET value = userapi_sequences.value + 1 RETURNING value`,
    [name],
  );
  return Number(row!.value);
}

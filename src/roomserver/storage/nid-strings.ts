// Queries shared by the two string <-> NID tables (event-types.ts, event-state-keys.ts).
import type { Queryable } from '../../storage/types.ts';
import { inBatches } from './in-batches.ts';

export type NidTable = 'types' | 'stateKeys';

const NAMES = {
  types: { table: 'roomserver_event_types', nid: 'event_type_nid', value: 'event_type' },
  stateKeys: { table: 'roomserver_event_state_keys', nid: 'event_state_key_nid', value: 'event_state_key' },
} as const;

export async function selectNidsByValue(q: Queryable, which: NidTable, values: readonly string[]): Promise<Map<string, number>> {
  const n = NAMES[which];
  const rows = await inBatches(values, (list, params) =>
    q.all<{ nid: number; value: string }>(`SELECT ${n.nid} AS nid, ${n.value} AS value FROM ${n.table} WHERE ${n.value} IN (${list})`, params),
  );
  return new Map(rows.map((r) => [r.value, r.nid]));
}

export async function selectValuesByNid(q: Queryable, which: NidTable, nids: readonly number[]): Promise<Map<number, string>> {
  const n = NAMES[which];
  const rows = await inBatches(nids, (list, params) =>
    q.all<{ nid: number; value: string }>(`SELECT ${n.nid} AS nid, ${n.value} AS value FROM ${n.table} WHERE ${n.nid} IN (${list})`, params),
  );
  return new Map(rows.map((r) => [r.nid, r.value]));
}

/** Idempotent: several transactions may write the same (nid, value) pair; see nid-map.ts. */
export function insertNid(q: Queryable, which: NidTable, nid: number, value: string) {
  const n = NAMES[which];
  return q.run(`INSERT INTO ${n.table} (${n.nid}, ${n.value}) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [nid, value]);
}

export async function maxNid(q: Queryable, which: NidTable): Promise<number> {
  const n = NAMES[which];
  const row = await q.get<{ m: number | null }>(`SELECT MAX(${n.nid}) AS m FROM ${n.table}`);
  return row?.m ?? 0;
}

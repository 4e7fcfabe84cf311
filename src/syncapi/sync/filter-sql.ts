// An EventFilter as SQL conditions on the indexed columns of syncapi_output_room_events
// (type, sender, state_key, contains_url), so that "the last N matching events" is one indexed
// query and `limited` is true only when more *matching* events exist (SyTest 31sync/04timeline.pl
// "A filtered timeline reaches its limit"). Wildcard types become LIKE patterns.
import { escapeLike, inList } from '../../storage/dialect.ts';
import type { SqlValue } from '../../storage/types.ts';
import type { EventFilter } from './filter.ts';

export interface SqlCondition {
  /** Starts with " AND …", or is empty. */
  sql: string;
  params: SqlValue[];
}

export interface FilterSqlOptions {
  /** Non-state events of these senders are dropped (Client-Server API, "Ignoring Users"). */
  ignored?: Set<string>;
}

/** Conditions for `filter`, numbering parameters from `$first`. */
export function filterSql(filter: EventFilter | undefined, first: number, opts: FilterSqlOptions = {}): SqlCondition {
  let sql = '';
  const params: SqlValue[] = [];
  const next = () => `$${first + params.length}`;
  const typeClause = (patterns: string[]) => {
    const parts: string[] = [];
    const exact = patterns.filter((p) => !p.includes('*'));
    if (exact.length > 0) {
      parts.push(`type IN (${inList(first + params.length, exact.length)})`);
      params.push(...exact);
    }
    for (const p of patterns.filter((x) => x.includes('*'))) {
      parts.push(`type LIKE ${next()} ESCAPE '\\'`);
      params.push(p.split('*').map(escapeLike).join('%'));
    }
    return parts.length > 0 ? `(${parts.join(' OR ')})` : '1 = 0';
  };
  if (filter?.rawTypes) sql += ` AND ${filter.rawTypes.length === 0 ? '1 = 0' : typeClause(filter.rawTypes)}`;
  if (filter?.rawNotTypes && filter.rawNotTypes.length > 0) sql += ` AND NOT ${typeClause(filter.rawNotTypes)}`;
  const senders = filter?.senders ? [...filter.senders] : undefined;
  if (senders) {
    if (senders.length === 0) sql += ' AND 1 = 0';
    else {
      sql += ` AND sender IN (${inList(first + params.length, senders.length)})`;
      params.push(...senders);
    }
  }
  const notSenders = filter?.notSenders ? [...filter.notSenders] : [];
  if (notSenders.length > 0) {
    sql += ` AND sender NOT IN (${inList(first + params.length, notSenders.length)})`;
    params.push(...notSenders);
  }
  const ignored = opts.ignored ? [...opts.ignored] : [];
  if (ignored.length > 0) {
    sql += ` AND (state_key IS NOT NULL OR sender NOT IN (${inList(first + params.length, ignored.length)}))`;
    params.push(...ignored);
  }
  if (filter?.containsUrl !== undefined) {
    sql += ` AND contains_url = ${next()}`;
    params.push(filter.containsUrl ? 1 : 0);
  }
  return { sql, params };
}

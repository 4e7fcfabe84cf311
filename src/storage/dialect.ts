// Where SQLite and PostgreSQL differ. SQL is written once; every statement given to a Database
// (all/get/run/exec, migrations) may use these macros, expanded per engine when the statement
// is first prepared (outside string literals, quoted identifiers and comments):
//
//   {{SERIAL_PK}}   auto-increment 64-bit primary key, never reused:
//                   SQLite `INTEGER PRIMARY KEY AUTOINCREMENT`, PostgreSQL `BIGSERIAL PRIMARY KEY`
//   {{INT64_PK}}    64-bit primary key whose values the application gives: SQLite
//                   `INTEGER PRIMARY KEY` (the rowid itself: no separate index to write),
//                   PostgreSQL `BIGINT PRIMARY KEY`
//   {{BLOB}}        bytes: `BLOB` / `BYTEA` (bound and returned as Uint8Array on both)
//   {{FOR_UPDATE}}  row lock for read-modify-write in a transaction: `` / `FOR UPDATE`
//                   (SQLite transactions are already serial; PostgreSQL's are READ COMMITTED)
//   {{ILIKE}}       case-insensitive LIKE: `LIKE` / `ILIKE` (SQLite folds ASCII letters only)
//   {{GREATEST}} {{LEAST}}   scalar max/min of arguments: `MAX`/`MIN` / `GREATEST`/`LEAST`
//   {{WITHOUT_ROWID}} after a CREATE TABLE's closing parenthesis, for a table looked up by its
//                   (non-integer) primary key only: SQLite `WITHOUT ROWID` keeps the rows in the
//                   key's b-tree, so an insert writes one b-tree fewer; PostgreSQL ``
//
// Portable without macros, so use them as they are:
// - Parameters `$1 … $n`, repeatable (`$1` twice binds the same value). Translated to `?1 … ?n`
//   for SQLite. Booleans are bound as 0/1; flags live in INTEGER/SMALLINT columns.
// - Integers: use BIGINT for IDs, positions and millisecond timestamps (INTEGER is 32-bit on
//   PostgreSQL). Values come back as JS numbers on both engines; keep them below 2^53.
// - Upsert: `INSERT … ON CONFLICT (cols) DO UPDATE SET x = excluded.x`; insert-or-ignore:
//   `ON CONFLICT DO NOTHING`. With `INSERT … SELECT … ON CONFLICT` add `WHERE true` after the
//   SELECT (SQLite's parser needs it).
// - `RETURNING` on INSERT/UPDATE/DELETE.
// - `IN (…)` lists: build the placeholders with inList() below (SQLite has no arrays/ANY).
import type { Database } from './types.ts';

export type Dialect = Database['dialect'];

const MACROS: Record<string, Record<Dialect, string>> = {
  SERIAL_PK: { sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT', postgres: 'BIGSERIAL PRIMARY KEY' },
  INT64_PK: { sqlite: 'INTEGER PRIMARY KEY', postgres: 'BIGINT PRIMARY KEY' },
  BLOB: { sqlite: 'BLOB', postgres: 'BYTEA' },
  FOR_UPDATE: { sqlite: '', postgres: 'FOR UPDATE' },
  ILIKE: { sqlite: 'LIKE', postgres: 'ILIKE' },
  GREATEST: { sqlite: 'MAX', postgres: 'GREATEST' },
  LEAST: { sqlite: 'MIN', postgres: 'LEAST' },
  WITHOUT_ROWID: { sqlite: 'WITHOUT ROWID', postgres: '' },
};

/**
 * `$first, $first+1, …` (count placeholders), for `WHERE id IN (${inList(2, ids.length)})`.
 * Each distinct count is its own prepared statement: batch in fixed sizes when lists vary a lot.
 */
export function inList(first: number, count: number): string {
  if (count < 1) throw new Error('inList: an IN list needs at least one value');
  let s = `$${first}`;
  for (let i = 1; i < count; i++) s += `, $${first + i}`;
  return s;
}

/** Escapes `%`, `_` and `\` for `col {{ILIKE}} $1 ESCAPE '\'` with a user-given substring. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}

/**
 * Expands the macros, and for SQLite turns `$n` into `?n`. String literals, quoted
 * identifiers, comments and PostgreSQL dollar-quoted bodies are copied untouched.
 */
export function rewriteSql(sql: string, dialect: Dialect): string {
  if (!sql.includes('{{') && (dialect === 'postgres' || !sql.includes('$'))) return sql;
  let out = '';
  let i = 0;
  let from = 0; // start of the text not yet copied to out
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      i = skipQuoted(sql, i, c);
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        // Dollar-quoted body ($$…$$ or $tag$…$tag$): copy as is.
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
      } else if (dialect === 'sqlite' && isDigit(sql.charCodeAt(i + 1))) {
        out += sql.slice(from, i) + '?';
        i++;
        from = i;
      } else {
        i++;
      }
    } else if (c === '{' && sql[i + 1] === '{') {
      const end = sql.indexOf('}}', i + 2);
      const name = end < 0 ? '' : sql.slice(i + 2, end).trim();
      const macro = MACROS[name];
      if (!macro) {
        throw new Error(`unknown SQL macro {{${name}}}; known: ${Object.keys(MACROS).join(', ')} (src/storage/dialect.ts)`);
      }
      out += sql.slice(from, i) + macro[dialect];
      i = end + 2;
      from = i;
    } else {
      i++;
    }
  }
  return out + sql.slice(from);
}

function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  for (;;) {
    const end = sql.indexOf(quote, i);
    if (end < 0) return sql.length;
    if (sql[end + 1] === quote) {
      i = end + 2; // doubled quote is an escaped quote
      continue;
    }
    return end + 1;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Whether a statement only reads (for the PostgreSQL side of the open-transaction guard;
 * SQLite asks the prepared statement itself). A WITH that feeds an INSERT/UPDATE/DELETE writes.
 */
export function isReadStatement(sql: string): boolean {
  const m = /^\s*(\w+)/.exec(sql);
  const first = m ? m[1]!.toUpperCase() : '';
  if (first === 'SELECT' || first === 'VALUES') return true;
  if (first === 'WITH') return !/\b(INSERT|UPDATE|DELETE)\b/i.test(sql);
  return false;
}

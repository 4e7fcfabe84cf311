// Dendrite's `connection_string` forms (dendrite-INSTALL.md, "Configuration"):
//   postgres://user:pass@host[:port]/db[?sslmode=disable]   (also postgresql://)
//   file:name.db          SQLite, relative to the config's folder
//   file:///abs/name.db   SQLite, absolute
//   name.db, ./x/name.db  plain path (relative to the config's folder)
//   :memory:              SQLite in memory (tests)
import { isAbsolute, resolve } from 'node:path';

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

const HELP = 'use file:NAME.db (SQLite) or postgres://USER:PASSWORD@HOST:PORT/DBNAME (PostgreSQL)';

export function parseConnectionString(raw: string, baseDir: string): DatabaseTarget {
  const cs = raw.trim();
  if (cs === '') throw new Error(`empty database connection_string: ${HELP}`);
  if (/^postgres(ql)?:\/\//i.test(cs)) {
    try {
      new URL(cs);
    } catch {
      throw new Error(`database connection_string ${redactUrl(cs)} is not a valid URL: ${HELP}`);
    }
    return { kind: 'postgres', url: cs };
  }
  if (cs === ':memory:' || /^file::memory:(\?.*)?$/.test(cs)) return { kind: 'sqlite', path: ':memory:' };
  if (/^file:/i.test(cs)) {
    let rest = cs.slice(5).replace(/\?.*$/, ''); // SQLite URI options (?_busy_timeout=…) are ours to set
    if (rest.startsWith('//')) {
      // file://HOST/abs/path: only the local host means anything here.
      const slash = rest.indexOf('/', 2);
      const host = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
      if (host !== '' && host !== 'localhost') {
        throw new Error(`database connection_string ${cs} names host "${host}": SQLite files must be local (file:///abs/path.db)`);
      }
      rest = slash < 0 ? '' : decodeURIComponent(rest.slice(slash));
    }
    if (rest === '') throw new Error(`database connection_string ${cs} has no file name: ${HELP}`);
    return { kind: 'sqlite', path: isAbsolute(rest) ? rest : resolve(baseDir, rest) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(cs)) {
    throw new Error(`unsupported database connection_string ${redactUrl(cs)}: ${HELP}`);
  }
  if (/^\s*\w+=\S*(\s+\w+=\S*)*\s*$/.test(cs)) {
    throw new Error(`key=value database connection strings are not supported (got "${cs.replace(/password=\S*/i, 'password=***')}"): ${HELP}`);
  }
  return { kind: 'sqlite', path: resolve(baseDir, cs) };
}

/** The URL with its password hidden, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

// Dot-separated property paths (Appendices): `content.m\.relates_to.rel_type` names
// content["m.relates_to"]["rel_type"]. `\.` is a literal dot and `\\` a literal backslash; any
// other `\x` stays as written ("Other escape sequences are left as-is").
import { BoundedMap } from './bounded-map.ts';

const parsed = new BoundedMap<string, string[]>(1024);

export function splitPropertyPath(path: string): string[] {
  const cached = parsed.get(path);
  if (cached) return cached;
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    const next = path[i + 1];
    if (ch === '\\' && (next === '.' || next === '\\')) {
      cur += next;
      i++;
    } else if (ch === '.') {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  parsed.set(path, parts);
  return parts;
}

/** The value at `path` in `obj`, or undefined when any step is missing or not an object. */
export function valueAtPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of splitPropertyPath(path)) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    if (!Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

// Glob-style matching (Appendices, "Glob-style matching": `*` any run of characters, `?` exactly
// one) as push rules use it: case-insensitive, either on the whole value or, for `content.body`,
// on any substring that starts and ends at a word boundary (Client-Server API, "Conditions",
// event_match). Compiled patterns are kept: the same few patterns run against every event.
import { BoundedMap } from './bounded-map.ts';

/** "any character not in the sets [A-Z], [a-z], [0-9] or _" is a boundary, as the start and end are. */
const NOT_AFTER_WORD = '(?<![A-Za-z0-9_])';
const NOT_BEFORE_WORD = '(?![A-Za-z0-9_])';

const compiled = new BoundedMap<string, RegExp>(2048);

/** Regular-expression syntax characters: the only ones a `u` pattern lets one escape. */
const escapeText = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function globSource(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '*') out += '[\\s\\S]*';
    else if (ch === '?') out += '[\\s\\S]';
    else out += escapeText(ch);
  }
  return out;
}

function regexFor(kind: 'whole' | 'words' | 'literal-words', pattern: string): RegExp {
  const key = `${kind}\u0000${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    const body = kind === 'literal-words' ? escapeText(pattern) : globSource(pattern);
    // `u` so that `?` takes one character, not one UTF-16 unit, and case folding covers non-ASCII.
    re = kind === 'whole' ? new RegExp(`^${body}$`, 'iu') : new RegExp(`${NOT_AFTER_WORD}${body}${NOT_BEFORE_WORD}`, 'iu');
    compiled.set(key, re);
  }
  return re;
}

/** The pattern matches the entire value. */
export function globMatchesWhole(pattern: string, value: string): boolean {
  return regexFor('whole', pattern).test(value);
}

/** The pattern matches a substring that starts and ends at word boundaries (`content.body`). */
export function globMatchesWords(pattern: string, value: string): boolean {
  return regexFor('words', pattern).test(value);
}

/** `text` itself (no wildcards) appears between word boundaries: display names in bodies. */
export function containsWords(text: string, value: string): boolean {
  return regexFor('literal-words', text).test(value);
}

// Matrix canonical JSON (Appendices, "Signing JSON" > "Canonical JSON"): the shortest UTF-8 JSON
// encoding, object keys sorted by Unicode code point, numbers only integers in
// [-(2**53)+1, (2**53)-1] without exponents or decimal places, and never `-0`.
//
// The serialiser is hand-written because it sits under every hash and signature (≈5 µs for a
// 1 KB PDU). Strings go through JSON.stringify: for well-formed strings its escaping is exactly
// the grammar's (\b \t \n \f \r \" \\ and lowercase \u00XX for the other C0 controls; U+007F,
// U+2028, `/` and non-ASCII are written raw). Lone surrogates are refused: they have no UTF-8
// encoding, so the spec's Python reference (`.encode("UTF-8")`) fails on them too.

export class CanonicalJsonError extends Error {
  constructor(
    readonly reason: string,
    /** Where the offending value sits, e.g. `content.body[2]`; empty for the root. */
    readonly path = '',
  ) {
    super(path === '' ? reason : `${reason} at ${path}`);
    this.name = 'CanonicalJsonError';
  }
}

export interface CanonicalJsonOptions {
  /**
   * Room versions 1–5 "might not be fully compliant" and servers "SHOULD be capable of handling"
   * such JSON (Appendices, "Canonical JSON", warning). When true, floats and integers outside the
   * safe range are written (Python `repr` style, as the spec's reference encoder does) instead of
   * refused. NaN and Infinity are refused in every mode: JSON has no spelling for them.
   */
  readonly lenientNumbers?: boolean;
}

/** Canonical JSON of `value` as a string. Object members whose value is `undefined` are left out. */
export function canonicalJson(value: unknown, options?: CanonicalJsonOptions): string {
  const lenient = options?.lenientNumbers === true;
  try {
    return encode(value, lenient);
  } catch (err) {
    if (err instanceof CanonicalJsonError) throw locate(value, lenient) ?? err;
    throw err;
  }
}

/** Canonical JSON of `value` as UTF-8 bytes: what is hashed and signed. */
export function canonicalJsonBytes(value: unknown, options?: CanonicalJsonOptions): Uint8Array {
  return utf8.encode(canonicalJson(value, options));
}

// Stateless; exact because encode() refuses lone surrogates (TextEncoder would write U+FFFD).
const utf8 = new TextEncoder();

function encode(v: unknown, lenient: boolean): string {
  switch (typeof v) {
    case 'string':
      return encodeString(v);
    case 'number':
      return encodeNumber(v, lenient);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        const n = v.length;
        if (n === 0) return '[]';
        let s = `[${encode(v[0], lenient)}`;
        for (let i = 1; i < n; i++) s += `,${encode(v[i], lenient)}`;
        return `${s}]`;
      }
      return encodeObject(v as Record<string, unknown>, lenient);
    }
    default:
      throw new CanonicalJsonError(`a ${typeof v} cannot be encoded as JSON`);
  }
}

function encodeObject(o: Record<string, unknown>, lenient: boolean): string {
  const keys = Object.keys(o);
  const n = keys.length;
  // Keys are nearly always short printable ASCII: they need no escaping, and for them UTF-16 order
  // is code point order. Only otherwise take the general path.
  let plain = true;
  for (let i = 0; i < n; i++) {
    if (!PLAIN.test(keys[i] as string)) {
      plain = false;
      break;
    }
  }
  if (plain) sortCodeUnits(keys);
  else sortByCodePoint(keys);
  let s = '{';
  for (let i = 0; i < n; i++) {
    const k = keys[i] as string;
    const v = o[k];
    if (v === undefined) continue;
    if (s.length > 1) s += ',';
    s += (plain ? '"' + k + '"' : encodeString(k)) + ':' + encode(v, lenient);
  }
  return s + '}';
}

// Printable ASCII but `"` and `\`: written as is. JSON.stringify costs ~80 ns even on short keys.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function encodeString(s: string): string {
  if (PLAIN.test(s)) return '"' + s + '"';
  if (!s.isWellFormed()) throw new CanonicalJsonError('string contains a lone surrogate (not encodable as UTF-8)');
  return JSON.stringify(s);
}

function encodeNumber(n: number, lenient: boolean): string {
  // Number.isSafeInteger is exactly the range [-(2**53)+1, (2**53)-1]; `'' + -0` is "0".
  if (Number.isSafeInteger(n)) return `${n}`;
  if (!Number.isFinite(n)) throw new CanonicalJsonError(`${n} is not a JSON number`);
  if (!lenient) {
    throw new CanonicalJsonError(
      Number.isInteger(n) ? `integer ${n} is outside [-(2**53)+1, (2**53)-1]` : `float ${n} is not allowed`,
    );
  }
  return Number.isInteger(n) ? BigInt(n).toString() : pythonFloatRepr(n);
}

/** Python's float repr (shortest round-trip digits; exponent form below 1e-4 or from 1e16). */
function pythonFloatRepr(n: number): string {
  const [mantissa, expPart] = n.toExponential().split('e') as [string, string];
  const exp = Number(expPart);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let body: string;
  if (exp >= 16 || exp < -4) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length > exp + 1) {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  } else {
    body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  }
  return negative ? `-${body}` : body;
}

const ABOVE_D7FF = /[\uD800-\uFFFF]/;

/** Sorts by UTF-16 code unit: insertion sort for the usual handful of keys, the engine's otherwise. */
function sortCodeUnits(keys: string[]): void {
  const n = keys.length;
  if (n > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
}

/**
 * Sorts keys by Unicode code point. Array.prototype.sort compares UTF-16 code units, which gives
 * the same order unless a key holds a unit in U+D800–U+FFFF: a supplementary character (surrogate
 * pair, code point ≥ U+10000) must sort after U+E000–U+FFFF, but its units (D800–DFFF) sort before.
 */
export function sortByCodePoint(keys: string[]): string[] {
  sortCodeUnits(keys);
  for (let i = 0; i < keys.length; i++) {
    if (ABOVE_D7FF.test(keys[i] as string)) return keys.sort(compareCodePoints);
  }
  return keys;
}

/** Compares two strings by Unicode code point (negative, zero or positive, like `a - b`). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Move surrogates (D800–DFFF) above E000–FFFF; both kept in their own relative order.
      x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
      y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Slow path, only after a failure: walks the value again to name the path of the first bad value. */
function locate(value: unknown, lenient: boolean, path = ''): CanonicalJsonError | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = locate(value[i], lenient, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const k of sortByCodePoint(Object.keys(value))) {
      const child = `${path === '' ? '' : `${path}.`}${k}`;
      if (!k.isWellFormed()) return new CanonicalJsonError('key contains a lone surrogate', child);
      const v = (value as Record<string, unknown>)[k];
      const found = v === undefined ? undefined : locate(v, lenient, child);
      if (found) return found;
    }
    return undefined;
  }
  try {
    encode(value, lenient);
    return undefined;
  } catch (err) {
    return err instanceof CanonicalJsonError ? new CanonicalJsonError(err.reason, path) : undefined;
  }
}

// A JSON string token, or a JSON number token. Strings are matched so that digits inside them are
// skipped; the input is assumed to be JSON that JSON.parse accepts.
const TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/gs;

/**
 * Room versions 6+: "Servers MUST strictly enforce the JSON format specified in the appendices"
 * (rooms/v6, "Canonical JSON"). JSON.parse forgets how a number was written (`1.0`, `1e3`), so this
 * looks at the text: every number must be an integer in [-(2**53)+1, (2**53)-1] with no fraction or
 * exponent. Returns the reason of the first violation, or undefined.
 */
export function findNonCanonicalNumber(text: string): string | undefined {
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const tok = m[0];
    if (tok.charCodeAt(0) === 0x22) continue;
    if (tok.includes('.') || tok.includes('e') || tok.includes('E')) return `number ${tok} is not an integer`;
    // Any integer beyond 2**53-1 in magnitude parses to a double of at least 2**53.
    if (!Number.isSafeInteger(Number(tok))) return `integer ${tok} is outside [-(2**53)+1, (2**53)-1]`;
  }
  return undefined;
}

/** JSON.parse plus, when `strict`, the room v6+ number rules on the text. Throws CanonicalJsonError. */
export function parseJson(text: string, strict: boolean): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CanonicalJsonError(`not valid JSON: ${(err as Error).message}`);
  }
  if (strict) {
    const reason = findNonCanonicalNumber(text);
    if (reason !== undefined) throw new CanonicalJsonError(reason);
  }
  return value;
}

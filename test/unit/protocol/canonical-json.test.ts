// Appendices, "Signing JSON" > "Canonical JSON" (grammar, examples) and rooms/v6 "Canonical JSON".
import { describe, expect, test } from 'bun:test';
import {
  CanonicalJsonError,
  canonicalJson,
  canonicalJsonBytes,
  compareCodePoints,
  findNonCanonicalNumber,
  parseJson,
} from '../../../src/protocol/canonical-json.ts';
import { randomJson, rng } from './random-json.ts';

describe('Appendices "Canonical JSON" > "Examples"', () => {
  const examples: [string, string][] = [
    ['{}', '{}'],
    ['{\n    "one": 1,\n    "two": "Two"\n}', '{"one":1,"two":"Two"}'],
    ['{\n    "b": "2",\n    "a": "1"\n}', '{"a":"1","b":"2"}'],
    ['{"b":"2","a":"1"}', '{"a":"1","b":"2"}'],
    [
      '{"auth":{"success":true,"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"medium":"email","address":"john.doe@example.org"},{"medium":"msisdn","address":"123456789"}]}}}',
      '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}',
    ],
    ['{"a": "日本語"}', '{"a":"日本語"}'],
    ['{"本": 2, "日": 1}', '{"日":1,"本":2}'],
    ['{"a": "\\u65E5"}', '{"a":"日"}'],
    ['{"a": null}', '{"a":null}'],
    ['{"a": -0, "b": 1e10}', '{"a":0,"b":10000000000}'],
  ];
  for (const [input, expected] of examples) {
    test(`${input.replace(/\s+/g, ' ').slice(0, 40)} -> ${expected.slice(0, 40)}`, () => {
      expect(canonicalJson(JSON.parse(input))).toBe(expected);
    });
  }
});

describe('key order: "lexicographically sorted by Unicode codepoint"', () => {
  test('a key above U+FFFF sorts after U+E000–U+FFFF (UTF-16 order would put it first)', () => {
    const value = { '\u{10000}': 1, '\uffff': 2, '\ue000': 3, a: 4 };
    expect(canonicalJson(value)).toBe('{"a":4,"\ue000":3,"\uffff":2,"\u{10000}":1}');
    expect(Object.keys(value).sort()).toEqual(['a', '\u{10000}', '\ue000', '\uffff']); // what plain sort does
  });
  test('emoji against a private-use character and against each other', () => {
    expect(canonicalJson({ '😀': 1, '\uf8ff': 2, '😁': 3 })).toBe('{"\uf8ff":2,"😀":1,"😁":3}');
  });
  test('keys that differ only in the low surrogate keep code point order', () => {
    expect(canonicalJson({ 'x\u{1F601}': 1, 'x\u{1F600}': 2 })).toBe('{"x\u{1F600}":2,"x\u{1F601}":1}');
  });
  test('a prefix sorts first; integer-like keys sort as strings', () => {
    expect(canonicalJson({ ab: 1, a: 2, '': 3 })).toBe('{"":3,"a":2,"ab":1}');
    expect(canonicalJson({ 9: 'x', 10: 'y', a: 'z' })).toBe('{"10":"y","9":"x","a":"z"}');
  });
  test('compareCodePoints agrees with comparing code point arrays', () => {
    const next = rng(7);
    const alphabet = ['a', 'z', '\u00e9', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1F600}', '\u{10FFFF}'];
    const pick = () => Array.from({ length: 1 + Math.floor(next() * 4) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const byArrays = (a: string, b: string) => {
      const x = Array.from(a, (c) => c.codePointAt(0) as number);
      const y = Array.from(b, (c) => c.codePointAt(0) as number);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
      return x.length - y.length;
    };
    for (let i = 0; i < 2000; i++) {
      const a = pick();
      const b = pick();
      expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(byArrays(a, b)));
    }
  });
});

describe('strings: only the escapes of the grammar', () => {
  test('the seven short escapes', () => {
    expect(canonicalJson('\b\t\n\f\r"\\')).toBe('"\\b\\t\\n\\f\\r\\"\\\\"');
  });
  test('other C0 controls are \\u00XX with lowercase hex', () => {
    expect(canonicalJson('\u0000\u0001\u000b\u000e\u001f')).toBe('"\\u0000\\u0001\\u000b\\u000e\\u001f"');
  });
  test('U+007F, U+2028, U+2029, "/" and non-ASCII are written raw', () => {
    expect(canonicalJson('\u007f\u2028\u2029/é😀')).toBe('"\u007f\u2028\u2029/é😀"');
  });
  test('bytes are UTF-8: 4 bytes for a character above U+FFFF', () => {
    expect([...canonicalJsonBytes('😀')]).toEqual([0x22, 0xf0, 0x9f, 0x98, 0x80, 0x22]);
    expect(new TextDecoder().decode(canonicalJsonBytes({ b: 'é', a: [1] }))).toBe('{"a":[1],"b":"é"}');
  });
  test('a lone surrogate has no UTF-8 form and is refused, with its path', () => {
    expect(() => canonicalJson({ a: ['ok', 'x\ud800'] })).toThrow(new CanonicalJsonError('string contains a lone surrogate (not encodable as UTF-8)', 'a[1]'));
    expect(() => canonicalJson({ '\udc00': 1 })).toThrow(CanonicalJsonError);
  });
});

describe('numbers: integers in [-(2**53)+1, (2**53)-1], no -0, no fraction or exponent', () => {
  test('the range boundaries', () => {
    expect(canonicalJson([2 ** 53 - 1, -(2 ** 53) + 1, 0])).toBe('[9007199254740991,-9007199254740991,0]');
    expect(() => canonicalJson(2 ** 53)).toThrow('outside');
    expect(() => canonicalJson(-(2 ** 53))).toThrow('outside');
  });
  test('-0 is written 0; 1e10 is the integer 10000000000', () => {
    expect(canonicalJson({ a: -0 })).toBe('{"a":0}');
    expect(canonicalJson(1e10)).toBe('10000000000');
  });
  test('floats, NaN and Infinity are refused, with the path', () => {
    expect(() => canonicalJson({ content: { list: [1, 1.5] } })).toThrow(new CanonicalJsonError('float 1.5 is not allowed', 'content.list[1]'));
    expect(() => canonicalJson(Number.NaN)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(Number.POSITIVE_INFINITY, { lenientNumbers: true })).toThrow(CanonicalJsonError);
  });
  test('lenient mode (room versions 1–5): large integers exactly, floats like Python repr', () => {
    const lenient = { lenientNumbers: true };
    expect(canonicalJson(2 ** 53, lenient)).toBe('9007199254740992');
    expect(canonicalJson(-(2 ** 63), lenient)).toBe('-9223372036854775808');
    expect(canonicalJson(1e22, lenient)).toBe('10000000000000000000000');
    const floats: [number, string][] = [
      [1.5, '1.5'],
      [0.1, '0.1'],
      [-0.5, '-0.5'],
      [123.456, '123.456'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1.5e-7, '1.5e-07'],
      [1234567890123.5, '1234567890123.5'],
      [5e-324, '5e-324'],
    ];
    for (const [n, repr] of floats) expect(canonicalJson(n, lenient)).toBe(repr);
  });
});

describe('other values', () => {
  test('empty and nested empty containers', () => {
    expect(canonicalJson({ a: {}, b: [], c: [{}, []] })).toBe('{"a":{},"b":[],"c":[{},[]]}');
    expect(canonicalJson([])).toBe('[]');
  });
  test('"__proto__" is an ordinary key', () => {
    expect(canonicalJson(JSON.parse('{"b":1,"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1},"b":1}');
  });
  test('true, false, null at the top level', () => {
    expect(canonicalJson([true, false, null])).toBe('[true,false,null]');
  });
  test('object members that are undefined are left out; undefined elsewhere is refused', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson([undefined])).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow('function');
    expect(() => canonicalJson({ n: 1n })).toThrow('bigint');
  });
});

describe('round trips over random JSON (property)', () => {
  const next = rng(42);
  test('parse(canonical(x)) deep-equals x, canonical is idempotent, and matches an independent encoder', () => {
    for (let i = 0; i < 500; i++) {
      const value = randomJson(next, 4);
      const text = canonicalJson(value);
      const parsed = JSON.parse(text);
      expect(parsed).toEqual(value);
      expect(canonicalJson(parsed)).toBe(text);
      expect(text).toBe(referenceEncode(value));
      expect(findNonCanonicalNumber(text)).toBeUndefined();
    }
  });
});

/** An independent encoder: sorts by explicit code point arrays and relies on JSON.stringify. */
function referenceEncode(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(referenceEncode).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v).sort((a, b) => {
      const x = [...a].map((c) => c.codePointAt(0) as number);
      const y = [...b].map((c) => c.codePointAt(0) as number);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
      return x.length - y.length;
    });
    return `{${keys.map((k) => `${JSON.stringify(k)}:${referenceEncode((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

describe('rooms/v6 "Canonical JSON": strict checks on received text', () => {
  test('fractions, exponents and out-of-range integers are found', () => {
    expect(findNonCanonicalNumber('{"a":1.0}')).toBe('number 1.0 is not an integer');
    expect(findNonCanonicalNumber('{"a":1e3}')).toBe('number 1e3 is not an integer');
    expect(findNonCanonicalNumber('[1E+2]')).toBe('number 1E+2 is not an integer');
    expect(findNonCanonicalNumber('{"a":9007199254740992}')).toContain('outside');
    expect(findNonCanonicalNumber('{"a":-9007199254740992}')).toContain('outside');
    expect(findNonCanonicalNumber('{"a": 123456789012345678901234567890}')).toContain('outside');
  });
  test('numbers at the limits, -0, and digits inside strings pass', () => {
    expect(findNonCanonicalNumber('{"a":9007199254740991,"b":-9007199254740991,"c":-0}')).toBeUndefined();
    expect(findNonCanonicalNumber('{"1.5":"2.5e9","x":"a\\"1.5"}')).toBeUndefined();
  });
  test('an escaped backslash before a closing quote does not hide the next number', () => {
    expect(findNonCanonicalNumber('{"k":"x\\\\","n":1.5}')).toBe('number 1.5 is not an integer');
  });
  test('parseJson: strict refuses, lenient accepts; bad JSON is an error either way', () => {
    expect(() => parseJson('{"a":1.0}', true)).toThrow(CanonicalJsonError);
    expect(parseJson('{"a":1.0}', false)).toEqual({ a: 1 });
    expect(() => parseJson('{"a":', false)).toThrow('not valid JSON');
  });
});

// Appendices, "Unpadded Base64" and "URL-safe unpadded Base64".
import { describe, expect, test } from 'bun:test';
import {
  Base64Error,
  decodeBase64,
  decodeBase64Url,
  encodeBase64,
  encodeBase64Url,
  tryDecodeBase64,
  tryDecodeBase64Url,
} from '../../../src/protocol/base64.ts';
import { rng } from './random-json.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('Appendices "Unpadded Base64" examples', () => {
  const examples: [string, string][] = [
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ];
  for (const [plain, encoded] of examples) {
    test(`UNPADDED_BASE64("${plain}") = "${encoded}"`, () => {
      expect(encodeBase64(utf8(plain))).toBe(encoded);
      expect(decodeBase64(encoded)).toEqual(utf8(plain));
    });
  }
});

describe('alphabets', () => {
  const bytes = new Uint8Array([0xfb, 0xff, 0xbf, 0x00]);
  test('standard uses + and /; URL-safe uses - and _ (RFC 4648 section 5)', () => {
    expect(encodeBase64(bytes)).toBe('+/+/AA');
    expect(encodeBase64Url(bytes)).toBe('-_-_AA');
    expect(decodeBase64Url('-_-_AA')).toEqual(bytes);
  });
  test('each decoder refuses the other alphabet', () => {
    expect(tryDecodeBase64('-_-_AA')).toBeUndefined();
    expect(tryDecodeBase64Url('+/+/AA')).toBeUndefined();
  });
  test('encoding a view of a larger buffer encodes only the view', () => {
    const big = new Uint8Array([1, 2, 3, 102, 111, 111, 9]);
    expect(encodeBase64(big.subarray(3, 6))).toBe('Zm9v');
  });
});

describe('"implementations SHOULD accept input with or without padding"', () => {
  test('padded input decodes like unpadded', () => {
    expect(decodeBase64('Zg==')).toEqual(utf8('f'));
    expect(decodeBase64('Zm8=')).toEqual(utf8('fo'));
    expect(decodeBase64Url('Zm8=')).toEqual(utf8('fo'));
  });
  test('wrong or misplaced padding, bad characters, whitespace and impossible lengths are refused', () => {
    for (const bad of ['Zg=', 'Zm8==', 'Z', 'Zm9vY', '=Zg', 'Zg==Zg', 'Zm 9v', 'Zm9v\n', 'Zm9v!', 'Zm9v===', '=']) {
      expect(tryDecodeBase64(bad)).toBeUndefined();
    }
    expect(() => decodeBase64('Z')).toThrow(Base64Error);
    expect(() => decodeBase64Url('a+')).toThrow(Base64Error);
  });
});

test('round trip of random byte strings, both alphabets (property)', () => {
  const next = rng(3);
  for (let i = 0; i < 300; i++) {
    const bytes = Uint8Array.from({ length: Math.floor(next() * 70) }, () => Math.floor(next() * 256));
    const std = encodeBase64(bytes);
    const url = encodeBase64Url(bytes);
    expect(std).not.toContain('=');
    expect(url).toMatch(/^[A-Za-z0-9_-]*$/);
    expect(decodeBase64(std)).toEqual(bytes);
    expect(decodeBase64Url(url)).toEqual(bytes);
    expect(decodeBase64(Buffer.from(bytes).toString('base64'))).toEqual(bytes); // padded form
  }
});

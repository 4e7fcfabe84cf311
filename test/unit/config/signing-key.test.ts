// The signing key file: Dendrite's MATRIX PRIVATE KEY PEM, its key-ID rule, and the lenient forms
// we also read. Key IDs follow the Server-Server API key definitions (keys.yaml: the version part
// matches [a-zA-Z0-9_]); the key itself is ed25519 as in Appendices, "Signing JSON".
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatSigningKey,
  generateSigningKey,
  keyIdForSeed,
  parseSigningKey,
  publicKeyOf,
  readSigningKey,
} from '../../../src/config/signing-key.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const seq = Uint8Array.from({ length: 32 }, (_, i) => i);

describe('signing key file (Appendices, "Signing JSON"; Server-Server keys.yaml key IDs)', () => {
  test('a generated key survives format -> parse, with the same seed and ID', () => {
    const key = generateSigningKey();
    expect(key.seed.length).toBe(32);
    const back = parseSigningKey(formatSigningKey(key.keyId, key.seed));
    expect(back.keyId).toBe(key.keyId);
    expect(Buffer.from(back.seed).equals(Buffer.from(key.seed))).toBe(true);
  });

  test('the file is exactly Dendrite\'s PEM layout', () => {
    expect(formatSigningKey('ed25519:AAECAw', seq)).toBe(
      '-----BEGIN MATRIX PRIVATE KEY-----\nKey-ID: ed25519:AAECAw\n\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n-----END MATRIX PRIVATE KEY-----\n',
    );
  });

  test('key ID: first 6 chars of the unpadded URL-safe base64 of the seed, without - and _', () => {
    expect(keyIdForSeed(seq)).toBe('ed25519:AAECAw');
    // fb ef be encodes as "----" in URL-safe base64: those are dropped before taking 6 characters.
    const dashes = new Uint8Array(32);
    dashes.set([0xfb, 0xef, 0xbe, 0xfb, 0xef, 0xbe]);
    expect(keyIdForSeed(dashes)).toBe('ed25519:AAAAAA');
    // ff ff ff encodes as "____", and 11 11 11 as "ERER".
    const underscores = new Uint8Array(32).fill(0x11);
    underscores.set([0xff, 0xff, 0xff]);
    expect(keyIdForSeed(underscores)).toBe('ed25519:ERERER');
    for (let i = 0; i < 50; i++) expect(generateSigningKey().keyId).toMatch(/^ed25519:[a-zA-Z0-9]{6}$/);
  });

  test("reads the key SyTest's runner writes (Perl encode_base64, Key-ID ed25519:sytest0)", () => {
    const pem = `-----BEGIN MATRIX PRIVATE KEY-----\nKey-ID: ed25519:sytest0\n\n${Buffer.from(seq).toString('base64')}\n-----END MATRIX PRIVATE KEY-----\n`;
    const key = parseSigningKey(pem);
    expect(key.keyId).toBe('ed25519:sytest0');
    expect(Array.from(key.seed)).toEqual(Array.from(seq));
  });

  test('skips other PEM blocks and reads CRLF files', () => {
    const pem = formatSigningKey('ed25519:abc', seq).replace(/\n/g, '\r\n');
    const other = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(parseSigningKey(other + pem).keyId).toBe('ed25519:abc');
  });

  test('public key of RFC 8032 test vector 1', () => {
    const seed = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    expect(Buffer.from(publicKeyOf(seed)).toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  });

  test('a 64-byte body (seed + public key) is read; a wrong public half is refused', () => {
    const body = Buffer.concat([seq, publicKeyOf(seq)]).toString('base64');
    const pem = (b: string) => `-----BEGIN MATRIX PRIVATE KEY-----\nKey-ID: ed25519:x\n\n${b}\n-----END MATRIX PRIVATE KEY-----\n`;
    expect(Array.from(parseSigningKey(pem(body)).seed)).toEqual(Array.from(seq));
    const wrong = Buffer.concat([seq, new Uint8Array(32)]).toString('base64');
    expect(() => parseSigningKey(pem(wrong), 'k.pem')).toThrow('k.pem: the 64-byte key');
  });

  test("Synapse's `ed25519 <version> <unpadded base64>` line is read", () => {
    const line = `ed25519 a_RXGa ${Buffer.from(seq).toString('base64').replace(/=+$/, '')}\n`;
    const key = parseSigningKey(line);
    expect(key.keyId).toBe('ed25519:a_RXGa');
    expect(Array.from(key.seed)).toEqual(Array.from(seq));
  });

  test.each([
    ['no block at all', 'hello', 'no "-----BEGIN MATRIX PRIVATE KEY-----" block'],
    ['no Key-ID header', `-----BEGIN MATRIX PRIVATE KEY-----\n${Buffer.from(seq).toString('base64')}\n-----END MATRIX PRIVATE KEY-----\n`, 'no "Key-ID'],
    ['a bad key ID', formatSigningKey('ed25519:ok', seq).replace('ed25519:ok', 'ed25519:no-dash'), 'is not of the form'],
    ['a body that is not base64', formatSigningKey('ed25519:ok', seq).replace(/\n\n.*\n/, '\n\n***\n'), 'not base64'],
    ['a 16-byte body', formatSigningKey('ed25519:ok', seq).replace(/\n\n.*\n/, `\n\n${Buffer.alloc(16).toString('base64')}\n`), '16 bytes'],
  ])('refuses %s, naming the file', (_, text, message) => {
    expect(() => parseSigningKey(text, '/x/matrix_key.pem')).toThrow(message);
    expect(() => parseSigningKey(text, '/x/matrix_key.pem')).toThrow('/x/matrix_key.pem');
  });

  test('readSigningKey reads a file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sk-')), 'matrix_key.pem');
    writeFileSync(path, formatSigningKey('ed25519:file1', seq));
    expect(readSigningKey(path).keyId).toBe('ed25519:file1');
  });
});

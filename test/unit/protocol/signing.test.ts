// Appendices, "Signing JSON" ("Signing Details", "Checking for a Signature") and "Cryptographic
// Test Vectors", against both ed25519 implementations.
import { describe, expect, test } from 'bun:test';
import * as ed from '@noble/ed25519';
import { decodeBase64, encodeBase64 } from '../../../src/protocol/base64.ts';
import {
  checkJsonSignatures,
  decodePublicKey,
  decodeSeed,
  ed25519KeyId,
  encodePublicKey,
  generateKeyVersion,
  generateSeed,
  isEd25519KeyId,
  nativeEd25519,
  nobleEd25519,
  parseKeyId,
  signJson,
  signingBytes,
  verifyJsonSignature,
  type Ed25519,
} from '../../../src/protocol/signing/index.ts';
import { isWeakPoint, SMALL_ORDER_Y } from '../../../src/protocol/signing/weak-points.ts';
import { rng } from './random-json.ts';

// "Cryptographic Test Vectors" > "Signing Key": SERVER_NAME "domain", KEY_ID "ed25519:1".
const SEED = decodeBase64('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1');
const KEY_ID = 'ed25519:1';
const IMPLEMENTATIONS: Ed25519[] = [nativeEd25519, nobleEd25519];
const msg = (s: string) => new TextEncoder().encode(s);

for (const impl of IMPLEMENTATIONS) {
  describe(`${impl.name} ed25519`, () => {
    const signer = impl.signer(SEED);

    test('"JSON Signing" vector: the empty object', () => {
      expect(signJson({}, 'domain', KEY_ID, signer)).toEqual({
        signatures: {
          domain: { 'ed25519:1': 'K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ' },
        },
      });
    });

    test('"JSON Signing" vector: an object with data values', () => {
      expect(signJson({ one: 1, two: 'Two' }, 'domain', KEY_ID, signer)).toEqual({
        one: 1,
        signatures: {
          domain: { 'ed25519:1': 'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw' },
        },
        two: 'Two',
      });
    });

    test('"unsigned" and existing signatures are kept and not covered', () => {
      const original = { a: 1, unsigned: { age_ts: 5 }, signatures: { other: { 'ed25519:x': 'sig' } } };
      const signed = signJson(original, 'domain', KEY_ID, signer);
      expect(signed.unsigned).toEqual({ age_ts: 5 });
      expect(signed.signatures.other).toEqual({ 'ed25519:x': 'sig' });
      expect(original.signatures).toEqual({ other: { 'ed25519:x': 'sig' } }); // input not changed
      // Same signature as the bare object: neither `unsigned` nor `signatures` is signed.
      expect(signed.signatures.domain).toEqual(signJson({ a: 1 }, 'domain', KEY_ID, signer).signatures.domain);
      const changed = { ...signed, unsigned: { age_ts: 999 } };
      expect(verifyJsonSignature(changed, 'domain', KEY_ID, signer.publicKey, { verifier: impl })).toBe(true);
    });

    test('verifyJsonSignature accepts the right key and refuses any change', () => {
      const signed = signJson({ one: 1, two: 'Two' }, 'domain', KEY_ID, signer);
      const pub = encodePublicKey(signer.publicKey);
      const opts = { verifier: impl };
      expect(verifyJsonSignature(signed, 'domain', KEY_ID, pub, opts)).toBe(true);
      expect(verifyJsonSignature({ ...signed, one: 2 }, 'domain', KEY_ID, pub, opts)).toBe(false);
      expect(verifyJsonSignature({ ...signed, three: 3 }, 'domain', KEY_ID, pub, opts)).toBe(false);
      expect(verifyJsonSignature(signed, 'other', KEY_ID, pub, opts)).toBe(false);
      expect(verifyJsonSignature(signed, 'domain', 'ed25519:2', pub, opts)).toBe(false);
      expect(verifyJsonSignature(signed, 'domain', KEY_ID, impl.signer(new Uint8Array(32)).publicKey, opts)).toBe(false);
      const garbled = { ...signed, signatures: { domain: { [KEY_ID]: 'not base64!' } } };
      expect(verifyJsonSignature(garbled, 'domain', KEY_ID, pub, opts)).toBe(false);
    });

    test('refuses wrong lengths, s + L (malleability) and weak points, as libsodium does', () => {
      const m = msg('hello');
      const sig = signer.sign(m);
      expect(impl.verify(signer.publicKey, m, sig)).toBe(true);
      expect(impl.verify(signer.publicKey, m, sig.subarray(0, 63))).toBe(false);
      expect(impl.verify(signer.publicKey.subarray(1), m, sig)).toBe(false);
      expect(impl.verify(signer.publicKey, m, addGroupOrder(sig))).toBe(false);
      // Identity key, R = identity, s = 0: "valid" for every message unless weak points are refused.
      const identity = new Uint8Array(32);
      identity[0] = 1;
      const trivial = new Uint8Array(64);
      trivial[0] = 1;
      expect(impl.verify(identity, m, trivial)).toBe(false);
    });
  });
}

describe('both implementations agree', () => {
  test('the same seed gives the same public key and signatures; each verifies the other', () => {
    const next = rng(11);
    for (let i = 0; i < 25; i++) {
      const seed = Uint8Array.from({ length: 32 }, () => Math.floor(next() * 256));
      const message = Uint8Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256));
      const a = nativeEd25519.signer(seed);
      const b = nobleEd25519.signer(seed);
      expect(a.publicKey).toEqual(b.publicKey);
      const sa = a.sign(message);
      const sb = b.sign(message);
      expect(sa).toEqual(sb);
      expect(nobleEd25519.verify(a.publicKey, message, sa)).toBe(true);
      expect(nativeEd25519.verify(b.publicKey, message, sb)).toBe(true);
      const flipped = Uint8Array.from(sa);
      flipped[Math.floor(next() * 64)] ^= 1 << Math.floor(next() * 8);
      expect(nativeEd25519.verify(a.publicKey, message, flipped)).toBe(nobleEd25519.verify(a.publicKey, message, flipped));
    }
  });
  test('seeds must be 32 bytes', () => {
    for (const impl of IMPLEMENTATIONS) expect(() => impl.signer(new Uint8Array(31))).toThrow(RangeError);
  });
});

describe('weak points (libsodium crypto_sign_verify_detached)', () => {
  test('every listed y, with either sign bit, decodes to a point of small order', () => {
    for (const y of SMALL_ORDER_Y) {
      for (const sign of [0, 0x80]) {
        const bytes = Uint8Array.from(y);
        bytes[31] = (bytes[31] as number) | sign;
        expect(ed.Point.fromBytes(bytes, true).isSmallOrder()).toBe(true);
        expect(isWeakPoint(bytes)).toBe(true);
      }
    }
  });
  test('non-canonical y (≥ 2^255 - 19) is weak; ordinary public keys are not', () => {
    const p = Buffer.from('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'hex');
    expect(isWeakPoint(p)).toBe(true);
    expect(isWeakPoint(Buffer.from('feffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', 'hex'))).toBe(true);
    expect(isWeakPoint(nativeEd25519.signer(SEED).publicKey)).toBe(false);
    expect(isWeakPoint(Buffer.from('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff3f', 'hex'))).toBe(false);
  });
});

describe('"Checking for a Signature"', () => {
  const signer = nativeEd25519.signer(SEED);
  const pub = encodePublicKey(signer.publicKey);
  const signed = signJson({ a: 1 }, 'domain', KEY_ID, signer);
  test('1. the entity must have an entry', () => {
    expect(checkJsonSignatures(signed, 'elsewhere', () => pub)).toEqual({ ok: false, reason: 'not signed by elsewhere' });
  });
  test('2. algorithms we do not understand are dropped', () => {
    const other = { a: 1, signatures: { domain: { 'curve25519:1': 'x' } } };
    expect(checkJsonSignatures(other, 'domain', () => pub)).toEqual({ ok: false, reason: 'no ed25519 signature from domain' });
  });
  test('3. unknown keys are skipped, but one known key is needed', () => {
    expect(checkJsonSignatures(signed, 'domain', () => undefined).ok).toBe(false);
    const twoKeys = signJson(signed, 'domain', 'ed25519:2', nativeEd25519.signer(new Uint8Array(32).fill(9)));
    const lookup = (keyId: string) => (keyId === KEY_ID ? pub : undefined);
    expect(checkJsonSignatures(twoKeys, 'domain', lookup)).toEqual({ ok: true, keyIds: [KEY_ID] });
  });
  test('4. bad base64 fails; 7. a bad signature from a known key fails', () => {
    const bad = { ...signed, signatures: { domain: { [KEY_ID]: '!!' } } };
    expect(checkJsonSignatures(bad, 'domain', () => pub).ok).toBe(false);
    const wrong = checkJsonSignatures({ ...signed, a: 2 }, 'domain', () => pub);
    expect(wrong).toEqual({ ok: false, reason: 'signature domain ed25519:1 does not verify' });
  });
  test('signing bytes leave out signatures and unsigned', () => {
    expect(new TextDecoder().decode(signingBytes({ b: 1, unsigned: { x: 1 }, signatures: {}, a: 'é' }))).toBe('{"a":"é","b":1}');
  });
});

describe('keys', () => {
  test('key IDs: algorithm:version with version of [a-zA-Z0-9_]', () => {
    expect(parseKeyId('ed25519:a_bcD9')).toEqual({ ok: true, value: { algorithm: 'ed25519', version: 'a_bcD9' } });
    expect(parseKeyId('ed25519:a-b').ok).toBe(false);
    expect(parseKeyId('ed25519').ok).toBe(false);
    expect(isEd25519KeyId('ed25519:1')).toBe(true);
    expect(isEd25519KeyId('curve25519:1')).toBe(false);
    expect(ed25519KeyId('auto')).toBe('ed25519:auto');
    expect(() => ed25519KeyId('a:b')).toThrow(RangeError);
    expect(generateKeyVersion(8)).toMatch(/^[a-zA-Z0-9_]{8}$/);
  });
  test('public keys and seeds as unpadded base64', () => {
    const seed = generateSeed();
    expect(seed.length).toBe(32);
    expect(decodeSeed(encodeBase64(seed))).toEqual(seed);
    expect(() => decodeSeed('AAAA')).toThrow(RangeError);
    const publicKey = nativeEd25519.signer(seed).publicKey;
    const text = encodePublicKey(publicKey);
    expect(text).toMatch(/^[A-Za-z0-9+/]{43}$/);
    expect(decodePublicKey(text)).toEqual(publicKey);
    expect(decodePublicKey('AAAA')).toBeUndefined();
  });
});

/** The signature with the group order L added to s: the same point equation, a different encoding. */
function addGroupOrder(sig: Uint8Array): Uint8Array {
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i] as number);
  s += L;
  const out = Uint8Array.from(sig);
  for (let i = 32; i < 64; i++) {
    out[i] = Number(s & 0xffn);
    s >>= 8n;
  }
  return out;
}

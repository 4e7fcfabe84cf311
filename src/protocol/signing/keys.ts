// Signing key identifiers and key material. A key ID is `<algorithm>:<version>`, e.g.
// `ed25519:a_bcd`; "The version must have characters matching the regular expression
// [a-zA-Z0-9_]" (Server-Server API, GET /_matrix/key/v2/server, `verify_keys`). Public keys and
// seeds travel as unpadded base64 (Appendices, "Binary data").

import { encodeBase64, tryDecodeBase64 } from '../base64.ts';
import { ED25519 } from '../constants.ts';
import type { Parsed } from '../identifiers.ts';
import { PUBLIC_KEY_BYTES, SEED_BYTES } from './types.ts';

export interface KeyId {
  readonly algorithm: string;
  readonly version: string;
}

const KEY_ID = /^([A-Za-z0-9_]+):([a-zA-Z0-9_]+)$/;

export function parseKeyId(keyId: string): Parsed<KeyId> {
  const m = KEY_ID.exec(keyId);
  if (!m) return { ok: false, reason: 'key ID must be "<algorithm>:<version>" with version of [a-zA-Z0-9_]' };
  return { ok: true, value: { algorithm: m[1] as string, version: m[2] as string } };
}

/** True for `ed25519:<version>`, the only algorithm we can check. */
export function isEd25519KeyId(keyId: string): boolean {
  const parsed = parseKeyId(keyId);
  return parsed.ok && parsed.value.algorithm === ED25519;
}

/** `ed25519:<version>`. Throws on a version outside [a-zA-Z0-9_]. */
export function ed25519KeyId(version: string): string {
  const keyId = `${ED25519}:${version}`;
  if (!parseKeyId(keyId).ok) throw new RangeError(`invalid key version ${JSON.stringify(version)}`);
  return keyId;
}

/** A fresh random 32-byte ed25519 seed. */
export function generateSeed(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SEED_BYTES));
}

/** A fresh key version of `length` characters from [a-zA-Z0-9_] (e.g. for `ed25519:<version>`). */
export function generateKeyVersion(length = 6): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
  const random = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of random) out += alphabet[b % alphabet.length];
  return out;
}

/** Unpadded base64 of a raw public key, as published in `verify_keys`. */
export const encodePublicKey = (publicKey: Uint8Array): string => encodeBase64(publicKey);

/** A 32-byte public key from (padded or unpadded) base64, or undefined if it is not one. */
export function decodePublicKey(text: string): Uint8Array | undefined {
  const bytes = tryDecodeBase64(text);
  return bytes !== undefined && bytes.length === PUBLIC_KEY_BYTES ? bytes : undefined;
}

/** A 32-byte seed from (padded or unpadded) base64. Throws if it is not one. */
export function decodeSeed(text: string): Uint8Array {
  const bytes = tryDecodeBase64(text);
  if (bytes === undefined || bytes.length !== SEED_BYTES) throw new RangeError('an ed25519 seed is 32 bytes of base64');
  return bytes;
}

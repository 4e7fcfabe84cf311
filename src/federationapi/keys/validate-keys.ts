// Checking a keys response before trusting it (Server-Server API, "Retrieving server keys"): it
// must be about the server we asked for, list its keys in the documented shape, and be signed by
// each of its current verify_keys (a response a key did not sign proves nothing about that key).
// Through a notary it must also carry the notary's signature by one of the keys configured for
// it in federation_api.key_perspectives.
import { decodePublicKey, isEd25519KeyId, parseKeyId } from '../../protocol/signing/keys.ts';
import { verifyJsonSignature } from '../../protocol/signing/sign-json.ts';
import type { ServerKeyRow } from '../storage/server-keys.ts';

export class InvalidKeysError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidKeysError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The rows a valid response yields for `serverName`: its verify_keys and old_verify_keys.
 * Throws InvalidKeysError when the response is malformed, about another server, or not self-signed.
 */
export function keysFromResponse(json: unknown, serverName: string, fetchedTs: number): ServerKeyRow[] {
  if (!isObject(json)) throw new InvalidKeysError('keys response is not an object');
  if (json.server_name !== serverName) throw new InvalidKeysError(`keys response is for ${String(json.server_name)}, not ${serverName}`);
  const validUntil = json.valid_until_ts;
  if (typeof validUntil !== 'number' || !Number.isSafeInteger(validUntil)) throw new InvalidKeysError('valid_until_ts is not an integer');
  if (!isObject(json.verify_keys)) throw new InvalidKeysError('verify_keys is not an object');
  const keyJson = JSON.stringify(json);
  const rows: ServerKeyRow[] = [];
  for (const [keyId, entry] of Object.entries(json.verify_keys)) {
    if (!parseKeyId(keyId).ok || !isObject(entry) || typeof entry.key !== 'string') {
      throw new InvalidKeysError(`verify_keys.${keyId} is malformed`);
    }
    if (!isEd25519KeyId(keyId)) continue;
    if (decodePublicKey(entry.key) === undefined) throw new InvalidKeysError(`verify_keys.${keyId} is not a 32-byte key`);
    if (!verifyJsonSignature(json, serverName, keyId, entry.key)) {
      throw new InvalidKeysError(`keys response is not signed by ${serverName}'s ${keyId}`);
    }
    rows.push({ serverName, keyId, publicKey: entry.key, validUntilTs: validUntil, expiredTs: null, fetchedTs, keyJson });
  }
  if (rows.length === 0) throw new InvalidKeysError('keys response lists no ed25519 verify key');
  const old = json.old_verify_keys;
  if (isObject(old)) {
    for (const [keyId, entry] of Object.entries(old)) {
      if (!isEd25519KeyId(keyId) || !isObject(entry) || typeof entry.key !== 'string' || typeof entry.expired_ts !== 'number') continue;
      if (decodePublicKey(entry.key) === undefined || json.verify_keys[keyId] !== undefined) continue;
      rows.push({ serverName, keyId, publicKey: entry.key, validUntilTs: validUntil, expiredTs: entry.expired_ts, fetchedTs, keyJson });
    }
  }
  return rows;
}

/** Whether a notary's copy carries its signature by one of the keys we trust for it. */
export function signedByNotary(json: object, notary: string, trusted: readonly { key_id: string; public_key: string }[]): boolean {
  return trusted.some((k) => verifyJsonSignature(json, notary, k.key_id, k.public_key));
}

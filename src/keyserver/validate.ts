// Checks of uploaded key material. Everything is checked before anything is stored, so a request
// with one bad key stores nothing. Wrong JSON types answer M_BAD_JSON (SyTest "Rejects invalid
// device keys" expects it for missing fields too), malformed identifiers or key bytes
// M_INVALID_PARAM, and a signature that does not verify M_INVALID_SIGNATURE.
import { MatrixError, badJson, invalidParam } from '../http/errors.ts';
import { tryDecodeBase64 } from '../protocol/base64.ts';
import { CanonicalJsonError, canonicalJson } from '../protocol/canonical-json.ts';
import { SIGNATURE_BYTES, nativeEd25519, signingBytes } from '../protocol/signing/index.ts';
import type { CrossSigningKeyJson, DeviceKeysJson } from './api.ts';
import { KeyAlgorithm } from './constants.ts';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const invalidSignature = (msg: string) => new MatrixError('M_INVALID_SIGNATURE', msg);

/** Canonical JSON of a value from a request; floats and the like are the client's JSON error. */
export function canonical(value: unknown, where: string): string {
  try {
    return canonicalJson(value);
  } catch (err) {
    if (err instanceof CanonicalJsonError) throw badJson(`${where}: ${err.message}`);
    throw err;
  }
}

/** True when `text` is (padded or unpadded) base64 of exactly 32 bytes: a curve25519 or ed25519 public key. */
export function is32ByteKey(text: unknown): text is string {
  return typeof text === 'string' && tryDecodeBase64(text)?.length === 32;
}

function stringMap(v: unknown, where: string): Record<string, string> {
  if (!isObject(v)) throw badJson(`${where} must be an object`);
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') throw badJson(`${where}.${k} must be a string`);
  return v as Record<string, string>;
}

function signaturesMap(v: unknown, where: string): Record<string, Record<string, string>> {
  if (!isObject(v)) throw badJson(`${where} must be an object`);
  for (const [k, x] of Object.entries(v)) stringMap(x, `${where}.${k}`);
  return v as Record<string, Record<string, string>>;
}

/**
 * Whether obj carries a valid signature by `userId` under `keyId` for `publicKey` (base64).
 * Not protocol's verifyJsonSignature: that one accepts only server key IDs (`ed25519:[a-zA-Z0-9_]+`),
 * while cross-signing key IDs are `ed25519:<unpadded base64 public key>`, with `+` and `/`. The
 * bytes signed and the ed25519 check are protocol's own (signingBytes, nativeEd25519).
 */
export function verifyKeySignature(obj: Json, userId: string, keyId: string, publicKey: string): boolean {
  const sigs = obj.signatures;
  const encoded = isObject(sigs) && isObject(sigs[userId]) ? (sigs[userId] as Json)[keyId] : undefined;
  if (typeof encoded !== 'string') return false;
  const signature = tryDecodeBase64(encoded);
  const key = tryDecodeBase64(publicKey);
  if (signature?.length !== SIGNATURE_BYTES || key?.length !== 32) return false;
  return nativeEd25519.verify(key, signingBytes(obj), signature);
}

/** Signature check that turns canonical-JSON problems into M_BAD_JSON instead of a 500. */
function verifies(obj: Json, userId: string, keyId: string, publicKey: string, where: string): boolean {
  canonical(obj, where);
  return verifyKeySignature(obj, userId, keyId, publicKey);
}

export interface ParsedDeviceKeys {
  json: DeviceKeysJson;
  ed25519: string;
}

/**
 * How device keys are checked: 'verify' (the default) as the spec describes them; 'structure'
 * only their JSON shape and owner, as Synapse and Dendrite do (SyTest uploads placeholder keys).
 */
export type DeviceKeyChecks = 'verify' | 'structure';

/**
 * `device_keys` of POST /keys/upload: it must name the requester and its device, include the
 * device's ed25519 key, and be signed by that key ("Uploading keys": "must include the public part
 * of the device's Ed25519 key, and must be signed by that key").
 */
export function parseDeviceKeys(v: unknown, userId: string, deviceId: string, checks: DeviceKeyChecks = 'verify'): ParsedDeviceKeys {
  if (!isObject(v)) throw badJson('device_keys must be an object');
  if (typeof v.user_id !== 'string') throw badJson('device_keys.user_id must be a string');
  if (typeof v.device_id !== 'string') throw badJson('device_keys.device_id must be a string');
  if (!Array.isArray(v.algorithms) || !v.algorithms.every((a) => typeof a === 'string')) {
    throw badJson('device_keys.algorithms must be an array of strings');
  }
  const keys = stringMap(v.keys, 'device_keys.keys');
  signaturesMap(v.signatures, 'device_keys.signatures');
  if (v.user_id !== userId) throw invalidParam('device_keys.user_id must be the user of the access token');
  if (v.device_id !== deviceId) throw invalidParam('device_keys.device_id must be the device of the access token');
  // `unsigned` is the server's to fill in (POST /keys/query); a client's copy is not kept.
  const { unsigned: _unsigned, ...json } = v;
  if (checks === 'structure') {
    canonical(json, 'device_keys');
    const ed = keys[`${KeyAlgorithm.Ed25519}:${deviceId}`];
    return { json: json as DeviceKeysJson, ed25519: ed ?? '' };
  }
  for (const [keyId, key] of Object.entries(keys)) {
    const colon = keyId.indexOf(':');
    if (colon < 1 || keyId.slice(colon + 1) !== deviceId) throw invalidParam(`device_keys.keys: ${keyId} is not <algorithm>:${deviceId}`);
    const algorithm = keyId.slice(0, colon);
    if ((algorithm === KeyAlgorithm.Ed25519 || algorithm === KeyAlgorithm.Curve25519) && !is32ByteKey(key)) {
      throw invalidParam(`device_keys.keys.${keyId} is not a base64 32-byte key`);
    }
  }
  const ed25519 = keys[`${KeyAlgorithm.Ed25519}:${deviceId}`];
  if (ed25519 === undefined) throw invalidParam(`device_keys.keys must include ${KeyAlgorithm.Ed25519}:${deviceId}`);
  if (!verifies(json, userId, `${KeyAlgorithm.Ed25519}:${deviceId}`, ed25519, 'device_keys')) {
    throw invalidSignature(`device_keys is not signed by ${KeyAlgorithm.Ed25519}:${deviceId}`);
  }
  return { json: json as DeviceKeysJson, ed25519 };
}

export interface ParsedKey {
  algorithm: string;
  keyId: string;
  /** Canonical JSON of the key (a string or a key object), as stored and handed out. */
  json: string;
}

/**
 * `one_time_keys` or `fallback_keys`: `<algorithm>:<key id>` -> key. signed_curve25519 keys must
 * be key objects signed by the device (`signingKey`, its ed25519 key); curve25519 keys must be
 * 32-byte keys. Other algorithms are kept as given, as the spec leaves their format to them.
 */
export function parseKeyMap(v: unknown, field: string, userId: string, deviceId: string, signingKey: string | undefined): ParsedKey[] {
  if (!isObject(v)) throw badJson(`${field} must be an object`);
  const out: ParsedKey[] = [];
  for (const [name, key] of Object.entries(v)) {
    const colon = name.indexOf(':');
    if (colon < 1 || colon === name.length - 1) throw invalidParam(`${field}: ${name} is not <algorithm>:<key id>`);
    const algorithm = name.slice(0, colon);
    const where = `${field}.${name}`;
    if (typeof key === 'string') {
      if (key === '') throw invalidParam(`${where} is empty`);
      if (algorithm === KeyAlgorithm.SignedCurve25519) throw invalidParam(`${where} must be a signed key object`);
      if (algorithm === KeyAlgorithm.Curve25519 && !is32ByteKey(key)) throw invalidParam(`${where} is not a base64 32-byte key`);
    } else if (isObject(key)) {
      if (typeof key.key !== 'string') throw badJson(`${where}.key must be a string`);
      if (key.signatures !== undefined) signaturesMap(key.signatures, `${where}.signatures`);
      if (algorithm === KeyAlgorithm.SignedCurve25519) checkSignedKey(key, where, userId, deviceId, signingKey);
    } else {
      throw badJson(`${where} must be a string or a key object`);
    }
    out.push({ algorithm, keyId: name.slice(colon + 1), json: canonical(key, where) });
  }
  return out;
}

function checkSignedKey(key: Json, where: string, userId: string, deviceId: string, signingKey: string | undefined) {
  if (!is32ByteKey(key.key)) throw invalidParam(`${where}.key is not a base64 32-byte key`);
  if (signingKey === undefined) throw invalidParam(`${where}: upload the device's keys before signed keys`);
  if (!verifies(key, userId, `${KeyAlgorithm.Ed25519}:${deviceId}`, signingKey, where)) {
    throw invalidSignature(`${where} is not signed by ${KeyAlgorithm.Ed25519}:${deviceId}`);
  }
}

export interface ParsedCrossSigningKey {
  json: CrossSigningKeyJson;
  /** The unpadded-base64 public key, also the key's ID after `ed25519:`. */
  publicKey: string;
}

/**
 * A cross-signing key: it belongs to the uploader, lists the usage it is uploaded for, and has
 * exactly one key `ed25519:<public key>` whose value is that public key
 * (definitions/cross_signing_key.yaml).
 */
export function parseCrossSigningKey(v: unknown, field: string, usage: string, userId: string): ParsedCrossSigningKey {
  if (!isObject(v)) throw badJson(`${field} must be an object`);
  if (typeof v.user_id !== 'string') throw badJson(`${field}.user_id must be a string`);
  if (!Array.isArray(v.usage) || !v.usage.every((u) => typeof u === 'string')) throw badJson(`${field}.usage must be an array of strings`);
  const keys = stringMap(v.keys, `${field}.keys`);
  if (v.signatures !== undefined) signaturesMap(v.signatures, `${field}.signatures`);
  if (v.user_id !== userId) throw invalidParam(`${field}.user_id must be the user of the access token`);
  if (!v.usage.includes(usage)) throw invalidParam(`${field}.usage must include ${usage}`);
  const entries = Object.entries(keys);
  if (entries.length !== 1) throw invalidParam(`${field}.keys must have exactly one key`);
  const [keyId, publicKey] = entries[0]!;
  if (keyId !== `${KeyAlgorithm.Ed25519}:${publicKey}` || !is32ByteKey(publicKey)) {
    throw invalidParam(`${field}.keys must be {"ed25519:<public key>": "<public key>"} with a 32-byte key`);
  }
  canonical(v, field);
  return { json: v as CrossSigningKeyJson, publicKey };
}

/** Whether `obj` is signed by the user's cross-signing key with public key `publicKey`. */
export function signedBy(obj: Json, userId: string, publicKey: string): boolean {
  return verifyKeySignature(obj, userId, `${KeyAlgorithm.Ed25519}:${publicKey}`, publicKey);
}

/** The object without `signatures` and `unsigned`: what a signature covers, for comparisons. */
export function signedPart(obj: Json): string {
  const { signatures: _s, unsigned: _u, ...rest } = obj;
  return canonical(rest, 'signed object');
}

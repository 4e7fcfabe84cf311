// The server's ed25519 signing key file (global.private_key, old_private_keys).
//
// Dendrite's format is a PEM block:
//   -----BEGIN MATRIX PRIVATE KEY-----
//   Key-ID: ed25519:<id>
//
//   <base64 of the 32-byte seed>
//   -----END MATRIX PRIVATE KEY-----
// We also read a 64-byte body (seed followed by the public key, as NaCl stores secret keys) and
// Synapse's one-line format `ed25519 <id> <unpadded base64 seed>`, so a Synapse key can be used as is.
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface SigningKeyFile {
  /** `ed25519:<id>` */
  keyId: string;
  /** The 32-byte ed25519 seed. */
  seed: Uint8Array;
}

const PEM_TYPE = 'MATRIX PRIVATE KEY';
/** Server-Server API, key definitions: the version part of a key ID matches [a-zA-Z0-9_]. */
const KEY_ID = /^ed25519:[a-zA-Z0-9_]+$/;
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Decodes standard or URL-safe base64, padded or not; undefined if it is not base64 at all. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const s = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s) || s.replace(/=+$/, '').length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

/** The ed25519 public key of a seed (RFC 8032 key generation, via node:crypto). */
export function publicKeyOf(seed: Uint8Array): Uint8Array {
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const der = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

/**
 * Dendrite's key ID rule: the first 6 characters of the unpadded URL-safe base64 of the seed,
 * once `-` and `_` are removed (so the ID matches [a-zA-Z0-9_] and is easy to type).
 */
export function keyIdForSeed(seed: Uint8Array): string {
  const b64 = Buffer.from(seed).toString('base64url').replace(/[-_]/g, '');
  return `ed25519:${b64.slice(0, 6)}`;
}

export function generateSigningKey(): SigningKeyFile {
  const seed = new Uint8Array(randomBytes(32));
  return { keyId: keyIdForSeed(seed), seed };
}

function normaliseKeyId(keyId: string): string {
  const id = keyId.includes(':') ? keyId : `ed25519:${keyId}`;
  if (!KEY_ID.test(id)) throw new Error(`key ID "${keyId}" is not of the form ed25519:<letters, digits, _>`);
  return id;
}

/** The PEM text of a key, in Dendrite's format. */
export function formatSigningKey(keyId: string, seed: Uint8Array): string {
  if (seed.length !== 32) throw new Error(`an ed25519 seed is 32 bytes, not ${seed.length}`);
  return `-----BEGIN ${PEM_TYPE}-----\nKey-ID: ${normaliseKeyId(keyId)}\n\n${Buffer.from(seed).toString('base64')}\n-----END ${PEM_TYPE}-----\n`;
}

function seedFromBody(body: Uint8Array, where: string): Uint8Array {
  if (body.length === 32) return body;
  if (body.length === 64) {
    const seed = body.slice(0, 32);
    const given = Buffer.from(body.subarray(32));
    if (!given.equals(Buffer.from(publicKeyOf(seed)))) {
      throw new Error(`${where}: the 64-byte key's second half is not the public key of its first half`);
    }
    return seed;
  }
  throw new Error(`${where}: the key is ${body.length} bytes; expected a 32-byte ed25519 seed`);
}

function parsePem(text: string, where: string): SigningKeyFile | undefined {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== PEM_TYPE) continue;
    const lines = m[2]!.split(/\r?\n/);
    let keyId: string | undefined;
    let i = 0;
    // RFC 1421 headers: "Name: value" lines, ended by a blank line.
    for (; i < lines.length && lines[i]!.includes(':'); i++) {
      const [name, ...rest] = lines[i]!.split(':');
      if (name!.trim() === 'Key-ID') keyId = rest.join(':').trim();
    }
    if (!keyId) throw new Error(`${where}: the ${PEM_TYPE} block has no "Key-ID: ed25519:<id>" header`);
    if (!KEY_ID.test(keyId)) throw new Error(`${where}: Key-ID "${keyId}" is not of the form ed25519:<letters, digits, _>`);
    const body = decodeBase64(lines.slice(i).join(''));
    if (!body) throw new Error(`${where}: the ${PEM_TYPE} block's body is not base64`);
    return { keyId, seed: seedFromBody(body, where) };
  }
  return undefined;
}

function parseSynapse(text: string, where: string): SigningKeyFile | undefined {
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*ed25519\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (!m) continue;
    const keyId = `ed25519:${m[1]}`;
    if (!KEY_ID.test(keyId)) throw new Error(`${where}: key version "${m[1]}" may hold only letters, digits and _`);
    const body = decodeBase64(m[2]!);
    if (!body) throw new Error(`${where}: the key is not base64`);
    return { keyId, seed: seedFromBody(body, where) };
  }
  return undefined;
}

/** Parses a key file's text; `where` names it in errors. */
export function parseSigningKey(text: string, where = 'signing key'): SigningKeyFile {
  const key = parsePem(text, where) ?? parseSynapse(text, where);
  if (!key) {
    throw new Error(`${where}: no "-----BEGIN ${PEM_TYPE}-----" block and no Synapse "ed25519 <id> <key>" line`);
  }
  return key;
}

export function readSigningKey(path: string): SigningKeyFile {
  return parseSigningKey(readFileSync(path, 'utf8'), path);
}

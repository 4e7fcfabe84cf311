// Signing JSON and checking signatures (Appendices, "Signing Details" and "Checking for a
// Signature"). A signature covers the canonical JSON of the object without `signatures` and
// `unsigned`; it is added under signatures[entity][keyId] next to any signatures already there, and
// `unsigned` is carried through untouched.

import { encodeBase64, tryDecodeBase64 } from '../base64.ts';
import { canonicalJsonBytes, type CanonicalJsonOptions } from '../canonical-json.ts';
import { isEd25519KeyId } from './keys.ts';
import { nativeEd25519 } from './native.ts';
import { SIGNATURE_BYTES, type Signer, type Verifier } from './types.ts';

export type Signatures = Record<string, Record<string, string>>;

export interface VerifyOptions extends CanonicalJsonOptions {
  /** The ed25519 implementation; node:crypto unless given. */
  readonly verifier?: Verifier;
}

/** The bytes a signature covers: canonical JSON of `obj` without `signatures` and `unsigned`. */
export function signingBytes(obj: object, options?: CanonicalJsonOptions): Uint8Array {
  const { signatures: _signatures, unsigned: _unsigned, ...rest } = obj as Record<string, unknown>;
  return canonicalJsonBytes(rest, options);
}

/** A copy of `obj` signed by `entity` with `keyId`. Existing signatures and `unsigned` are kept. */
export function signJson<T extends object>(
  obj: T,
  entity: string,
  keyId: string,
  signer: Signer,
  options?: CanonicalJsonOptions,
): T & { signatures: Signatures } {
  const signature = encodeBase64(signer.sign(signingBytes(obj, options)));
  return { ...obj, signatures: withSignature(signaturesOf(obj), entity, keyId, signature) };
}

/** `signatures` with signatures[entity][keyId] set, copied rather than changed. */
export function withSignature(signatures: Signatures, entity: string, keyId: string, signature: string): Signatures {
  return { ...signatures, [entity]: { ...signatures[entity], [keyId]: signature } };
}

/** True if `obj` carries a valid signature by `entity` under `keyId` for `publicKey` (raw or base64). */
export function verifyJsonSignature(
  obj: object,
  entity: string,
  keyId: string,
  publicKey: Uint8Array | string,
  options?: VerifyOptions,
): boolean {
  if (!isEd25519KeyId(keyId)) return false;
  const encoded = signaturesOf(obj)[entity]?.[keyId];
  if (typeof encoded !== 'string') return false;
  const signature = tryDecodeBase64(encoded);
  const key = typeof publicKey === 'string' ? tryDecodeBase64(publicKey) : publicKey;
  if (signature === undefined || key === undefined) return false;
  const verifier = options?.verifier ?? nativeEd25519;
  return verifier.verify(key, signingBytes(obj, options), signature);
}

export type SignatureCheck =
  | { readonly ok: true; readonly keyIds: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Appendices, "Checking for a Signature", for one entity: its entry must exist; key IDs with
 * algorithms we do not understand are dropped; keys are looked up, and those the lookup does not
 * know (or considers expired) are skipped, as the Server-Server API says for events; every
 * remaining signature must verify, and at least one must remain. On success, the key IDs checked.
 */
export function checkJsonSignatures(
  obj: object,
  entity: string,
  lookupKey: (keyId: string) => Uint8Array | string | undefined,
  options?: VerifyOptions,
): SignatureCheck {
  const entry = signaturesOf(obj)[entity];
  if (typeof entry !== 'object' || entry === null) return { ok: false, reason: `not signed by ${entity}` };
  const keyIds = Object.keys(entry).filter(isEd25519KeyId);
  if (keyIds.length === 0) return { ok: false, reason: `no ed25519 signature from ${entity}` };
  const verifier = options?.verifier ?? nativeEd25519;
  let bytes: Uint8Array | undefined;
  const checked: string[] = [];
  for (const keyId of keyIds) {
    const found = lookupKey(keyId);
    if (found === undefined) continue;
    const key = typeof found === 'string' ? tryDecodeBase64(found) : found;
    const encoded = entry[keyId];
    const signature = typeof encoded === 'string' ? tryDecodeBase64(encoded) : undefined;
    if (signature === undefined || signature.length !== SIGNATURE_BYTES) {
      return { ok: false, reason: `signature ${entity} ${keyId} is not 64 bytes of base64` };
    }
    bytes ??= signingBytes(obj, options);
    if (key === undefined || !verifier.verify(key, bytes, signature)) {
      return { ok: false, reason: `signature ${entity} ${keyId} does not verify` };
    }
    checked.push(keyId);
  }
  if (checked.length === 0) return { ok: false, reason: `no known key for ${entity} (${keyIds.join(', ')})` };
  return { ok: true, keyIds: checked };
}

function signaturesOf(obj: object): Signatures {
  const signatures = (obj as { signatures?: unknown }).signatures;
  return typeof signatures === 'object' && signatures !== null ? (signatures as Signatures) : {};
}

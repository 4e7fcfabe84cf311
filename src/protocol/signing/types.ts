// The ed25519 abstraction every signature in Matrix goes through (Appendices, "Signing Details":
// "The currently supported value for signing algorithm is ed25519 as implemented by NACL").
// Two implementations: node:crypto (native, the default: ~20× faster) and @noble/ed25519 (pure JS,
// a fallback and a cross-check in tests). Keys are the raw 32-byte seed and 32-byte public key.

export interface Signer {
  /** The raw 32-byte public key of this signer's seed. */
  readonly publicKey: Uint8Array;
  /** The 64-byte ed25519 signature of `message`. */
  sign(message: Uint8Array): Uint8Array;
}

export interface Verifier {
  /** True only for a valid 64-byte signature by the 32-byte `publicKey`; never throws. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

export interface Ed25519 extends Verifier {
  readonly name: 'native' | 'noble';
  /** A signer for a 32-byte seed (the private key as Matrix stores it). */
  signer(seed: Uint8Array): Signer;
}

export const SEED_BYTES = 32;
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

export function assertSeed(seed: Uint8Array): void {
  if (seed.length !== SEED_BYTES) throw new RangeError(`an ed25519 seed is ${SEED_BYTES} bytes, got ${seed.length}`);
}

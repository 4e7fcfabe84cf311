// ed25519 on @noble/ed25519 (pure JS). Its v3 sync API needs the SHA-512 hook set first
// (bun-stack.md, gotcha 7). Verification uses `zip215: false`, the RFC 8032 rules, which is closer
// to the libsodium (NaCl) behaviour the spec names than noble's default ZIP-215 rules; weak points
// are refused first, as in ./native.ts.

import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { isWeakPoint } from './weak-points.ts';
import { assertSeed, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, type Ed25519 } from './types.ts';

ed.hashes.sha512 = sha512;

export const nobleEd25519: Ed25519 = {
  name: 'noble',
  signer(seed) {
    assertSeed(seed);
    const secret = Uint8Array.from(seed);
    return { publicKey: ed.getPublicKey(secret), sign: (message) => ed.sign(message, secret) };
  },
  verify(publicKey, message, signature) {
    if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false;
    if (isWeakPoint(publicKey) || isWeakPoint(signature.subarray(0, 32))) return false;
    try {
      return ed.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
};

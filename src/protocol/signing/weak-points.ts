// Matrix names "ed25519 as implemented by NACL" (Appendices, "Signing Details"); libsodium, used by
// Synapse, refuses a public key A or a signature's R that is a non-canonical encoding (y ≥ p) or a
// point of small order. node:crypto (BoringSSL) does not, and would accept the all-identity
// "signature" (R = identity, s = 0) under the identity key for any message. Both implementations
// run this check first, so they agree with each other and with libsodium.

const P_MINUS_1 = 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f';

/**
 * The y-coordinates (little-endian, sign bit cleared) of the eight points of order dividing 8:
 * y = 0 (order 4), y = 1 (identity), y = ±c (order 8), y = p - 1 (order 2). Checked against
 * noble's Point.isSmallOrder in the tests.
 */
export const SMALL_ORDER_Y: readonly Buffer[] = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  P_MINUS_1,
].map((hex) => Buffer.from(hex, 'hex'));

/** True if the 32-byte encoding is non-canonical (y ≥ 2^255 - 19) or a small-order point. */
export function isWeakPoint(encoded: Uint8Array): boolean {
  if (encoded.length !== 32) return true;
  const top = (encoded[31] as number) & 0x7f;
  // y ≥ p = 2^255 - 19: bytes 1..30 all 0xff, top byte 0x7f (sign cleared), byte 0 ≥ 0xed.
  if (top === 0x7f && (encoded[0] as number) >= 0xed) {
    let allOnes = true;
    for (let i = 1; i < 31; i++) if (encoded[i] !== 0xff) allOnes = false;
    if (allOnes) return true;
  }
  outer: for (const y of SMALL_ORDER_Y) {
    for (let i = 0; i < 31; i++) if (encoded[i] !== y[i]) continue outer;
    if (top === y[31]) return true;
  }
  return false;
}

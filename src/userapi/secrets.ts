// Random secrets and their hashes: access tokens, device IDs, session IDs, nonces.
import { randomBytes } from 'node:crypto';

/** `bytes` random bytes as unpadded URL-safe base64 (32 bytes: 43 characters). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 as hex: how tokens are stored and looked up. */
export function sha256Hex(value: string): string {
  return new Bun.CryptoHasher('sha256').update(value).digest('hex');
}

const DEVICE_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Ten upper-case letters, the shape clients are used to seeing. */
export function randomDeviceId(): string {
  const bytes = randomBytes(10);
  let out = '';
  for (const b of bytes) out += DEVICE_ID_CHARS[b % DEVICE_ID_CHARS.length];
  return out;
}

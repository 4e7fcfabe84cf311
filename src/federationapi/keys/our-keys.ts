// Our published signing keys (Server-Server API, "Publishing Keys", GET /_matrix/key/v2/server):
// the current key under verify_keys, the keys of global.old_private_keys under old_verify_keys
// (valid for checking old events, never for requests), valid_until_ts = now +
// global.key_validity_period, signed by the current key. The signed response is kept and
// renewed once half its validity has passed, so notaries' cached copies stay useful.
import { encodePublicKey } from '../../protocol/signing/keys.ts';
import { signJson } from '../../protocol/signing/sign-json.ts';
import type { Signer } from '../../protocol/signing/types.ts';
import type { OldPrivateKey } from '../../config/types.ts';

/** The keys object of GET /_matrix/key/v2/server (definitions/keys.yaml). */
export interface ServerKeysJson {
  server_name: string;
  verify_keys: Record<string, { key: string }>;
  old_verify_keys: Record<string, { key: string; expired_ts: number }>;
  valid_until_ts: number;
  signatures: Record<string, Record<string, string>>;
  [key: string]: unknown;
}

export interface OurKeysOptions {
  serverName: string;
  keyId: string;
  signer: Signer;
  validityMs: number;
  oldKeys: readonly OldPrivateKey[];
  now: () => number;
}

export class OurKeys {
  private cached: ServerKeysJson | undefined;
  private renewAt = 0;

  constructor(private readonly opts: OurKeysOptions) {}

  get serverName(): string {
    return this.opts.serverName;
  }

  get keyId(): string {
    return this.opts.keyId;
  }

  get signer(): Signer {
    return this.opts.signer;
  }

  /** The signed keys response, renewed once half of its validity has passed. */
  response(): ServerKeysJson {
    const now = this.opts.now();
    if (this.cached && now < this.renewAt) return this.cached;
    const { serverName, keyId, signer, validityMs } = this.opts;
    const old: ServerKeysJson['old_verify_keys'] = {};
    for (const k of this.opts.oldKeys) {
      if (k.key_id && k.public_key) old[k.key_id] = { key: k.public_key.replace(/=+$/, ''), expired_ts: k.expired_at };
    }
    const body = {
      server_name: serverName,
      verify_keys: { [keyId]: { key: encodePublicKey(signer.publicKey) } },
      old_verify_keys: old,
      valid_until_ts: now + validityMs,
    };
    this.cached = signJson(body, serverName, keyId, signer) as ServerKeysJson;
    this.renewAt = now + validityMs / 2;
    return this.cached;
  }

  /** Our key with `keyId`, for checking our own signatures: current or old, raw base64. */
  publicKey(keyId: string, validAt: number | undefined): string | undefined {
    const r = this.response();
    if (r.verify_keys[keyId]) return r.verify_keys[keyId]!.key;
    const old = r.old_verify_keys[keyId];
    if (old && (validAt === undefined || validAt < old.expired_ts)) return old.key;
    return undefined;
  }

  /** Adds our signature to another server's keys response (as a notary). */
  countersign<T extends object>(response: T): T {
    return signJson(response, this.opts.serverName, this.opts.keyId, this.opts.signer);
  }
}

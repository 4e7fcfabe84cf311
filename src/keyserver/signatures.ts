// POST /keys/signatures/upload (Client-Server API, "Cross-signing"): signatures of a user's own
// devices by their self-signing key, of their own master key by one of their devices, and of
// other users' master keys by their user-signing key. The signed object must be the stored key
// (apart from `signatures`); each signature is checked, and a key that fails is reported under
// `failures` without stopping the others.
import type { Errcode } from '../http/errors.ts';
import { KeyAlgorithm } from './constants.ts';
import type { KeyserverContext } from './context.ts';
import { type NewChange, keysChanged, publishChanges, recordChanges } from './device-lists.ts';
import { type CrossSigningKeyRow, selectCrossSigningKeys } from './storage/cross-signing-keys.ts';
import { type SignatureRow, upsertSignature } from './storage/cross-signing-sigs.ts';
import { selectDeviceKeys } from './storage/device-keys.ts';
import { type Json, isObject, signedPart, verifyKeySignature } from './validate.ts';

type Failures = Record<string, Record<string, { errcode: Errcode; error: string }>>;

class Failure extends Error {
  constructor(
    readonly errcode: Errcode,
    message: string,
  ) {
    super(message);
  }
}

const ed = (id: string) => `${KeyAlgorithm.Ed25519}:${id}`;

export async function uploadSignatures(ctx: KeyserverContext, signer: string, body: Record<string, unknown>): Promise<{ failures: Failures }> {
  const failures: Failures = {};
  const accepted: SignatureRow[] = [];
  const changes: NewChange[] = [];
  const crossKeys = memoKeys(ctx);
  for (const [userId, keys] of Object.entries(body)) {
    if (!isObject(keys)) continue; // the route's schema refuses such a body
    for (const [keyId, obj] of Object.entries(keys)) {
      try {
        if (!isObject(obj)) throw new Failure('M_BAD_JSON', 'The signed key must be an object');
        const sigs = await checkOne(ctx, crossKeys, signer, userId, keyId, obj);
        accepted.push(...sigs);
        // Signing another user's master key concerns only the signer (user-signing signatures are private).
        changes.push(userId === signer ? keysChanged(signer) : keysChanged(userId, signer));
      } catch (err) {
        if (!(err instanceof Failure)) throw err;
        (failures[userId] ??= {})[keyId] = { errcode: err.errcode, error: err.message };
      }
    }
  }
  if (accepted.length > 0) {
    const rows = await ctx.db.transaction(async (tx) => {
      for (const s of accepted) await upsertSignature(tx, s);
      return recordChanges(ctx, tx, dedupe(changes));
    });
    await publishChanges(ctx, rows);
  }
  return { failures };
}

function memoKeys(ctx: KeyserverContext) {
  const cache = new Map<string, Promise<Map<string, CrossSigningKeyRow>>>();
  return (userId: string) => {
    let p = cache.get(userId);
    if (!p) cache.set(userId, (p = selectCrossSigningKeys(ctx.db, userId).then((rows) => new Map(rows.map((r) => [r.purpose, r])))));
    return p;
  };
}

async function checkOne(
  ctx: KeyserverContext,
  crossKeys: ReturnType<typeof memoKeys>,
  signer: string,
  userId: string,
  keyId: string,
  obj: Json,
): Promise<SignatureRow[]> {
  const mine = await crossKeys(signer);
  if (userId !== signer) {
    // Another user's master key, signed with my user-signing key.
    const master = (await crossKeys(userId)).get('master');
    if (!master || master.public_key !== keyId) throw new Failure('M_NOT_FOUND', 'No such master key');
    mustMatch(obj, master.key_json);
    const usk = mine.get('user_signing');
    if (!usk) throw new Failure('M_INVALID_SIGNATURE', 'You have no user-signing key');
    return [signatureBy(obj, signer, usk.public_key, usk.public_key, userId, keyId)];
  }
  const master = mine.get('master');
  if (master && master.public_key === keyId) {
    // My master key, signed by my devices.
    mustMatch(obj, master.key_json);
    const out: SignatureRow[] = [];
    for (const sigKeyId of Object.keys(signaturesOf(obj, signer))) {
      if (sigKeyId === ed(master.public_key)) continue;
      const deviceId = sigKeyId.slice(KeyAlgorithm.Ed25519.length + 1);
      const device = sigKeyId.startsWith(`${KeyAlgorithm.Ed25519}:`) ? await selectDeviceKeys(ctx.db, signer, deviceId) : undefined;
      if (!device) throw new Failure('M_INVALID_SIGNATURE', `${sigKeyId} is not one of your devices`);
      out.push(signatureBy(obj, signer, deviceId, device.ed25519_key, signer, keyId));
    }
    if (out.length === 0) throw new Failure('M_INVALID_SIGNATURE', 'No device signature of the master key');
    return out;
  }
  // One of my devices, signed with my self-signing key.
  const device = await selectDeviceKeys(ctx.db, signer, keyId);
  if (!device) throw new Failure('M_NOT_FOUND', 'No such device or key');
  mustMatch(obj, device.key_json);
  const ssk = mine.get('self_signing');
  if (!ssk) throw new Failure('M_INVALID_SIGNATURE', 'You have no self-signing key');
  return [signatureBy(obj, signer, ssk.public_key, ssk.public_key, signer, keyId)];
}

function signaturesOf(obj: Json, userId: string): Record<string, unknown> {
  const s = obj.signatures;
  return isObject(s) && isObject(s[userId]) ? (s[userId] as Record<string, unknown>) : {};
}

function mustMatch(obj: Json, storedJson: string) {
  let same = false;
  try {
    same = signedPart(obj) === signedPart(JSON.parse(storedJson) as Json);
  } catch {
    same = false;
  }
  if (!same) throw new Failure('M_INVALID_SIGNATURE', 'The signed object does not match the stored key');
}

/** The signature of `signer` with key `ed25519:<keyName>` on obj, checked against `publicKey`. */
function signatureBy(obj: Json, signer: string, keyName: string, publicKey: string, targetUser: string, targetKey: string): SignatureRow {
  const keyId = ed(keyName);
  const signature = signaturesOf(obj, signer)[keyId];
  if (typeof signature !== 'string') throw new Failure('M_INVALID_SIGNATURE', `Missing signature ${keyId}`);
  if (!verifyKeySignature(obj, signer, keyId, publicKey)) throw new Failure('M_INVALID_SIGNATURE', 'Invalid signature');
  return { target_user_id: targetUser, target_key_id: targetKey, origin_user_id: signer, origin_key_id: keyId, signature };
}

function dedupe(changes: NewChange[]): NewChange[] {
  const seen = new Map(changes.map((c) => [`${c.user_id}\0${c.only_for ?? ''}`, c]));
  return [...seen.values()];
}

// POST /keys/device_signing/upload (Client-Server API, "Cross-signing"): a user's master,
// self-signing and user-signing keys. The self-signing and user-signing keys must be signed by
// the master key (the one uploaded with them, else the stored one). Replacing keys needs
// user-interactive auth; a first upload, or uploading exactly the stored keys again, does not
// (v1.11), nor does an application service (v1.17).
import { MatrixError, forbidden, missingParam } from '../http/errors.ts';
import type { Tx } from '../storage/types.ts';
import { KeyUsage } from './constants.ts';
import type { KeyserverContext } from './context.ts';
import { type NewChange, keysChanged, publishChanges, recordChanges } from './device-lists.ts';
import { type CrossSigningKeyRow, type Purpose, selectCrossSigningKeys, upsertCrossSigningKey } from './storage/cross-signing-keys.ts';
import { deleteSignaturesByKey } from './storage/cross-signing-sigs.ts';
import { type ParsedCrossSigningKey, canonical, parseCrossSigningKey, signedBy } from './validate.ts';
import { requirePassword } from './uia.ts';

export interface CrossSigningUpload {
  master_key?: unknown;
  self_signing_key?: unknown;
  user_signing_key?: unknown;
  auth?: unknown;
}

const FIELDS: [Purpose, keyof CrossSigningUpload, string][] = [
  ['master', 'master_key', KeyUsage.Master],
  ['self_signing', 'self_signing_key', KeyUsage.SelfSigning],
  ['user_signing', 'user_signing_key', KeyUsage.UserSigning],
];

export const DEVICE_SIGNING_OPERATION = 'POST /keys/device_signing/upload';

export async function uploadCrossSigningKeys(
  ctx: KeyserverContext,
  requester: { userId: string; appserviceId?: string },
  body: CrossSigningUpload,
): Promise<void> {
  const { userId } = requester;
  const given = new Map<Purpose, ParsedCrossSigningKey>();
  for (const [purpose, field, usage] of FIELDS) {
    if (body[field] != null) given.set(purpose, parseCrossSigningKey(body[field], field, usage, userId));
  }
  const stored = new Map((await selectCrossSigningKeys(ctx.db, userId)).map((r) => [r.purpose, r]));
  const master = given.get('master')?.publicKey ?? stored.get('master')?.public_key;
  for (const purpose of ['self_signing', 'user_signing'] as const) {
    const key = given.get(purpose);
    if (!key) continue;
    if (master === undefined) throw missingParam('No master signing key is available to check the other keys against');
    if (!signedBy(key.json, userId, master)) throw new MatrixError('M_INVALID_SIGNATURE', `${purpose} key is not signed by the master key`);
  }
  // Device IDs and cross-signing public keys share the `ed25519:<id>` namespace ("Cross-signing").
  const deviceIds = new Set((await ctx.userapi.listDevices(userId)).map((d) => d.deviceId));
  for (const key of given.values()) if (deviceIds.has(key.publicKey)) throw forbidden('Key ID in use by a device');

  const same = (p: Purpose) => stored.get(p)?.key_json === canonical(given.get(p)!.json, p);
  const unchanged = given.has('master') && [...given.keys()].every(same);
  if (stored.has('master') && !unchanged && !requester.appserviceId) {
    await requirePassword(ctx, body.auth, userId, DEVICE_SIGNING_OPERATION);
  }
  const changedPurposes = [...given.keys()].filter((p) => !same(p));
  if (changedPurposes.length === 0) return;
  const rows = await ctx.db.transaction(async (tx) => {
    for (const p of changedPurposes) await replaceKey(tx, userId, p, given.get(p)!, stored.get(p));
    // The user-signing key is only its owner's business ("only visible to the user that it belongs to").
    const everyone = changedPurposes.some((p) => p !== 'user_signing');
    const change: NewChange = everyone ? keysChanged(userId) : keysChanged(userId, userId);
    return recordChanges(ctx, tx, [change]);
  });
  await publishChanges(ctx, rows);
}

async function replaceKey(tx: Tx, userId: string, purpose: Purpose, key: ParsedCrossSigningKey, old: CrossSigningKeyRow | undefined) {
  // Signatures made with the replaced key no longer lead anywhere a client can check.
  if (old && old.public_key !== key.publicKey) await deleteSignaturesByKey(tx, userId, `ed25519:${old.public_key}`);
  await upsertCrossSigningKey(tx, { user_id: userId, purpose, public_key: key.publicKey, key_json: canonical(key.json, purpose) });
}

// POST /keys/query (Client-Server API, "Tracking the device list for a user", "Cross-signing"):
// device keys with the signatures each reader may see merged in, the cross-signing keys, and
// unsigned.device_display_name. The visibility rules are the spec's "Key and signature security":
// everyone sees a user's self-signing signatures of their devices and their devices' signatures
// of their master key; only the signer sees a user-signing key's signatures of other users'
// master keys; only the owner sees their user-signing key.
import type { CrossSigningKeyJson, DeviceKeysJson, QueryKeysResponse } from './api.ts';
import type { KeyserverContext } from './context.ts';
import { cachedKeys } from './remote-devices.ts';
import { DEFAULT_TIMEOUT_MS, askServers, splitByServer } from './remote.ts';
import { type CrossSigningKeyRow, selectCrossSigningKeysOfUsers } from './storage/cross-signing-keys.ts';
import { type SignatureRow, selectSignaturesOnUsers } from './storage/cross-signing-sigs.ts';
import { selectDeviceKeysOfUsers } from './storage/device-keys.ts';

type Signatures = Record<string, Record<string, string>>;

function withSignatures<T extends { signatures?: Signatures }>(obj: T, sigs: SignatureRow[] | undefined): T {
  if (!sigs?.length) return obj;
  const signatures: Signatures = { ...obj.signatures };
  for (const s of sigs) signatures[s.origin_user_id] = { ...signatures[s.origin_user_id], [s.origin_key_id]: s.signature };
  return { ...obj, signatures };
}

export async function queryLocalKeys(
  ctx: KeyserverContext,
  requester: string,
  deviceKeys: Record<string, string[]>,
): Promise<QueryKeysResponse> {
  const userIds = Object.keys(deviceKeys);
  const [keyRows, csRows, sigRows] = await Promise.all([
    selectDeviceKeysOfUsers(ctx.db, userIds),
    selectCrossSigningKeysOfUsers(ctx.db, userIds),
    selectSignaturesOnUsers(ctx.db, userIds),
  ]);
  const sigsOn = new Map<string, SignatureRow[]>();
  for (const s of sigRows) {
    const k = `${s.target_user_id}\0${s.target_key_id}`;
    sigsOn.set(k, [...(sigsOn.get(k) ?? []), s]);
  }
  const out: QueryKeysResponse = { device_keys: {}, master_keys: {}, self_signing_keys: {}, user_signing_keys: {} };
  // SyTest "query for user with no keys returns empty key dict": every local user asked for is listed.
  for (const u of userIds) out.device_keys[u] = {};
  for (const row of keyRows) {
    const wanted = deviceKeys[row.user_id] ?? [];
    if (wanted.length > 0 && !wanted.includes(row.device_id)) continue;
    const own = sigsOn.get(`${row.user_id}\0${row.device_id}`)?.filter((s) => s.origin_user_id === row.user_id);
    const keys = withSignatures(JSON.parse(row.key_json) as DeviceKeysJson, own);
    keys.unsigned = row.display_name !== null ? { device_display_name: row.display_name } : {};
    out.device_keys[row.user_id]![row.device_id] = keys;
  }
  for (const row of csRows) addCrossSigningKey(out, row, requester, sigsOn);
  return out;
}

function addCrossSigningKey(out: QueryKeysResponse, row: CrossSigningKeyRow, requester: string, sigsOn: Map<string, SignatureRow[]>) {
  const key = JSON.parse(row.key_json) as CrossSigningKeyJson;
  if (row.purpose === 'master') {
    const visible = sigsOn
      .get(`${row.user_id}\0${row.public_key}`)
      ?.filter((s) => s.origin_user_id === row.user_id || s.origin_user_id === requester);
    out.master_keys![row.user_id] = withSignatures(key, visible);
  } else if (row.purpose === 'self_signing') {
    out.self_signing_keys![row.user_id] = key;
  } else if (row.user_id === requester) {
    out.user_signing_keys![row.user_id] = key;
  }
}

export async function queryKeys(
  ctx: KeyserverContext,
  requester: string,
  deviceKeys: Record<string, string[]>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<QueryKeysResponse & { failures: Record<string, Record<string, unknown>> }> {
  const { local, remote } = splitByServer(ctx, deviceKeys);
  const [mine, theirs] = await Promise.all([
    queryLocalKeys(ctx, requester, local),
    askServers(ctx, remote, timeoutMs, (server, part) => ctx.federation!.queryKeys(server, part, timeoutMs)),
  ]);
  // A server that did not answer: what its last device-list updates told us (remote-devices.ts).
  for (const server of Object.keys(theirs.failures)) theirs.answers.push([server, await cachedKeys(ctx, remote.get(server)!)]);
  for (const [server, answer] of theirs.answers) {
    const asked = remote.get(server)!;
    // A server answers for its own users only.
    const pick = <T>(from: Record<string, T> | undefined, into: Record<string, T>) => {
      for (const [userId, v] of Object.entries(from ?? {})) if (asked[userId] !== undefined) into[userId] = v;
    };
    pick(answer.device_keys, mine.device_keys);
    pick(answer.master_keys, mine.master_keys!);
    pick(answer.self_signing_keys, mine.self_signing_keys!);
  }
  return { ...mine, failures: theirs.failures };
}

// POST /keys/claim (Client-Server API, "One-time and fallback keys"): for each requested device
// the oldest unclaimed one-time key of the algorithm, else its fallback key, which stays but is
// marked used. Each one-time key is handed out once: claiming deletes it (storage/one-time-keys.ts).
// Devices are claimed in batches of 100 per statement: a first message to a big room claims a key
// of every device in it.
import type { ClaimedKeys } from './api.ts';
import type { KeyserverContext } from './context.ts';
import { DEFAULT_TIMEOUT_MS, askServers, splitByServer } from './remote.ts';
import { claimFallbackKey } from './storage/fallback-keys.ts';
import { type Wanted, claimOldest, claimOldestBatch } from './storage/one-time-keys.ts';

export type ClaimRequest = Record<string, Record<string, string>>;

const BATCH = 100;

/**
 * Each statement is its own transaction: a claim holds at most the rows of one statement, locked
 * in a single order (storage/one-time-keys.ts), so concurrent claims never deadlock, and nothing
 * needs the claim as a whole to be atomic (each key is still handed out once).
 */
export async function claimLocalKeys(ctx: KeyserverContext, request: ClaimRequest): Promise<ClaimedKeys> {
  const wanted: Wanted[] = [];
  for (const [userId, devices] of Object.entries(request)) {
    for (const [deviceId, algorithm] of Object.entries(devices)) wanted.push([userId, deviceId, algorithm]);
  }
  const result: ClaimedKeys = {};
  const put = (userId: string, deviceId: string, keyId: string, json: string) => {
    ((result[userId] ??= {})[deviceId] ??= {})[keyId] = JSON.parse(json);
  };
  const got = new Set<string>();
  for (let i = 0; i < wanted.length; i += BATCH) {
    for (const r of await claimOldestBatch(ctx.db, wanted.slice(i, i + BATCH))) {
      put(r.user_id, r.device_id, `${r.algorithm}:${r.key_id}`, r.key_json);
      got.add(`${r.user_id}\0${r.device_id}\0${r.algorithm}`);
    }
  }
  // Devices whose key a concurrent claim took, or that have no one-time key left.
  for (const [userId, deviceId, algorithm] of wanted) {
    if (got.has(`${userId}\0${deviceId}\0${algorithm}`)) continue;
    const key = (await claimOldest(ctx.db, userId, deviceId, algorithm)) ?? (await claimFallbackKey(ctx.db, userId, deviceId, algorithm));
    if (key) put(userId, deviceId, `${algorithm}:${key.key_id}`, key.key_json);
  }
  return result;
}

export async function claimKeys(
  ctx: KeyserverContext,
  request: ClaimRequest,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<{ one_time_keys: ClaimedKeys; failures: Record<string, Record<string, unknown>> }> {
  const { local, remote } = splitByServer(ctx, request);
  const [mine, theirs] = await Promise.all([
    claimLocalKeys(ctx, local),
    askServers(ctx, remote, timeoutMs, (server, part) => ctx.federation!.claimKeys(server, part, timeoutMs)),
  ]);
  const oneTimeKeys: ClaimedKeys = { ...mine };
  for (const [server, answer] of theirs.answers) {
    for (const [userId, devices] of Object.entries(answer.one_time_keys ?? {})) {
      if (remote.get(server)?.[userId] !== undefined) oneTimeKeys[userId] = devices;
    }
  }
  return { one_time_keys: oneTimeKeys, failures: theirs.failures };
}

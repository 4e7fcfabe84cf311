// POST /keys/claim (Client-Server API, "One-time and fallback keys"): for each requested device
// the oldest unclaimed one-time key of the algorithm, else its fallback key, which stays but is
// marked used. Each one-time key is handed out once: claiming deletes it (storage/one-time-keys.ts).
import type { ClaimedKeys } from './api.ts';
import type { KeyserverContext } from './context.ts';
import { DEFAULT_TIMEOUT_MS, askServers, splitByServer } from './remote.ts';
import { claimFallbackKey } from './storage/fallback-keys.ts';
import { claimOldest } from './storage/one-time-keys.ts';

export type ClaimRequest = Record<string, Record<string, string>>;

export async function claimLocalKeys(ctx: KeyserverContext, request: ClaimRequest): Promise<ClaimedKeys> {
  // One order for every claim, so that PostgreSQL transactions claiming overlapping devices take
  // their row locks in the same order and cannot deadlock.
  const wanted: [string, string, string][] = [];
  for (const [userId, devices] of Object.entries(request)) {
    for (const [deviceId, algorithm] of Object.entries(devices)) wanted.push([userId, deviceId, algorithm]);
  }
  wanted.sort((a, b) => (a[0] + '\0' + a[1] < b[0] + '\0' + b[1] ? -1 : 1));
  if (wanted.length === 0) return {};
  const claimed = await ctx.db.transaction(async (tx) => {
    const out: [string, string, string, string][] = [];
    for (const [userId, deviceId, algorithm] of wanted) {
      const key = (await claimOldest(tx, userId, deviceId, algorithm)) ?? (await claimFallbackKey(tx, userId, deviceId, algorithm));
      if (key) out.push([userId, deviceId, `${algorithm}:${key.key_id}`, key.key_json]);
    }
    return out;
  });
  const result: ClaimedKeys = {};
  for (const [userId, deviceId, keyId, json] of claimed) {
    ((result[userId] ??= {})[deviceId] ??= {})[keyId] = JSON.parse(json);
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

// Server-Server API, "End-to-End Encryption" (user_keys.yaml): our users' device and
// cross-signing keys, and their one-time keys claimed, through the key server. Users of other
// servers in the request are left out.
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { FederationContext } from '../context.ts';

/** Mounted under /_matrix/federation/v1. */
export function userKeysOps(ctx: FederationContext): Operation[] {
  const ours = <T>(byUser: Record<string, T>) => Object.fromEntries(Object.entries(byUser).filter(([u]) => serverNameOf(u) === ctx.serverName));
  return [
    // POST /_matrix/federation/v1/user/keys/query
    op(
      { method: 'POST', path: '/user/keys/query', access: 'server', body: v.object({ device_keys: v.record(v.array(v.string())) }) },
      async function queryUserKeys({ body, origin }) {
        // The requester is a server, not one of our users: no private signatures are visible to it.
        const res = await ctx.keyserver.queryLocalKeys(origin!, ours(body.device_keys));
        return { device_keys: res.device_keys, master_keys: res.master_keys ?? {}, self_signing_keys: res.self_signing_keys ?? {} };
      },
    ),
    // POST /_matrix/federation/v1/user/keys/claim
    op(
      { method: 'POST', path: '/user/keys/claim', access: 'server', body: v.object({ one_time_keys: v.record(v.record(v.string())) }) },
      async function claimUserKeys({ body }) {
        return { one_time_keys: await ctx.keyserver.claimLocalKeys(ours(body.one_time_keys)) };
      },
    ),
  ];
}

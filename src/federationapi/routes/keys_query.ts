// Server-Server API, "Querying Keys Through Another Server" (keys_query.yaml): we act as a notary.
import { invalidParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { parseServerName } from '../../protocol/identifiers.ts';
import type { FederationContext } from '../context.ts';

const criteria = v.object({ minimum_valid_until_ts: v.integer().opt() });

/** A ?minimum_valid_until_ts= value, when given. */
function minValid(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw invalidParam('minimum_valid_until_ts must be an integer');
  return Number(raw);
}

/** Mounted under /_matrix/key/v2. */
export function keysQueryOps(ctx: FederationContext): Operation[] {
  const one = async (serverName: string, keyId: string | undefined, min: number | undefined) => {
    if (!parseServerName(serverName).ok) return { server_keys: [] };
    const keys = keyId ? { [keyId]: { minimum_valid_until_ts: min } } : {};
    return { server_keys: await ctx.notary.query({ [serverName]: keys }, min) };
  };
  return [
    // POST /_matrix/key/v2/query
    op(
      { method: 'POST', path: '/query', access: 'none', body: v.object({ server_keys: v.record(v.record(criteria)) }) },
      async function bulkPerspectivesKeyQuery({ body }) {
        const valid = Object.fromEntries(Object.entries(body.server_keys).filter(([s]) => parseServerName(s).ok));
        return { server_keys: await ctx.notary.query(valid) };
      },
    ),
    // GET /_matrix/key/v2/query/{serverName}
    op({ method: 'GET', path: '/query/:serverName', access: 'none' }, function perspectivesKeyQuery({ params, query }) {
      return one(params.serverName!, undefined, minValid(query('minimum_valid_until_ts')));
    }),
    // GET /_matrix/key/v2/query/{serverName}/{keyId}: the deprecated form naming one key.
    op({ method: 'GET', path: '/query/:serverName/:keyId', access: 'none' }, function perspectivesKeyQueryById({ params, query }) {
      return one(params.serverName!, params.keyId, minValid(query('minimum_valid_until_ts')));
    }),
  ];
}

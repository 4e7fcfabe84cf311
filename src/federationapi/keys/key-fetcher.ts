// Getting another server's keys (Server-Server API, "Retrieving server keys"): directly from the
// server (GET /_matrix/key/v2/server), or through the notaries of federation_api.key_perspectives
// (POST /_matrix/key/v2/query). Direct first unless notaries are configured and
// prefer_direct_fetch is off; the other way is the fallback. Every response is checked
// (./validate-keys.ts) before its keys are returned.
import type { Config } from '../../config/types.ts';
import type { Logger } from '../../setup/logger.ts';
import { fetchServerKeys, notaryQuery } from '../client/calls/keys.ts';
import type { FederationClient } from '../client/client.ts';
import type { ServerKeyRow } from '../storage/server-keys.ts';
import { keysFromResponse, signedByNotary } from './validate-keys.ts';

type Perspective = Config['federation_api']['key_perspectives'][number];

export interface KeyFetcherOptions {
  client: FederationClient;
  perspectives: readonly Perspective[];
  preferDirect: boolean;
  log: Logger;
  now: () => number;
}

export class KeyFetcher {
  constructor(private readonly opts: KeyFetcherOptions) {}

  /** Keys of `server`, from wherever answers first in the configured order. Throws if none did. */
  async fetch(server: string, keyIds: readonly string[], minValidUntil: number): Promise<ServerKeyRow[]> {
    const { perspectives, preferDirect } = this.opts;
    const order: (() => Promise<ServerKeyRow[]>)[] = [() => this.direct(server)];
    if (perspectives.length > 0) {
      const notaries = () => this.viaNotaries(server, keyIds, minValidUntil);
      if (preferDirect) order.push(notaries);
      else order.unshift(notaries);
    }
    const errors: string[] = [];
    for (const attempt of order) {
      try {
        const rows = await attempt();
        if (rows.length > 0) return rows;
        errors.push('no keys');
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    throw new Error(`no keys for ${server}: ${errors.join('; ')}`);
  }

  /** GET /_matrix/key/v2/server from the server itself. */
  async direct(server: string): Promise<ServerKeyRow[]> {
    const json = await fetchServerKeys(this.opts.client, server);
    return keysFromResponse(json, server, this.opts.now());
  }

  private async viaNotaries(server: string, keyIds: readonly string[], minValidUntil: number): Promise<ServerKeyRow[]> {
    const criteria = Object.fromEntries(keyIds.map((k) => [k, { minimum_valid_until_ts: minValidUntil }]));
    for (const p of this.opts.perspectives) {
      try {
        const answers = await notaryQuery(this.opts.client, p.server_name, { [server]: criteria });
        const rows: ServerKeyRow[] = [];
        for (const a of answers) {
          if ((a as { server_name?: unknown }).server_name !== server) continue;
          // The notary's copy must be signed by the notary with a key we trust for it, and by the origin.
          if (!signedByNotary(a as object, p.server_name, p.keys)) continue;
          const { signatures, ...rest } = a as { signatures: Record<string, Record<string, string>> };
          const originOnly = { ...rest, signatures: { [server]: signatures[server] ?? {} } };
          rows.push(...keysFromResponse(originOnly, server, this.opts.now()));
        }
        if (rows.length > 0) return rows;
      } catch (e) {
        this.opts.log.info('notary key query failed', { notary: p.server_name, server, error: (e as Error).message });
      }
    }
    return [];
  }
}

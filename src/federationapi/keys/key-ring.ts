// The key ring: other servers' signing keys, fetched when needed, checked, kept in
// federationapi_server_keys and in memory. Signature checks are synchronous (protocol's
// KeyLookup), so callers `ensure` the keys an object needs first, then `lookup` answers from
// memory. Validity (Server-Server API, keys.yaml `valid_until_ts`): a current key counts until the
// lesser of its valid_until_ts and 7 days after we fetched it; an old key until its expired_ts.
// Room versions 1–4 ignore validity (validAt undefined).
import type { Logger } from '../../setup/logger.ts';
import type { Database } from '../../storage/types.ts';
import { type ServerKeyRow, selectServerKeys, upsertServerKeys } from '../storage/server-keys.ts';
import type { KeyFetcher } from './key-fetcher.ts';
import type { OurKeys } from './our-keys.ts';

const WEEK_MS = 7 * 24 * 3600_000;
/** After a failed fetch, the server is not asked again for this long. */
const FAILURE_BACKOFF_MS = 30_000;
/** Nor after a good one, so requests naming unknown keys cannot make us fetch over and over. */
const REFETCH_MIN_MS = 10_000;
const MAX_SERVERS_IN_MEMORY = 20_000;

export interface KeyRingOptions {
  db: Database;
  ourKeys: OurKeys;
  fetcher: KeyFetcher;
  log: Logger;
  now: () => number;
}

export class KeyRing {
  private readonly known = new Map<string, Map<string, ServerKeyRow>>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly failedAt = new Map<string, number>();
  private readonly fetchedAt = new Map<string, number>();

  constructor(private readonly opts: KeyRingOptions) {}

  /** Whether `key` may check a signature made at `validAt` (undefined: any time). */
  static usable(key: ServerKeyRow, validAt: number | undefined): boolean {
    if (validAt === undefined) return true;
    if (key.expiredTs !== null) return validAt < key.expiredTs;
    return validAt <= Math.min(key.validUntilTs, key.fetchedTs + WEEK_MS);
  }

  /** The public key (unpadded base64) of `server`'s `keyId` if known and usable at `validAt`. Synchronous. */
  lookup(server: string, keyId: string, validAt: number | undefined): string | undefined {
    if (server === this.opts.ourKeys.serverName) return this.opts.ourKeys.publicKey(keyId, validAt);
    const key = this.known.get(server)?.get(keyId);
    return key && KeyRing.usable(key, validAt) ? key.publicKey : undefined;
  }

  /** A current key of `server` valid now, for checking a request's X-Matrix signature. */
  async requestKey(server: string, keyId: string): Promise<string | undefined> {
    const now = this.opts.now();
    await this.ensure(server, [keyId], now);
    if (server === this.opts.ourKeys.serverName) return this.opts.ourKeys.publicKey(keyId, undefined);
    const key = this.known.get(server)?.get(keyId);
    return key && key.expiredTs === null && KeyRing.usable(key, now) ? key.publicKey : undefined;
  }

  /** Makes sure the keys are in memory, fetching those unknown or not valid at `validAt`. Never throws. */
  async ensure(server: string, keyIds: readonly string[], validAt: number | undefined): Promise<void> {
    if (server === this.opts.ourKeys.serverName || keyIds.length === 0) return;
    await this.load(server);
    const missing = keyIds.filter((k) => this.lookup(server, k, validAt) === undefined);
    if (missing.length === 0) return;
    const now = this.opts.now();
    const failed = this.failedAt.get(server);
    if (failed !== undefined && now - failed < FAILURE_BACKOFF_MS) return;
    const fetched = this.fetchedAt.get(server);
    if (fetched !== undefined && now - fetched < REFETCH_MIN_MS) return;
    let flight = this.inflight.get(server);
    if (!flight) {
      flight = this.fetchAndStore(server, missing, validAt ?? this.opts.now()).finally(() => this.inflight.delete(server));
      this.inflight.set(server, flight);
    }
    await flight;
  }

  /** Stores checked keys (from a fetch or a notary answer) and refreshes memory from the table. */
  async store(server: string, rows: readonly ServerKeyRow[]): Promise<void> {
    await this.opts.db.transaction((tx) => upsertServerKeys(tx, rows));
    this.known.delete(server);
    await this.load(server);
  }

  /** Every stored key of `server` (the notary answers from these). */
  async storedKeys(server: string): Promise<ServerKeyRow[]> {
    await this.load(server);
    return [...(this.known.get(server)?.values() ?? [])];
  }

  /** Fetches straight from the server and stores what it answered (the notary's refresh). */
  async refreshDirect(server: string): Promise<void> {
    const rows = await this.opts.fetcher.direct(server);
    await this.store(server, rows);
  }

  private async fetchAndStore(server: string, keyIds: readonly string[], minValidUntil: number): Promise<void> {
    try {
      const rows = await this.opts.fetcher.fetch(server, keyIds, minValidUntil);
      await this.store(server, rows);
      this.failedAt.delete(server);
      if (this.fetchedAt.size > MAX_SERVERS_IN_MEMORY) this.fetchedAt.clear();
      this.fetchedAt.set(server, this.opts.now());
    } catch (e) {
      if (this.failedAt.size > MAX_SERVERS_IN_MEMORY) this.failedAt.clear();
      this.failedAt.set(server, this.opts.now());
      this.opts.log.info('cannot fetch server keys', { server, keyIds, error: (e as Error).message });
    }
  }

  private async load(server: string): Promise<void> {
    if (this.known.has(server)) return;
    const rows = await selectServerKeys(this.opts.db, server);
    if (this.known.size >= MAX_SERVERS_IN_MEMORY) this.known.delete(this.known.keys().next().value as string);
    this.known.set(server, new Map(rows.map((r) => [r.keyId, r])));
  }
}

// createFederationapi: the federation component (DESIGN.md; Server-Server API). It serves
// /_matrix/federation and /_matrix/key, keeps other servers' keys (the key ring, also a notary),
// takes transactions in (PDUs to the room server, EDUs onto the bus), and sends our events and
// EDUs out through per-destination queues. Other components reach it only through api.ts; the
// setup code also takes from here the outbound client (for the key and media components, which
// are built before it) and the request verifier for the router.
import type { Bus, Subscription } from '../bus/types.ts';
import type { Config } from '../config/types.ts';
import type { MatrixApp } from '../http/app.ts';
import type { RouterDeps } from '../http/router.ts';
import { nativeEd25519 } from '../protocol/signing/native.ts';
import type { Base, Component, ServerSigningKey } from '../setup/base.ts';
import type { Logger } from '../setup/logger.ts';
import { runMigrations } from '../storage/migrations.ts';
import type { Database } from '../storage/types.ts';
import { AclCache } from './acl.ts';
import type { FederationApi } from './api.ts';
import { buildApi } from './build-api.ts';
import { FederationClient } from './client/client.ts';
import { cachingDns, type Dns, systemDns } from './client/dns.ts';
import { NetworkGuard } from './client/network-guard.ts';
import { Transport } from './client/transport.ts';
import type { FederationContext, FederationKeyserver, FederationRoomserver, FederationUserapi } from './context.ts';
import { TransactionHandler } from './inbound/transaction.ts';
import { KeyFetcher } from './keys/key-fetcher.ts';
import { KeyRing } from './keys/key-ring.ts';
import { Notary } from './keys/notary.ts';
import { OurKeys } from './keys/our-keys.ts';
import { mountFederationRoutes } from './routes.ts';
import type { BackoffOptions } from './sender/backoff.ts';
import { startConsumers } from './sender/consumers/index.ts';
import { JoinedHosts } from './sender/joined-hosts.ts';
import { Queues } from './sender/queues.ts';
import { FEDERATIONAPI_MIGRATIONS } from './storage/migrations/index.ts';

export { keyserverFederation } from './client/calls/user.ts';
export { remoteMediaFetcher } from './client/calls/media.ts';
export { serverVerifier } from './inbound/router-verifier.ts';

export interface ClientParts {
  config: Config;
  serverName: string;
  signingKey: ServerSigningKey;
  log: Logger;
  /** Name lookups; the system resolver (with global.dns_cache) unless given. */
  dns?: Dns;
}

/** The outbound federation client of this server's configuration. */
export function buildClient(parts: ClientParts): FederationClient {
  const { config, log } = parts;
  const f = config.federation_api;
  const dnsCache = config.global.dns_cache;
  const dns = parts.dns ?? (dnsCache?.enabled ? cachingDns(systemDns, dnsCache.cache_size, dnsCache.cache_lifetime) : systemDns);
  const caFiles = [config.sytest?.ca_file, process.env.NODE_EXTRA_CA_CERTS].filter((f): f is string => typeof f === 'string' && f !== '');
  const transport = new Transport({
    dns,
    guard: new NetworkGuard(f.deny_networks, f.allow_networks),
    disableTlsValidation: f.disable_tls_validation,
    caFiles,
    keepAlive: !f.disable_http_keepalives,
    log: log.child('federation-client'),
  });
  return new FederationClient(transport, { serverName: parts.serverName, keyId: parts.signingKey.keyId, signer: nativeEd25519.signer(parts.signingKey.seed) });
}

const clients = new WeakMap<Base, FederationClient>();

/** One client per Base (per process): its connection pool and well-known cache are shared. */
export function federationClientFor(base: Base): FederationClient {
  let c = clients.get(base);
  if (!c) {
    c = buildClient({ config: base.config, serverName: base.serverName, signingKey: base.signingKey, log: base.log });
    clients.set(base, c);
  }
  return c;
}

export interface FederationParts extends ClientParts {
  db: Database;
  bus: Bus;
  roomserver: FederationRoomserver;
  userapi: FederationUserapi;
  keyserver: FederationKeyserver;
  client?: FederationClient;
  /** Retry timing of the destination queues (tests shorten it). */
  backoff?: BackoffOptions;
  now?: () => number;
}

/** The component's parts; tests and benchmarks build it from these directly. */
export interface Federationapi extends Component<FederationApi> {
  readonly ctx: FederationContext;
  readonly queues: Queues;
  readonly transactions: TransactionHandler;
}

export async function migrateFederationapi(db: Database, log?: Logger): Promise<void> {
  await runMigrations(db, 'federationapi', FEDERATIONAPI_MIGRATIONS, log);
}

export async function buildFederationapi(parts: FederationParts): Promise<Federationapi> {
  const { config, db, log } = parts;
  await migrateFederationapi(db, log);
  const now = parts.now ?? Date.now;
  const client = parts.client ?? buildClient(parts);
  const signer = nativeEd25519.signer(parts.signingKey.seed);
  const g = config.global;
  const ourKeys = new OurKeys({ serverName: parts.serverName, keyId: parts.signingKey.keyId, signer, validityMs: g.key_validity_period, oldKeys: g.old_private_keys, now });
  const fetcher = new KeyFetcher({ client, perspectives: config.federation_api.key_perspectives, preferDirect: config.federation_api.prefer_direct_fetch, log, now });
  const keyRing = new KeyRing({ db, ourKeys, fetcher, log, now });
  let txnCounter = 0;
  const bootId = now().toString(36);
  const queues = new Queues({
    db,
    log,
    serverName: parts.serverName,
    client,
    roomserver: parts.roomserver,
    maxRetries: Math.max(1, config.federation_api.send_max_retries),
    backoff: parts.backoff ?? { baseMs: 2_000, maxMs: 24 * 3600_000 },
    blacklist: new Set(),
    troubled: new Set(),
    nextTxnId: () => `${bootId}-${++txnCounter}`,
    now,
  });
  const ctx: FederationContext = {
    db,
    bus: parts.bus,
    log,
    serverName: parts.serverName,
    ourKeys,
    keyRing,
    notary: new Notary(keyRing, ourKeys, now),
    client,
    acl: new AclCache(parts.roomserver, now),
    roomserver: parts.roomserver,
    userapi: parts.userapi,
    keyserver: parts.keyserver,
    presenceInbound: g.presence?.enable_inbound ?? false,
    liveness: queues,
    now,
  };
  const transactions = new TransactionHandler(ctx);
  const hosts = new JoinedHosts(db, parts.roomserver);
  const federationOn = !g.disable_federation;
  let subs: Subscription[] = [];
  return {
    ctx,
    queues,
    transactions,
    api: buildApi(ctx, hosts),
    mountRoutes(app: MatrixApp, deps: RouterDeps) {
      if (federationOn) mountFederationRoutes(app, deps, ctx, transactions);
    },
    async start() {
      if (!federationOn) return;
      await queues.start();
      subs = await startConsumers({ ctx, queues, hosts }, { presenceOutbound: g.presence?.enable_outbound ?? false });
    },
    async close() {
      await Promise.all(subs.map((s) => s.stop()));
      await queues.close();
    },
  };
}

export interface FederationapiDeps {
  roomserver: FederationRoomserver;
  userapi: FederationUserapi;
  keyserver: FederationKeyserver;
}

export async function createFederationapi(base: Base, deps: FederationapiDeps): Promise<Federationapi> {
  const log = base.log.child('federationapi');
  const db = await base.openDatabase(base.config.federation_api.database);
  // The database is closed with the Base that opened it.
  return buildFederationapi({
    config: base.config,
    serverName: base.serverName,
    signingKey: base.signingKey,
    log,
    db,
    bus: base.bus,
    client: federationClientFor(base),
    ...deps,
  });
}

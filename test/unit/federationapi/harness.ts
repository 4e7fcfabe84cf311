// A whole server as federation sees it, in process: its own database, in-process bus, the real
// room server, user API, key server and federation API, the federation routes on a Matrix app
// served over HTTPS on 127.0.0.1 (server name `127.0.0.1:<port>`), so that two of them talk to
// each other exactly as two servers do. Events of a room are built and signed with the stack's
// own key, as its server would.
import { tmpdir } from 'node:os';
import { openBus } from '../../../src/bus/open.ts';
import { STREAMS } from '../../../src/bus/streams.ts';
import type { Bus, BusMessage, Subscription } from '../../../src/bus/types.ts';
import { makeCertificate } from '../../../src/cli/tls-certificate.ts';
import { authenticateWithUserapi } from '../../../src/clientapi/index.ts';
import { configDefaults } from '../../../src/config/defaults.ts';
import type { Config } from '../../../src/config/types.ts';
import { buildFederationapi, type Federationapi, serverVerifier } from '../../../src/federationapi/index.ts';
import type { BackoffOptions } from '../../../src/federationapi/sender/backoff.ts';
import { createApp, type MatrixApp } from '../../../src/http/app.ts';
import type { KeyserverApi } from '../../../src/keyserver/api.ts';
import { buildKeyserverApi, migrateKeyserver } from '../../../src/keyserver/index.ts';
import type { EventRef, JsonObject, PduJson } from '../../../src/protocol/event.ts';
import { buildEvent } from '../../../src/protocol/events/build.ts';
import { nativeEd25519 } from '../../../src/protocol/signing/native.ts';
import type { Signer } from '../../../src/protocol/signing/types.ts';
import { buildRoomserver, type Roomserver } from '../../../src/roomserver/index.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import { openDatabase } from '../../../src/storage/open.ts';
import type { Database } from '../../../src/storage/types.ts';
import type { UserApi } from '../../../src/userapi/api.ts';
import { buildUserapi, migrateUserapi } from '../../../src/userapi/index.ts';
import { databaseOptions, type DatabaseKind, freshDatabase, type FreshDatabase } from '../../helpers/databases.ts';

let cert: Promise<{ certPem: string; keyPem: string }> | undefined;
/** One self-signed certificate for every test server of the process (the stacks skip validation). */
export const testCertificate = () => (cert ??= makeCertificate({ serverName: '127.0.0.1', keySize: 2048 }));

export function freePort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/** The config keys the federation API reads, for a server on loopback that trusts any certificate. */
export function federationConfig(serverName: string, overrides: { federation?: Partial<Config['federation_api']>; global?: Partial<Config['global']> } = {}): Config {
  const config = structuredClone(configDefaults()) as unknown as Config;
  Object.assign(config.global, {
    server_name: serverName,
    key_validity_period: 7 * 24 * 3600_000,
    old_private_keys: [],
    disable_federation: false,
    presence: { enable_inbound: true, enable_outbound: true },
    dns_cache: { enabled: false, cache_size: 0, cache_lifetime: 0 },
    ...overrides.global,
  });
  Object.assign(config.federation_api, {
    send_max_retries: 16,
    disable_tls_validation: true,
    disable_http_keepalives: false,
    key_perspectives: [],
    prefer_direct_fetch: false,
    deny_networks: [],
    allow_networks: [],
    ...overrides.federation,
  });
  return config;
}

let prefixes = 0;

export async function testBus(): Promise<Bus> {
  const bus = await openBus(
    { addresses: [], storage_path: '', topic_prefix: `FedTest${process.pid}x${prefixes++}`, in_memory: true, disable_tls_validation: false, credentials_path: '' },
    stderrLogger('error', 'bus'),
  );
  await bus.ensureStreams(STREAMS);
  return bus;
}

export interface StackOptions {
  kind?: DatabaseKind;
  seed?: number;
  backoff?: BackoffOptions;
  federation?: Partial<Config['federation_api']>;
  /** Do not start the sender's consumers and queues. */
  noSender?: boolean;
}

export interface Stack {
  serverName: string;
  port: number;
  db: Database;
  bus: Bus;
  rs: Roomserver;
  userapi: UserApi;
  keyserver: KeyserverApi;
  fed: Federationapi;
  app: MatrixApp;
  keyId: string;
  signer: Signer;
  /** Messages published on a stream from now on (a test consumer). */
  watch(stream: string): Promise<{ messages: BusMessage[]; stop(): Promise<void> }>;
  close(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const port = freePort();
  const serverName = `127.0.0.1:${port}`;
  const fresh: FreshDatabase = await freshDatabase(opts.kind ?? 'sqlite');
  const db = await openDatabase(databaseOptions(fresh.connectionString), databaseOptions(''), tmpdir());
  const bus = await testBus();
  const log = stderrLogger('error', `fed-test-${port}`);
  const signingKey = { keyId: `ed25519:k${opts.seed ?? 1}`, seed: new Uint8Array(32).fill(opts.seed ?? 1) };
  const rs = await buildRoomserver({ db, bus, log, serverName, signingKey });
  await migrateUserapi(db);
  const userapi = buildUserapi({ db, serverName, bcryptCost: 4, bus, log });
  await migrateKeyserver(db);
  const keyserver = buildKeyserverApi({ db, bus, log, serverName, userapi, roomserver: rs, deviceKeyChecks: 'structure', now: Date.now });
  const config = federationConfig(serverName, { federation: opts.federation });
  const fed = await buildFederationapi({ config, serverName, signingKey, log, db, bus, roomserver: rs, userapi, keyserver, backoff: opts.backoff });
  const app = createApp(log);
  fed.mountRoutes!(app, { authenticate: authenticateWithUserapi(userapi), log, maxBodyBytes: 1 << 22, verifyServer: serverVerifier(fed.api) });
  if (!opts.noSender) await fed.start!();
  const { certPem, keyPem } = await testCertificate();
  const server = Bun.serve({ hostname: '127.0.0.1', port, tls: { cert: certPem, key: keyPem }, fetch: (req, srv) => app.app.fetch(req, { server: srv }) });
  const watchers: Subscription[] = [];
  let n = 0;
  return {
    serverName,
    port,
    db,
    bus,
    rs,
    userapi,
    keyserver,
    fed,
    app,
    keyId: signingKey.keyId,
    signer: nativeEd25519.signer(signingKey.seed),
    async watch(stream) {
      const messages: BusMessage[] = [];
      const sub = await bus.consume({ stream, durable: `TestWatch${n++}` }, async (m) => {
        messages.push(m);
      });
      watchers.push(sub);
      return { messages, stop: () => sub.stop() };
    },
    async close() {
      await Promise.all(watchers.map((w) => w.stop()));
      await server.stop(true);
      await fed.close();
      await rs.close();
      await bus.close();
      await db.close();
      await fresh.cleanup();
    },
  };
}

/** Builds and signs room events as `server` (with its key), chaining prev_events and depth. */
export class RoomBuilder {
  readonly events: PduJson[] = [];
  private readonly ids: string[] = [];
  roomId = '';
  private state = new Map<string, string>();
  private readonly depthOf = new Map<string, number>();

  constructor(
    private readonly server: { serverName: string; keyId: string; signer: Signer },
    readonly version = '10',
  ) {}

  /** Appends an event after the last one (or after `prev`), signed by `as` (else the builder's server). */
  add(
    sender: string,
    type: string,
    content: JsonObject,
    stateKey?: string,
    prev?: string[],
    as?: { serverName: string; keyId: string; signer: Signer },
  ): { pdu: PduJson; eventId: string } {
    const built = this.draft(sender, type, content, stateKey, prev, as);
    this.record(type, stateKey, built);
    return built;
  }

  /** An event after the last one that does not become part of the room's chain here. */
  draft(
    sender: string,
    type: string,
    content: JsonObject,
    stateKey?: string,
    prev?: string[],
    as?: { serverName: string; keyId: string; signer: Signer },
  ): { pdu: PduJson; eventId: string } {
    const prevEvents: EventRef[] = prev ?? (this.ids.length > 0 ? [this.ids[this.ids.length - 1]!] : []);
    const auth = ['m.room.create\u0000', 'm.room.power_levels\u0000', `m.room.member\u0000${sender}`]
      .map((k) => this.state.get(k))
      .filter((x): x is string => x !== undefined);
    if (type === 'm.room.member' && stateKey !== undefined && (content.membership === 'join' || content.membership === 'invite')) {
      const jr = this.state.get('m.room.join_rules\u0000');
      if (jr) auth.push(jr);
    }
    const built = buildEvent(
      {
        roomVersion: this.version,
        roomId: type === 'm.room.create' ? `!room${Date.now()}${Math.floor(Math.random() * 1e6)}:${this.server.serverName}` : this.roomId,
        sender,
        type,
        stateKey,
        content,
        prevEvents,
        authEvents: type === 'm.room.create' ? [] : [...new Set(auth)],
        depth: Math.max(0, ...prevEvents.map((id) => this.depthOf.get(id as string) ?? 0)) + 1,
        originServerTs: Date.now(),
      },
      (as ?? this.server).serverName,
      (as ?? this.server).keyId,
      (as ?? this.server).signer,
    );
    if (type === 'm.room.create') this.roomId = built.event.roomId;
    return { pdu: built.pdu, eventId: built.event.eventId };
  }

  private record(type: string, stateKey: string | undefined, built: { pdu: PduJson; eventId: string }): void {
    this.events.push(built.pdu);
    this.ids.push(built.eventId);
    this.depthOf.set(built.eventId, built.pdu.depth);
    if (stateKey !== undefined) this.state.set(`${type}\u0000${stateKey}`, built.eventId);
  }

  /** A public room created by `creator`: create, join, power levels, join rules, history visibility. */
  create(creator: string, opts: { historyVisibility?: string } = {}): void {
    this.add(creator, 'm.room.create', { creator, room_version: this.version }, '');
    this.add(creator, 'm.room.member', { membership: 'join' }, creator);
    this.add(creator, 'm.room.power_levels', { users: { [creator]: 100 }, users_default: 0, events_default: 0, state_default: 50 }, '');
    this.add(creator, 'm.room.join_rules', { join_rule: 'public' }, '');
    this.add(creator, 'm.room.history_visibility', { history_visibility: opts.historyVisibility ?? 'shared' }, '');
  }

  /** Gives every event built so far to a stack's room server, in order. */
  async feed(stack: Stack, from = 0): Promise<void> {
    const results = await stack.rs.inputRoomEvents(this.events.slice(from).map((pdu) => ({ kind: 'new' as const, pdu })));
    const bad = results.filter((r) => r.status !== 'accepted' && r.status !== 'duplicate');
    if (bad.length > 0) throw new Error(`room events refused: ${JSON.stringify(bad)}`);
  }

  get lastId(): string {
    return this.ids[this.ids.length - 1]!;
  }

  idOf(i: number): string {
    return this.ids[i]!;
  }
}

/** Waits until `check` holds, polling. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await Bun.sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

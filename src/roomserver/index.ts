// createRoomserver: the room server component (DESIGN.md, "How a message flows"): the room DAG,
// state snapshots and event JSON over its own tables, events in per-room order, OutputRoomEvent
// on the bus. Other components reach it only through api.ts.
import { STREAMS } from '../bus/streams.ts';
import type { Bus } from '../bus/types.ts';
import { nativeEd25519 } from '../protocol/signing/native.ts';
import type { Base, Component } from '../setup/base.ts';
import type { Logger } from '../setup/logger.ts';
import { runMigrations } from '../storage/migrations.ts';
import type { Database } from '../storage/types.ts';
import type { RoomserverApi } from './api.ts';
import { Counter, type RoomserverContext, type ServerKeyLookup } from './context.ts';
import { createRoom } from './create-room.ts';
import { eventTemplate } from './event-template.ts';
import { EventStore, toStoredEvent } from './event-store.ts';
import { GroupCommitter } from './input/committer.ts';
import { IdempotencyKeys } from './input/idempotency.ts';
import { inputRoomEvents } from './input/input-events.ts';
import { inputOutOfBandMembership } from './input/out-of-band.ts';
import { OutputPublisher } from './input/publish-output.ts';
import { sendEvent } from './input/send-event.ts';
import { NidMap } from './nid-map.ts';
import { aliasCreator, aliasesForRoom, removeAlias, resolveAlias, setAlias } from './queries/aliases.ts';
import { publicRooms, setVisibility, visibility } from './queries/directory.ts';
import { eventAtTimestamp, eventsById, eventsByNid } from './queries/events.ts';
import { forget, isForgotten, joinedMembers, membership, roomsForUser } from './queries/members.ts';
import { currentState, latestEvents, roomVersion, stateAfterEvent, stateBeforeEvent, stateEvent } from './queries/state.ts';
import { RoomCache } from './room-info.ts';
import { RoomQueues } from './room-queues.ts';
import { StateStore } from './state/state-store.ts';
import { SEEDED_STATE_KEYS } from './storage/event-state-keys.ts';
import { SEEDED_TYPES } from './storage/event-types.ts';
import { maxEventNid } from './storage/events.ts';
import { ROOMSERVER_MIGRATIONS } from './storage/migrations/index.ts';
import { maxOutputId } from './storage/output-queue.ts';
import { maxRoomNid } from './storage/rooms.ts';
import { maxStateBlockNid } from './storage/state-blocks.ts';
import { maxStateSnapshotNid } from './storage/state-snapshots.ts';
import { upgradeRoom } from './upgrade-room.ts';
import { authVerifier } from './verifier.ts';

const DEFAULT_CACHE_BYTES = 1 << 30;
const DEFAULT_MAX_ROOMS = 32;

export interface RoomserverParts {
  db: Database;
  bus: Bus;
  log: Logger;
  serverName: string;
  signingKey: { keyId: string; seed: Uint8Array };
  /** global.cache.max_size_estimated: the budget shared by the room server's caches. */
  cacheBytes?: number;
  /** How many rooms process events at the same time. */
  maxConcurrentRooms?: number;
  /** Other servers' keys, for the signature checks inside the auth rules. */
  keys?: ServerKeyLookup;
  now?: () => number;
}

/** The room server's API plus what only the process that hosts it may call. */
export interface Roomserver extends RoomserverApi {
  /** Resolves once every queued event has been processed and published. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function migrateRoomserver(db: Database, log?: Logger): Promise<void> {
  await runMigrations(db, 'roomserver', ROOMSERVER_MIGRATIONS, log);
}

/** Builds the room server over a database (migrated here) and publishes what a crash left unsent. */
export async function buildRoomserver(parts: RoomserverParts): Promise<Roomserver> {
  const { db, bus, log } = parts;
  await migrateRoomserver(db, log);
  await bus.ensureStreams(STREAMS.filter((s) => s.name === 'OutputRoomEvent'));
  const bytes = parts.cacheBytes !== undefined && parts.cacheBytes > 0 ? parts.cacheBytes : DEFAULT_CACHE_BYTES;
  const signer = nativeEd25519.signer(parts.signingKey.seed);
  const counters = {
    event: new Counter(await maxEventNid(db)),
    room: new Counter(await maxRoomNid(db)),
    output: new Counter(await maxOutputId(db)),
  };
  const block = new Counter(await maxStateBlockNid(db));
  const snapshot = new Counter(await maxStateSnapshotNid(db));
  // The budget: half for parsed events, a quarter for state blocks, the rest for the others.
  const state = new StateStore(db, {
    blockEntries: Math.floor((bytes * 0.25) / 24),
    snapshotBlocks: Math.floor((bytes * 0.1) / 16),
    nextBlockNid: () => block.next(),
    nextSnapshotNid: () => snapshot.next(),
  });
  const rooms = new RoomCache(db, state, Math.max(64, Math.floor((bytes * 0.02) / 256)));
  const events = new EventStore(db, rooms, Math.floor(bytes * 0.5));
  const nidBudget = Math.floor(bytes * 0.05);
  const output = new OutputPublisher(db, bus, log, async (nids) => {
    const found = await events.byNids(nids);
    return new Map([...found].map(([nid, e]) => [nid, toStoredEvent(e)]));
  });
  let context: RoomserverContext | undefined;
  const ctx: RoomserverContext = {
    db,
    serverName: parts.serverName,
    keyId: parts.signingKey.keyId,
    signer,
    bus,
    log,
    rooms,
    events,
    state,
    types: await NidMap.open(db, 'types', nidBudget, SEEDED_TYPES),
    stateKeys: await NidMap.open(db, 'stateKeys', nidBudget, SEEDED_STATE_KEYS),
    counters,
    queues: new RoomQueues(parts.maxConcurrentRooms ?? DEFAULT_MAX_ROOMS),
    output,
    committer: new GroupCommitter(db, () => context!),
    idempotency: new IdempotencyKeys(db),
    verifier: authVerifier(parts.serverName, parts.signingKey.keyId, signer.publicKey, parts.keys),
    now: parts.now ?? Date.now,
  };
  context = ctx;
  const replayed = await output.replay();
  if (replayed > 0) log.info('published room events left unsent by the last run', { count: replayed });
  return roomserverApi(ctx);
}

function roomserverApi(ctx: RoomserverContext): Roomserver {
  return {
    sendEvent: (req) => sendEvent(ctx, req),
    sentEvent: async (sender, key) => (await ctx.idempotency.stored(sender, key)) ?? null,
    createRoom: (req) => createRoom(ctx, req),
    roomVersion: (roomId) => roomVersion(ctx, roomId),
    currentState: (roomId, filter) => currentState(ctx, roomId, filter),
    stateEvent: (roomId, type, stateKey) => stateEvent(ctx, roomId, type, stateKey),
    stateAfterEvent: (eventId, filter) => stateAfterEvent(ctx, eventId, filter),
    stateBeforeEvent: (eventId, filter) => stateBeforeEvent(ctx, eventId, filter),
    membership: (roomId, userId) => membership(ctx, roomId, userId),
    roomsForUser: (userId, memberships) => roomsForUser(ctx, userId, memberships),
    joinedMembers: (roomId) => joinedMembers(ctx, roomId),
    eventsById: (ids) => eventsById(ctx, ids),
    eventsByNid: (nids) => eventsByNid(ctx, nids),
    latestEvents: (roomId) => latestEvents(ctx, roomId),
    eventAtTimestamp: (roomId, ts, dir) => eventAtTimestamp(ctx, roomId, ts, dir),
    setAlias: (alias, roomId, creator) => setAlias(ctx, alias, roomId, creator),
    resolveAlias: (alias) => resolveAlias(ctx, alias),
    removeAlias: (alias) => removeAlias(ctx, alias),
    aliasCreator: (alias) => aliasCreator(ctx, alias),
    aliasesForRoom: (roomId) => aliasesForRoom(ctx, roomId),
    setVisibility: (roomId, v) => setVisibility(ctx, roomId, v),
    visibility: (roomId) => visibility(ctx, roomId),
    publicRooms: (req) => publicRooms(ctx, req),
    forget: (roomId, userId) => forget(ctx, roomId, userId),
    isForgotten: (roomId, userId) => isForgotten(ctx, roomId, userId),
    upgradeRoom: (roomId, userId, newVersion) => upgradeRoom(ctx, roomId, userId, newVersion),
    inputRoomEvents: (events) => inputRoomEvents(ctx, events),
    inputOutOfBandMembership: (req) => inputOutOfBandMembership(ctx, req),
    eventTemplate: (req) => eventTemplate(ctx, req),
    idle: () => ctx.queues.idle(),
    close: async () => {
      await ctx.queues.idle();
      await ctx.output.close();
    },
  };
}

export async function createRoomserver(base: Base): Promise<Component<RoomserverApi>> {
  const log = base.log.child('roomserver');
  const db = await base.openDatabase(base.config.room_server.database);
  const cacheBytes = Number(base.config.global.cache?.max_size_estimated);
  const rs = await buildRoomserver({
    db,
    bus: base.bus,
    log,
    serverName: base.serverName,
    signingKey: base.signingKey,
    cacheBytes: Number.isFinite(cacheBytes) ? cacheBytes : undefined,
  });
  return {
    api: rs,
    close: async () => {
      await rs.close();
      await db.close();
    },
  };
}

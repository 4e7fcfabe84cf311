// The key server as a server sees it: a real user API and key server over the database of a
// forEachDatabase run and an in-process bus, the key server's routes mounted on the Matrix app,
// requests made in process with app.request(). Rooms come from a small stand-in for the room
// server's API whose membership changes also go out on the bus as OutputRoomEvent messages, so
// the key server's real consumer sees them.
import type { Hono } from 'hono';
import { openBus } from '../../../src/bus/open.ts';
import { STREAM, STREAMS } from '../../../src/bus/streams.ts';
import type { Bus, Subscription } from '../../../src/bus/types.ts';
import { authenticateWithUserapi } from '../../../src/clientapi/index.ts';
import { createApp } from '../../../src/http/app.ts';
import type { Env } from '../../../src/http/env.ts';
import type { KeyserverApi, OutputKeyChangeEvent } from '../../../src/keyserver/api.ts';
import { consumeRoomMemberships } from '../../../src/keyserver/consumers/room-memberships.ts';
import type { KeyserverContext, KeyserverRoomserver } from '../../../src/keyserver/context.ts';
import { barePosition, buildKeyserverApi, migrateKeyserver } from '../../../src/keyserver/index.ts';
import { mountKeyserver } from '../../../src/keyserver/routes.ts';
import { encodeBase64 } from '../../../src/protocol/base64.ts';
import { nativeEd25519, signJson } from '../../../src/protocol/signing/index.ts';
import type { OutputRoomEvent } from '../../../src/roomserver/api.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import type { Database } from '../../../src/storage/types.ts';
import type { UserApi } from '../../../src/userapi/api.ts';
import { buildUserapi, migrateUserapi } from '../../../src/userapi/index.ts';

export const SERVER = 'keys.test';

/** Joined members per room, answering the two room server calls the key server makes. */
export class Rooms implements KeyserverRoomserver {
  readonly members = new Map<string, Set<string>>();
  /** Membership messages published that change who is in a room (the consumer records those). */
  changes = 0;
  private n = 0;

  constructor(private readonly bus: Bus) {}

  async roomsForUser(userId: string, memberships: string[]) {
    if (!memberships.includes('join')) return [];
    return [...this.members].filter(([, m]) => m.has(userId)).map(([roomId]) => ({ roomId, membership: 'join', eventId: '$x' }));
  }

  async joinedMembers(roomId: string) {
    return [...(this.members.get(roomId) ?? [])];
  }

  /** Changes a membership and publishes it as the room server would. */
  async set(roomId: string, userId: string, membership: 'join' | 'leave') {
    const m = this.members.get(roomId) ?? new Set<string>();
    this.members.set(roomId, m);
    const before = m.has(userId) ? 'join' : 'leave';
    if (membership === 'join') m.add(userId);
    else m.delete(userId);
    if (before !== membership) this.changes++;
    const eventId = `$member${this.n++}`;
    const msg: OutputRoomEvent = {
      kind: 'new_room_event',
      roomId,
      roomVersion: '10',
      event: {
        nid: this.n,
        eventId,
        roomId,
        roomVersion: '10',
        json: {
          type: 'm.room.member',
          state_key: userId,
          sender: userId,
          content: { membership },
          unsigned: { prev_content: { membership: before } },
          origin_server_ts: Date.now(),
          depth: this.n,
          prev_events: [],
          auth_events: [],
          hashes: { sha256: '' },
          signatures: {},
        },
      },
      addsStateEventIds: [eventId],
      removesStateEventIds: [],
      latestEventIds: [eventId],
      historyVisibility: 'shared',
    };
    await this.bus.publish(STREAM.OutputRoomEvent, msg);
  }
}

export interface Harness {
  app: Hono<Env>;
  api: KeyserverApi;
  userapi: UserApi;
  ctx: KeyserverContext;
  bus: Bus;
  rooms: Rooms;
  /** OutputKeyChangeEvent messages published so far. */
  published: OutputKeyChangeEvent[];
  /** Resolves once the membership consumer has recorded everything published so far. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

let prefixes = 0;

export async function keyserverHarness(db: Database, opts: { deviceKeyChecks?: 'verify' | 'structure' } = {}): Promise<Harness> {
  await migrateUserapi(db);
  await migrateKeyserver(db);
  const log = stderrLogger('error', 'keyserver-test');
  const bus = await openBus(
    { addresses: [], storage_path: '', topic_prefix: `KeysTest${prefixes++}`, in_memory: true, disable_tls_validation: false, credentials_path: '' },
    stderrLogger('error', 'bus'),
  );
  await bus.ensureStreams(STREAMS);
  const userapi = buildUserapi({ db, serverName: SERVER, bcryptCost: 4, bus, log });
  const rooms = new Rooms(bus);
  const ctx: KeyserverContext = { db, bus, log, serverName: SERVER, userapi, roomserver: rooms, now: Date.now, ...opts };
  const published: OutputKeyChangeEvent[] = [];
  const subs: Subscription[] = [
    await bus.consume({ stream: STREAM.OutputKeyChangeEvent, durable: 'TestWatcher' }, async (m) => {
      published.push(m.json<OutputKeyChangeEvent>());
    }),
    await consumeRoomMemberships(ctx),
  ];
  const matrix = createApp(log);
  mountKeyserver(matrix, { authenticate: authenticateWithUserapi(userapi), log, maxBodyBytes: 1 << 20 }, { ...ctx, positionOf: barePosition });
  const api = buildKeyserverApi(ctx);
  return {
    app: matrix.app,
    api,
    userapi,
    ctx,
    bus,
    rooms,
    published,
    async settle() {
      const recorded = () => published.filter((p) => p.kind !== 'keys').length;
      for (let i = 0; i < 400 && recorded() < rooms.changes; i++) await Bun.sleep(5);
      if (recorded() < rooms.changes) throw new Error('membership changes were not recorded in time');
    },
    async close() {
      for (const s of subs) await s.stop();
      await bus.close();
    },
  };
}

export interface Call {
  status: number;
  // biome-ignore lint: response bodies are checked field by field
  body: any;
}

export async function call(app: Hono<Env>, method: string, path: string, body?: unknown, token?: string): Promise<Call> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** An ed25519 key pair with its public key in unpadded base64. */
export function keyPair(seed = crypto.getRandomValues(new Uint8Array(32))) {
  const signer = nativeEd25519.signer(seed);
  return { signer, publicKey: encodeBase64(signer.publicKey) };
}

export type KeyPair = ReturnType<typeof keyPair>;

/** A local user with one logged-in device and that device's ed25519 and curve25519 keys. */
export class TestDevice {
  readonly ed = keyPair();
  readonly curve = encodeBase64(crypto.getRandomValues(new Uint8Array(32)));
  private otkCounter = 0;

  constructor(
    readonly userId: string,
    readonly deviceId: string,
    readonly token: string,
    readonly password: string,
  ) {}

  deviceKeys(extra: Record<string, unknown> = {}) {
    return signJson(
      {
        user_id: this.userId,
        device_id: this.deviceId,
        algorithms: ['m.olm.v1.curve25519-aes-sha2', 'm.megolm.v1.aes-sha2'],
        keys: { [`curve25519:${this.deviceId}`]: this.curve, [`ed25519:${this.deviceId}`]: this.ed.publicKey },
        ...extra,
      },
      this.userId,
      `ed25519:${this.deviceId}`,
      this.ed.signer,
    );
  }

  /** `count` signed_curve25519 one-time keys signed by this device. */
  oneTimeKeys(count: number, fallback = false): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      const key = { key: encodeBase64(crypto.getRandomValues(new Uint8Array(32))), ...(fallback ? { fallback: true } : {}) };
      out[`signed_curve25519:K${this.otkCounter++}`] = signJson(key, this.userId, `ed25519:${this.deviceId}`, this.ed.signer);
    }
    return out;
  }
}

let n = 0;
export const uniqueLocalpart = (stem = 'k') => `${stem}-${process.pid}-${n++}`;

export async function newDevice(h: Harness, userId?: string, password = 'pw'): Promise<TestDevice> {
  if (userId === undefined) {
    const lp = uniqueLocalpart();
    userId = `@${lp}:${SERVER}`;
    await h.userapi.createAccount({ localpart: lp, password, kind: 'user' });
  }
  const d = await h.userapi.createDevice({ userId });
  return new TestDevice(userId, d.deviceId, d.accessToken, password);
}

/** A cross-signing key object for `userId`, optionally signed by `signer` (a cross-signing key pair). */
export function crossSigningKey(userId: string, usage: string, key: KeyPair, signer?: KeyPair) {
  const obj = { user_id: userId, usage: [usage], keys: { [`ed25519:${key.publicKey}`]: key.publicKey } };
  return signer ? signJson(obj, userId, `ed25519:${signer.publicKey}`, signer.signer) : obj;
}

export const V3 = '/_matrix/client/v3';

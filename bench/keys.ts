// Key server throughput for a room of 500 users with 3 devices each, on both engines:
//   bun bench/keys.ts [rounds=3]
// Each round uses a fresh database with a real user API and key server, its routes on the Matrix
// app, requests made in process (app.request: routing, access-token auth, JSON, validation, SQL;
// no sockets). Every device uploads signed device keys and 20 signed one-time keys. Measured:
//   - POST /keys/query for all 500 users (what a client does when it joins the room), one after another;
//   - POST /keys/claim of one key for each of the 1,500 devices in one request (a first message to the room);
//   - POST /keys/claim of one device's key, 64 requests in flight (sessions started one by one).
// The table shows the median of the rounds.
import { tmpdir } from 'node:os';
import { openBus } from '../src/bus/open.ts';
import { STREAMS } from '../src/bus/streams.ts';
import { authenticateWithUserapi } from '../src/clientapi/index.ts';
import { createApp } from '../src/http/app.ts';
import { barePosition, buildKeyserverApi, migrateKeyserver } from '../src/keyserver/index.ts';
import { mountKeyserver } from '../src/keyserver/routes.ts';
import { encodeBase64 } from '../src/protocol/base64.ts';
import { nativeEd25519, signJson } from '../src/protocol/signing/index.ts';
import { stderrLogger } from '../src/setup/logger.ts';
import { openDatabase } from '../src/storage/open.ts';
import { buildUserapi, migrateUserapi } from '../src/userapi/index.ts';
import { type DatabaseKind, databaseOptions, freshDatabase } from '../test/helpers/databases.ts';

const ROUNDS = Number(process.argv[2] ?? 3);
const USERS = 500;
const DEVICES = 3;
const OTKS = 20;
const SERVER = 'bench.example';
const QUERIES = 20;
const ROOM_CLAIMS = 10;
const SINGLE_CLAIMS = 1000;
const CONCURRENCY = 64;

type Result = Record<string, number>;

const random32 = () => encodeBase64(crypto.getRandomValues(new Uint8Array(32)));

async function round(kind: DatabaseKind): Promise<Result> {
  const fresh = await freshDatabase(kind);
  const db = await openDatabase(databaseOptions(fresh.connectionString), databaseOptions(''), tmpdir());
  const log = stderrLogger('error', 'bench');
  const bus = await openBus({ addresses: [], storage_path: '', topic_prefix: 'KeysBench', in_memory: true, disable_tls_validation: false, credentials_path: '' }, log);
  try {
    await bus.ensureStreams(STREAMS);
    await migrateUserapi(db);
    await migrateKeyserver(db);
    const userapi = buildUserapi({ db, serverName: SERVER, bcryptCost: 4, bus, log });
    const ctx = { db, bus, log, serverName: SERVER, userapi, now: Date.now };
    const matrix = createApp(log);
    mountKeyserver(matrix, { authenticate: authenticateWithUserapi(userapi), log, maxBodyBytes: 16 << 20 }, { ...ctx, positionOf: barePosition });
    buildKeyserverApi(ctx);
    const post = async (path: string, body: unknown, token: string) => {
      const res = await matrix.app.request(`/_matrix/client/v3${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const out = await res.json();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(out)}`);
      return out as Record<string, Record<string, Record<string, unknown>>>;
    };

    const devices: { userId: string; deviceId: string; token: string }[] = [];
    const r: Result = {};
    r['setup: /keys/upload (device keys + 20 one-time keys), 64 in flight'] = await rate(USERS * DEVICES, async () => {
      const users = Array.from({ length: USERS }, (_, i) => i);
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = users.shift(); i !== undefined; i = users.shift()) {
            const localpart = `u${i}`;
            const userId = `@${localpart}:${SERVER}`;
            await userapi.createAccount({ localpart, passwordHash: 'x', kind: 'user' });
            for (let d = 0; d < DEVICES; d++) {
              const { deviceId, accessToken } = await userapi.createDevice({ userId });
              const signer = nativeEd25519.signer(crypto.getRandomValues(new Uint8Array(32)));
              const keyId = `ed25519:${deviceId}`;
              const deviceKeys = signJson(
                { user_id: userId, device_id: deviceId, algorithms: ['m.olm.v1.curve25519-aes-sha2', 'm.megolm.v1.aes-sha2'], keys: { [`curve25519:${deviceId}`]: random32(), [keyId]: encodeBase64(signer.publicKey) } },
                userId,
                keyId,
                signer,
              );
              const otks: Record<string, unknown> = {};
              for (let k = 0; k < OTKS; k++) otks[`signed_curve25519:${k}`] = signJson({ key: random32() }, userId, keyId, signer);
              await post('/keys/upload', { device_keys: deviceKeys, one_time_keys: otks }, accessToken);
              devices.push({ userId, deviceId, token: accessToken });
            }
          }
        }),
      );
    });
    const viewer = devices[0]!.token;
    const everyone = Object.fromEntries(devices.map((d) => [d.userId, [] as string[]]));
    let seen = 0;
    r['/keys/query, 500 users (requests/s)'] = await rate(QUERIES, async () => {
      for (let i = 0; i < QUERIES; i++) {
        const out = await post('/keys/query', { device_keys: everyone }, viewer);
        seen = Object.values(out.device_keys!).reduce((n, u) => n + Object.keys(u).length, 0);
      }
    });
    if (seen !== USERS * DEVICES) throw new Error(`query saw ${seen} devices`);
    const allDevices: Record<string, Record<string, string>> = {};
    for (const d of devices) (allDevices[d.userId] ??= {})[d.deviceId] = 'signed_curve25519';
    let claimed = 0;
    r['/keys/claim, 1,500 devices in one request (requests/s)'] = await rate(ROOM_CLAIMS, async () => {
      for (let i = 0; i < ROOM_CLAIMS; i++) {
        const out = await post('/keys/claim', { one_time_keys: allDevices }, viewer);
        claimed = Object.values(out.one_time_keys!).reduce((n, u) => n + Object.keys(u).length, 0);
      }
    });
    if (claimed !== USERS * DEVICES) throw new Error(`claim got ${claimed} keys`);
    r[`/keys/claim, one device, ${CONCURRENCY} in flight (requests/s)`] = await rate(SINGLE_CLAIMS, async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < SINGLE_CLAIMS) {
            const d = devices[next++ % devices.length]!;
            await post('/keys/claim', { one_time_keys: { [d.userId]: { [d.deviceId]: 'signed_curve25519' } } }, viewer);
          }
        }),
      );
    });
    return r;
  } finally {
    await bus.close();
    await db.close();
    await fresh.cleanup();
  }
}

async function rate(n: number, fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return Math.round((n / ((performance.now() - t0) / 1000)) * 10) / 10;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const kind of ['sqlite', 'postgres'] as const) {
  const rounds: Result[] = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round(kind));
  console.log(`\n${kind} (median of ${ROUNDS}; ${USERS} users x ${DEVICES} devices)`);
  for (const name of Object.keys(rounds[0]!)) {
    console.log(`  ${name.padEnd(66)} ${String(median(rounds.map((r) => r[name]!))).padStart(10)}   [${rounds.map((r) => r[name]).join(', ')}]`);
  }
}
process.exit(0);

// End-to-end encryption keys across servers (Server-Server API, "Device Management" and
// "End-to-End Encryption"; Client-Server API, "Tracking the device list for a user"): /keys/query
// and /keys/claim of another server's user go to their server; their device changes arrive as
// m.device_list_update EDUs, which A's key server applies (or resyncs from) and reports in /sync
// device_lists and /keys/changes; A's copy answers for B's user while B is down.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { TestClient } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { enc, eventually, syncUntil } from './sync-until.ts';

/** A 32-byte key in unpadded base64, different per `seed`. */
const key32 = (seed: string) => Buffer.from(seed.padEnd(32, '.').slice(0, 32)).toString('base64').replace(/=+$/, '');

const placeholderKeys = (userId: string, deviceId: string) => ({
  user_id: userId,
  device_id: deviceId,
  algorithms: ['m.olm.v1.curve25519-aes-sha2', 'm.megolm.v1.aes-sha2'],
  keys: { [`curve25519:${deviceId}`]: key32(`curve-${deviceId}`), [`ed25519:${deviceId}`]: key32(`ed-${deviceId}`) },
  signatures: { [userId]: { [`ed25519:${deviceId}`]: `sig-${deviceId}` } },
});

describe('end-to-end keys between servers', () => {
  let a: TestServer;
  let b: TestServer;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    // Placeholder keys, as SyTest uploads: only their shape is checked.
    const config = { key_server: { verify_device_key_signatures: false } };
    [a, b] = await Promise.all([startServer({ federation: true, config }), startServer({ federation: true, config })]);
    [alice, bob] = await Promise.all([new TestClient(a.url).register('alice'), new TestClient(b.url).register('bob')]);
    const room = await alice.request('POST', '/_matrix/client/v3/createRoom', { preset: 'public_chat' });
    expect((await bob.request('POST', `/_matrix/client/v3/join/${enc(room.body.room_id)}?via=${enc(a.serverName)}`, {})).status).toBe(200);
    const up = await bob.request('POST', '/_matrix/client/v3/keys/upload', {
      device_keys: placeholderKeys(bob.userId, bob.deviceId),
      one_time_keys: { 'curve25519:AAAA': key32('otk-a') },
    });
    expect(up.body).toMatchObject({ one_time_key_counts: { curve25519: 1 } });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.cleanup(), b?.cleanup()]);
  });

  test('POST /keys/query on A for B\'s user is answered by B (federation /user/keys/query)', async () => {
    const q = await alice.request('POST', '/_matrix/client/v3/keys/query', { device_keys: { [bob.userId]: [] } });
    expect(q.status).toBe(200);
    expect(q.body.device_keys[bob.userId][bob.deviceId].keys[`curve25519:${bob.deviceId}`]).toBe(key32(`curve-${bob.deviceId}`));
    expect(q.body.failures).toEqual({});
  }, 30_000);

  test('POST /keys/claim on A for B\'s device hands out B\'s one-time key once (federation /user/keys/claim)', async () => {
    const c = await alice.request('POST', '/_matrix/client/v3/keys/claim', { one_time_keys: { [bob.userId]: { [bob.deviceId]: 'curve25519' } } });
    expect(c.status).toBe(200);
    expect(c.body.one_time_keys[bob.userId][bob.deviceId]['curve25519:AAAA']).toBe(key32('otk-a'));
    const again = await alice.request('POST', '/_matrix/client/v3/keys/claim', { one_time_keys: { [bob.userId]: { [bob.deviceId]: 'curve25519' } } });
    expect(again.body.one_time_keys[bob.userId]?.[bob.deviceId]).toBeUndefined();
  }, 30_000);

  test('a new device of B\'s user reaches A as a device-list update: A\'s user sees B\'s user in device_lists.changed and /keys/changes', async () => {
    const first = await alice.request('GET', '/_matrix/client/v3/sync');
    const since = first.body.next_batch;
    const phone = new TestClient(b.url);
    expect((await phone.login('bob')).status).toBe(200);
    expect((await phone.request('POST', '/_matrix/client/v3/keys/upload', { device_keys: placeholderKeys(bob.userId, phone.deviceId) })).status).toBe(200);
    const changed = await syncUntil(alice, (s) => (s.device_lists?.changed?.includes(bob.userId) ? s.device_lists.changed : undefined), 20_000, since);
    expect(changed).toContain(bob.userId);
    const later = await alice.request('GET', `/_matrix/client/v3/keys/changes?from=${enc(since)}&to=${enc((await alice.request('GET', '/_matrix/client/v3/sync?timeout=0&since=' + enc(since))).body.next_batch)}`);
    expect(later.body.changed).toContain(bob.userId);
    // A applied the update (or resynced) and keeps B's devices: with B down, A still answers from its copy.
    await eventually(async () => {
      const q = await alice.request('POST', '/_matrix/client/v3/keys/query', { device_keys: { [bob.userId]: [] } });
      return q.body.device_keys?.[bob.userId]?.[phone.deviceId] ? true : undefined;
    });
    await b.stop();
    const q = await alice.request('POST', '/_matrix/client/v3/keys/query', { device_keys: { [bob.userId]: [] }, timeout: 2000 });
    expect(q.status).toBe(200);
    expect(Object.keys(q.body.device_keys[bob.userId] ?? {})).toEqual(expect.arrayContaining([bob.deviceId, phone.deviceId]));
    expect(q.body.device_keys[bob.userId][phone.deviceId].keys[`ed25519:${phone.deviceId}`]).toBe(key32(`ed-${phone.deviceId}`));
  }, 60_000);
});

// Client-Server API, "End-to-End Encryption", "Extensions to /sync": device_lists.changed when a
// user sharing a room uploads device keys (the long-poll wakes for it), device_one_time_keys_count
// for the syncing device, and GET /keys/changes over sync tokens; with the real key server.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { deviceListPositionOf } from '../../../src/syncapi/api.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type SyncHarness, type TestUser, client, enc, syncHarness, v3 } from './harness.ts';

forEachDatabase('sync: device lists and key counts', (dbc) => {
  let h: SyncHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await syncHarness(dbc, { keyserver: true });
    c = client(h);
  });
  afterAll(() => h.close());

  const upload = (u: TestUser, body: Record<string, unknown>) => c.call('POST', v3('/keys/upload'), body, u.token);
  const deviceKeys = (u: TestUser) => ({
    user_id: u.userId,
    device_id: u.deviceId,
    algorithms: ['m.olm.v1.curve25519-aes-sha2', 'm.megolm.v1.aes-sha2'],
    keys: { [`curve25519:${u.deviceId}`]: 'curvekey', [`ed25519:${u.deviceId}`]: 'edkey' },
    signatures: { [u.userId]: { [`ed25519:${u.deviceId}`]: 'sig' } },
  });

  test('a co-member uploading device keys wakes the sync with device_lists.changed', async () => {
    const [alice, bob] = [await c.register(), await c.register()];
    const roomId = await c.createRoom(alice, { preset: 'public_chat' });
    await c.join(bob, roomId);
    const first = await c.sync(alice);
    const waiting = c.sync(alice, { since: first.next_batch, timeout: 5000 });
    await Bun.sleep(20);
    expect((await upload(bob, { device_keys: deviceKeys(bob) })).status).toBe(200);
    const body = await waiting;
    expect(body.device_lists?.changed).toContain(bob.userId);
    const changes = await c.call('GET', v3(`/keys/changes?from=${enc(first.next_batch)}&to=${enc(body.next_batch)}`), undefined, alice.token);
    expect(changes.status).toBe(200);
    expect(changes.body.changed).toContain(bob.userId);
    expect(deviceListPositionOf(body.next_batch)).toBeGreaterThan(deviceListPositionOf(first.next_batch)!);
  });

  test('the syncing device gets its one-time key counts', async () => {
    const alice = await c.register();
    const keys = { 'curve25519:AAAAAQ': 'NRWA/74dRi+nFwKWOl2i3jXPgobHrnzhjWW8Jj5VTNc', 'curve25519:AAAAAg': 'raC1UIlGiokhOvpsdMOrEH/M6p/5ngGA2480H0OGkjk' };
    expect((await upload(alice, { one_time_keys: keys })).status).toBe(200);
    const body = await c.sync(alice);
    expect(body.device_one_time_keys_count).toMatchObject({ curve25519: 2 });
    expect(body.device_unused_fallback_key_types).toEqual([]);
  });
});

// Two clients do end-to-end encryption through our key server with a real implementation,
// matrix-sdk-crypto (OlmMachine): they upload device and one-time keys, query and claim them,
// establish an Olm session, share a Megolm room key over it and exchange a Megolm-encrypted room
// message that the other decrypts (Client-Server API, "End-to-End Encryption": "Key
// Distribution", "m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"). Then cross-signing
// (bootstrap, signatures the other side checks) and a key backup restored on a new device
// ("Server-side key backups", m.megolm_backup.v1.curve25519-aes-sha2).
//
// The key server runs in process here, with its routes on an app: the to-device messages and
// the room event are handed from one client to the other by the test.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type Harness, SERVER, call, keyserverHarness, uniqueLocalpart } from '../../unit/keyserver/harness.ts';
import { E2eeClient, type Http, sdk } from './client.ts';

const ROOM = `!secret:${SERVER}`;

forEachDatabase('end-to-end encryption with OlmMachine', (dbc) => {
  let h: Harness;
  let http: Http;
  beforeAll(async () => {
    h = await keyserverHarness(dbc.db());
    http = (method, path, body, token) => call(h.app, method, path, body, token);
  });
  afterAll(() => h.close());

  async function client(userId?: string) {
    const password = 'correct horse';
    if (userId === undefined) {
      const lp = uniqueLocalpart('e2e');
      userId = `@${lp}:${SERVER}`;
      await h.userapi.createAccount({ localpart: lp, password, kind: 'user' });
    }
    const d = await h.userapi.createDevice({ userId });
    const c = await E2eeClient.create(http, { userId, deviceId: d.deviceId, token: d.accessToken }, 'outbox');
    await c.flush(); // device keys and one-time keys
    // What a first /sync tells the client: key counts, and that the server takes fallback keys.
    await c.receive([], await syncCounts(c));
    await c.flush();
    return Object.assign(c, { password });
  }

  async function syncCounts(c: E2eeClient) {
    const k = await h.api.keyCounts(c.userId, c.deviceId);
    return { oneTimeKeyCounts: k.oneTimeKeys, fallbackKeyTypes: k.fallbackKeyTypes };
  }

  /** Alice sends Bob an encrypted message; Bob decrypts it. Returns the event and Alice's client. */
  async function exchange(alice: E2eeClient, bob: E2eeClient, body: string) {
    await alice.prepareFor([bob.userId]);
    const afterClaim = await h.api.keyCounts(bob.userId, bob.deviceId);
    const content = await alice.encrypt(ROOM, [bob.userId], 'm.room.message', { msgtype: 'm.text', body });
    expect(content.algorithm).toBe('m.megolm.v1.aes-sha2');
    expect(JSON.stringify(content)).not.toContain(body);
    const event = { type: 'm.room.encrypted', sender: alice.userId, event_id: `$${crypto.randomUUID()}`, origin_server_ts: Date.now(), room_id: ROOM, content };
    // The room key travels to Bob as an Olm-encrypted to-device message (a pre-key message).
    const toBob = alice.outbox.splice(0).flat();
    expect(toBob.map((e) => e.type)).toEqual(['m.room.encrypted']);
    expect((toBob[0]!.content as { algorithm: string }).algorithm).toBe('m.olm.v1.curve25519-aes-sha2');
    await bob.receive(toBob, await syncCounts(bob));
    await bob.prepareFor([alice.userId]);
    return { event, afterClaim, decrypted: await bob.decrypt(ROOM, event) };
  }

  test('upload, query, claim, Olm session, Megolm message decrypted by the other side', async () => {
    const alice = await client();
    const bob = await client();
    const before = (await h.api.oneTimeKeyCounts(bob.userId, bob.deviceId)).signed_curve25519!;
    expect(before).toBeGreaterThan(0);
    const { decrypted, afterClaim } = await exchange(alice, bob, 'hello Bob, this is secret');
    expect(decrypted.type).toBe('m.room.message');
    expect(decrypted.content).toEqual({ msgtype: 'm.text', body: 'hello Bob, this is secret' });
    // Alice's claim used one of Bob's one-time keys, exactly one (and not the fallback key).
    expect(afterClaim).toEqual({ oneTimeKeys: { signed_curve25519: before - 1 }, fallbackKeyTypes: ['signed_curve25519'] });
    // Bob's machine checked Alice's device keys (self-signature) as our server returned them.
    const aliceDevice = await bob.machine.getDevice(new sdk.UserId(alice.userId), new sdk.DeviceId(alice.deviceId));
    expect(aliceDevice?.ed25519Key?.toBase64()).toBe((await alice.machine.identityKeys).ed25519.toBase64());
  });

  test('when one-time keys run out, the fallback key still lets a session start', async () => {
    const alice = await client();
    const bob = await client();
    // Drain Bob's one-time keys; his machine also uploaded a fallback key.
    const counts = await h.api.oneTimeKeyCounts(bob.userId, bob.deviceId);
    for (let i = 0; i < counts.signed_curve25519!; i++) await h.api.claimLocalKeys({ [bob.userId]: { [bob.deviceId]: 'signed_curve25519' } });
    expect(await h.api.unusedFallbackKeyTypes(bob.userId, bob.deviceId)).toEqual(['signed_curve25519']);
    const { decrypted, afterClaim } = await exchange(alice, bob, 'over a fallback key');
    expect(decrypted.content.body).toBe('over a fallback key');
    expect(afterClaim).toEqual({ oneTimeKeys: { signed_curve25519: 0 }, fallbackKeyTypes: [] });
    // Told by "sync" that none are left, Bob's machine uploads new one-time keys.
    expect((await h.api.oneTimeKeyCounts(bob.userId, bob.deviceId)).signed_curve25519).toBeGreaterThan(0);
  });

  test('cross-signing: bootstrapped keys and signatures are accepted, and the other side trusts the chain', async () => {
    const alice = await client();
    const bob = await client();
    const boot = await alice.machine.bootstrapCrossSigning(true);
    if (boot.uploadKeysRequest) await alice.send(boot.uploadKeysRequest);
    const signingKeys = JSON.parse(boot.uploadSigningKeysRequest.body);
    expect((await http('POST', '/_matrix/client/v3/keys/device_signing/upload', signingKeys, alice.token)).status).toBe(200);
    const sigs = await http('POST', '/_matrix/client/v3/keys/signatures/upload', JSON.parse(boot.uploadSignaturesRequest.body), alice.token);
    expect(sigs.body.failures).toEqual({});
    // Bob fetches Alice's keys: her identity, and her device signed by her self-signing key.
    await bob.prepareFor([alice.userId]);
    const identity = await bob.machine.getIdentity(new sdk.UserId(alice.userId));
    expect(identity).toBeDefined();
    expect(JSON.parse(identity!.masterKey).keys).toEqual(signingKeys.master_key.keys);
    const device = await bob.machine.getDevice(new sdk.UserId(alice.userId), new sdk.DeviceId(alice.deviceId));
    expect(device?.isCrossSignedByOwner()).toBe(true);
    // Replacing the keys needs the password (user-interactive auth).
    const again = await alice.machine.bootstrapCrossSigning(true);
    const body = JSON.parse(again.uploadSigningKeysRequest.body);
    const challenge = await http('POST', '/_matrix/client/v3/keys/device_signing/upload', body, alice.token);
    expect(challenge.status).toBe(401);
    const auth = { type: 'm.login.password', identifier: { type: 'm.id.user', user: alice.userId }, password: 'correct horse', session: challenge.body.session };
    expect((await http('POST', '/_matrix/client/v3/keys/device_signing/upload', { ...body, auth }, alice.token)).status).toBe(200);
  });

  test('key backup: the room key goes into a backup and a new device of the same user decrypts with it', async () => {
    const alice = await client();
    const bob = await client();
    const { event } = await exchange(alice, bob, 'backed up');
    // Bob backs up the session he received.
    const backupKey = sdk.BackupDecryptionKey.createRandomKey();
    const created = await http(
      'POST',
      '/_matrix/client/v3/room_keys/version',
      { algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', auth_data: { public_key: backupKey.megolmV1PublicKey.publicKeyBase64 } },
      bob.token,
    );
    const version = created.body.version as string;
    await bob.machine.enableBackupV1(backupKey.megolmV1PublicKey.publicKeyBase64, version);
    const backupRequest = await bob.machine.backupRoomKeys();
    expect(backupRequest).toBeDefined();
    await bob.send(backupRequest!);
    const info = await http('GET', '/_matrix/client/v3/room_keys/version', undefined, bob.token);
    expect(info.body.count).toBe(1);

    // A new device of Bob's restores the backup and reads the message.
    const newBob = await client(bob.userId);
    const stored = await http('GET', `/_matrix/client/v3/room_keys/keys?version=${version}`, undefined, newBob.token);
    const rooms = new Map<sdk.RoomId, Map<string, unknown>>();
    for (const [roomId, { sessions }] of Object.entries(stored.body.rooms as Record<string, { sessions: Record<string, { session_data: { ephemeral: string; mac: string; ciphertext: string } }> }>)) {
      const m = new Map<string, unknown>();
      for (const [sessionId, k] of Object.entries(sessions)) {
        m.set(sessionId, JSON.parse(backupKey.decryptV1(k.session_data.ephemeral, k.session_data.mac, k.session_data.ciphertext)));
      }
      rooms.set(new sdk.RoomId(roomId), m);
    }
    const imported = await newBob.machine.importBackedUpRoomKeys(rooms, () => {}, version);
    expect(imported.importedCount).toBe(1);
    expect((await newBob.decrypt(ROOM, event)).content.body).toBe('backed up');
  });
});

// Two clients do end-to-end encryption through the real server (test/helpers/server.ts) with a
// real implementation, matrix-sdk-crypto (OlmMachine): they upload device and one-time keys,
// query and claim them, establish an Olm session, share a Megolm room key over it and exchange a
// Megolm-encrypted room message that the other decrypts (Client-Server API, "End-to-End
// Encryption": "Key Distribution", "m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"). Then
// the fallback key, cross-signing (bootstrap, signatures the other side checks) and a key backup
// restored on a new device ("Server-side key backups").
//
// The room message goes through the server's room endpoints. To-device messages and key counts
// go through /sendToDevice and /sync when the server serves them; until then the test hands the
// to-device messages over itself and reads counts from /keys/upload.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type TestServer, startServer } from '../../helpers/server.ts';
import { E2eeClient, type Http, type ToDeviceEvent, sdk } from './client.ts';

const V3 = '/_matrix/client/v3';
const PASSWORD = 'correct horse battery';

for (const database of ['sqlite', 'postgres'] as const) {
  describe(`end-to-end encryption with OlmMachine against the server [${database}]`, () => {
    let server: TestServer;
    let http: Http;
    let hasSync = false;
    let n = 0;
    const since = new Map<string, string>();

    beforeAll(async () => {
      server = await startServer({ database });
      http = async (method, path, body, token) => {
        const res = await fetch(server.url + path, {
          method,
          headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      };
      const probe = await register();
      hasSync =
        (await http('PUT', `${V3}/sendToDevice/m.probe/1`, { messages: {} }, probe.token)).status === 200 &&
        (await http('GET', `${V3}/sync?timeout=0`, undefined, probe.token)).status === 200;
      console.log(`[e2ee] to-device messages ${hasSync ? 'through /sendToDevice and /sync' : 'handed over by the test (no /sync yet)'}`);
    }, 60_000);
    afterAll(() => server?.cleanup());

    async function register(localpart = `e2e${n++}`) {
      const r = await http('POST', `${V3}/register`, { auth: { type: 'm.login.dummy' }, username: localpart, password: PASSWORD }, '');
      expect(r.status).toBe(200);
      return { userId: r.body.user_id as string, deviceId: r.body.device_id as string, token: r.body.access_token as string, localpart };
    }

    async function login(userId: string) {
      const r = await http('POST', `${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password: PASSWORD }, '');
      return { userId, deviceId: r.body.device_id as string, token: r.body.access_token as string };
    }

    /** What /sync would tell this client now (to-device events, key counts, device lists). */
    async function sync(c: E2eeClient, handedOver: ToDeviceEvent[] = [], first = false) {
      if (hasSync) {
        const from = since.get(c.deviceId);
        const r = await http('GET', `${V3}/sync?timeout=0${from ? `&since=${from}` : ''}`, undefined, c.token);
        since.set(c.deviceId, r.body.next_batch);
        return c.receive(r.body.to_device?.events ?? [], {
          changed: r.body.device_lists?.changed,
          left: r.body.device_lists?.left,
          oneTimeKeyCounts: r.body.device_one_time_keys_count,
          fallbackKeyTypes: r.body.device_unused_fallback_key_types,
        });
      }
      const counts = (await http('POST', `${V3}/keys/upload`, {}, c.token)).body.one_time_key_counts;
      // A first sync from a server holding no fallback key for the device says so with [].
      return c.receive(handedOver, { oneTimeKeyCounts: counts, ...(first ? { fallbackKeyTypes: [] } : {}) });
    }

    async function client(who?: { userId: string; deviceId: string; token: string }) {
      const c = await E2eeClient.create(http, who ?? (await register()), hasSync ? 'server' : 'outbox');
      await c.flush();
      await sync(c, [], true);
      await c.flush();
      return c;
    }

    /** Alice's to-device messages reach Bob: through the server, or handed over. */
    async function deliver(alice: E2eeClient, bob: E2eeClient) {
      await sync(bob, alice.outbox.splice(0).flat());
    }

    async function sharedRoom(alice: E2eeClient, bob: E2eeClient) {
      const created = await http('POST', `${V3}/createRoom`, { preset: 'private_chat', invite: [bob.userId] }, alice.token);
      expect(created.status).toBe(200);
      const roomId = created.body.room_id as string;
      const encryption = { algorithm: 'm.megolm.v1.aes-sha2' };
      expect((await http('PUT', `${V3}/rooms/${encodeURIComponent(roomId)}/state/m.room.encryption`, encryption, alice.token)).status).toBe(200);
      expect((await http('POST', `${V3}/join/${encodeURIComponent(roomId)}`, {}, bob.token)).status).toBe(200);
      return roomId;
    }

    /** Alice sends an encrypted message to the room through the server; Bob fetches and decrypts it. */
    async function exchange(alice: E2eeClient, bob: E2eeClient, body: string) {
      const roomId = await sharedRoom(alice, bob);
      await alice.prepareFor([bob.userId]);
      const afterClaim = (await http('POST', `${V3}/keys/upload`, {}, bob.token)).body.one_time_key_counts;
      const content = await alice.encrypt(roomId, [bob.userId], 'm.room.message', { msgtype: 'm.text', body });
      expect(content.algorithm).toBe('m.megolm.v1.aes-sha2');
      expect(JSON.stringify(content)).not.toContain(body);
      if (!hasSync) {
        // The room key travels as an Olm pre-key message.
        expect(alice.outbox.flat().map((e) => (e.content as { algorithm: string }).algorithm)).toEqual(['m.olm.v1.curve25519-aes-sha2']);
      }
      const sent = await http('PUT', `${V3}/rooms/${encodeURIComponent(roomId)}/send/m.room.encrypted/t${n++}`, content, alice.token);
      expect(sent.status).toBe(200);
      const event = await http('GET', `${V3}/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(sent.body.event_id)}`, undefined, bob.token);
      expect(event.status).toBe(200);
      expect(event.body.type).toBe('m.room.encrypted');
      await deliver(alice, bob);
      await bob.prepareFor([alice.userId]);
      return { roomId, event: event.body, afterClaim, decrypted: await bob.decrypt(roomId, event.body) };
    }

    test('upload, query, claim, Olm session, Megolm room message decrypted by the other side', async () => {
      const alice = await client();
      const bob = await client();
      const before = (await http('POST', `${V3}/keys/upload`, {}, bob.token)).body.one_time_key_counts.signed_curve25519;
      expect(before).toBeGreaterThan(0);
      const { decrypted, afterClaim } = await exchange(alice, bob, 'hello Bob, this is secret');
      expect(decrypted.type).toBe('m.room.message');
      expect(decrypted.content).toEqual({ msgtype: 'm.text', body: 'hello Bob, this is secret' });
      // Alice's claim took exactly one of Bob's one-time keys.
      expect(afterClaim.signed_curve25519).toBe(before - 1);
      // Bob's machine accepted Alice's device keys as the server returned them (self-signature checked).
      const aliceDevice = await bob.machine.getDevice(new sdk.UserId(alice.userId), new sdk.DeviceId(alice.deviceId));
      expect(aliceDevice?.ed25519Key?.toBase64()).toBe(alice.machine.identityKeys.ed25519.toBase64());
    }, 30_000);

    test('when one-time keys run out, the fallback key still lets a session start', async () => {
      const alice = await client();
      const bob = await client();
      const drainer = await register();
      // Claim Bob's one-time keys until the server hands out the fallback key his machine uploaded.
      for (let i = 0; i < 200; i++) {
        const r = await http('POST', `${V3}/keys/claim`, { one_time_keys: { [bob.userId]: { [bob.deviceId]: 'signed_curve25519' } } }, drainer.token);
        const key = Object.values(r.body.one_time_keys[bob.userId][bob.deviceId])[0] as { fallback?: boolean };
        if (key.fallback) break;
      }
      expect((await http('POST', `${V3}/keys/upload`, {}, bob.token)).body.one_time_key_counts.signed_curve25519).toBe(0);
      const { decrypted } = await exchange(alice, bob, 'over a fallback key');
      expect(decrypted.content.body).toBe('over a fallback key');
    }, 30_000);

    test('cross-signing: bootstrapped keys and signatures are accepted, and the other side trusts the chain', async () => {
      const alice = await client();
      const bob = await client();
      const boot = await alice.machine.bootstrapCrossSigning(true);
      if (boot.uploadKeysRequest) await alice.send(boot.uploadKeysRequest);
      const signingKeys = JSON.parse(boot.uploadSigningKeysRequest.body);
      expect((await http('POST', `${V3}/keys/device_signing/upload`, signingKeys, alice.token)).status).toBe(200);
      const sigs = await http('POST', `${V3}/keys/signatures/upload`, JSON.parse(boot.uploadSignaturesRequest.body), alice.token);
      expect(sigs.body.failures).toEqual({});
      await bob.prepareFor([alice.userId]);
      const identity = await bob.machine.getIdentity(new sdk.UserId(alice.userId));
      expect(JSON.parse(identity!.masterKey).keys).toEqual(signingKeys.master_key.keys);
      const device = await bob.machine.getDevice(new sdk.UserId(alice.userId), new sdk.DeviceId(alice.deviceId));
      expect(device?.isCrossSignedByOwner()).toBe(true);
      // Replacing the keys needs the password.
      const body = JSON.parse((await alice.machine.bootstrapCrossSigning(true)).uploadSigningKeysRequest.body);
      const challenge = await http('POST', `${V3}/keys/device_signing/upload`, body, alice.token);
      expect(challenge.status).toBe(401);
      const auth = { type: 'm.login.password', identifier: { type: 'm.id.user', user: alice.userId }, password: PASSWORD, session: challenge.body.session };
      expect((await http('POST', `${V3}/keys/device_signing/upload`, { ...body, auth }, alice.token)).status).toBe(200);
    }, 30_000);

    test('key backup: the room key goes into a backup and a new device of the same user decrypts with it', async () => {
      const alice = await client();
      const bob = await client();
      const { roomId, event } = await exchange(alice, bob, 'backed up');
      const backupKey = sdk.BackupDecryptionKey.createRandomKey();
      const publicKey = backupKey.megolmV1PublicKey.publicKeyBase64;
      const created = await http('POST', `${V3}/room_keys/version`, { algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', auth_data: { public_key: publicKey } }, bob.token);
      const version = created.body.version as string;
      await bob.machine.enableBackupV1(publicKey, version);
      const backupRequest = await bob.machine.backupRoomKeys();
      await bob.send(backupRequest!);
      expect((await http('GET', `${V3}/room_keys/version`, undefined, bob.token)).body.count).toBe(1);

      const newBob = await client(await login(bob.userId));
      const stored = await http('GET', `${V3}/room_keys/keys?version=${version}`, undefined, newBob.token);
      const rooms = new Map<sdk.RoomId, Map<string, unknown>>();
      type Sessions = Record<string, { session_data: { ephemeral: string; mac: string; ciphertext: string } }>;
      for (const [room, { sessions }] of Object.entries(stored.body.rooms as Record<string, { sessions: Sessions }>)) {
        const m = new Map<string, unknown>();
        for (const [sessionId, k] of Object.entries(sessions)) {
          m.set(sessionId, JSON.parse(backupKey.decryptV1(k.session_data.ephemeral, k.session_data.mac, k.session_data.ciphertext)));
        }
        rooms.set(new sdk.RoomId(room), m);
      }
      expect((await newBob.machine.importBackedUpRoomKeys(rooms, () => {}, version)).importedCount).toBe(1);
      expect((await newBob.decrypt(roomId, event)).content.body).toBe('backed up');
    }, 30_000);
  });
}

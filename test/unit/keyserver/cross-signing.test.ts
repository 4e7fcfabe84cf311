// Cross-signing on both databases (Client-Server API, "Cross-signing", "Key and signature
// security"; cross_signing.yaml): uploading keys with user-interactive auth, uploading
// signatures, and what POST /keys/query shows to whom.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { signJson } from '../../../src/protocol/signing/index.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type Harness, type TestDevice, V3, call, crossSigningKey, keyPair, keyserverHarness, newDevice } from './harness.ts';

forEachDatabase('keyserver cross-signing', (dbc) => {
  let h: Harness;
  beforeAll(async () => {
    h = await keyserverHarness(dbc.db());
  });
  afterAll(() => h.close());

  const signingUpload = (d: TestDevice, body: unknown) => call(h.app, 'POST', `${V3}/keys/device_signing/upload`, body, d.token);
  const sigUpload = (d: TestDevice, body: unknown) => call(h.app, 'POST', `/_matrix/client/unstable/keys/signatures/upload`, body, d.token);
  const query = (d: TestDevice, userId: string) => call(h.app, 'POST', `${V3}/keys/query`, { device_keys: { [userId]: [] } }, d.token);
  const password = (d: TestDevice, session?: string) => ({
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user: d.userId },
    password: d.password,
    ...(session ? { session } : {}),
  });

  /** A user with device keys uploaded and master, self-signing and user-signing keys. */
  async function crossSignedUser() {
    const d = await newDevice(h);
    await call(h.app, 'POST', `${V3}/keys/upload`, { device_keys: d.deviceKeys() }, d.token);
    const master = keyPair();
    const ssk = keyPair();
    const usk = keyPair();
    const r = await signingUpload(d, {
      master_key: crossSigningKey(d.userId, 'master', master),
      self_signing_key: crossSigningKey(d.userId, 'self_signing', ssk, master),
      user_signing_key: crossSigningKey(d.userId, 'user_signing', usk, master),
    });
    expect(r.status).toBe(200);
    return { d, master, ssk, usk };
  }

  test('a first upload needs no auth and shows in /keys/query; the user-signing key only to its owner', async () => {
    const { d, master, ssk, usk } = await crossSignedUser();
    const own = await query(d, d.userId);
    expect(own.body.master_keys[d.userId]).toEqual(crossSigningKey(d.userId, 'master', master));
    expect(own.body.self_signing_keys[d.userId]).toEqual(crossSigningKey(d.userId, 'self_signing', ssk, master));
    expect(own.body.user_signing_keys[d.userId]).toEqual(crossSigningKey(d.userId, 'user_signing', usk, master));
    const other = await newDevice(h);
    const theirs = await query(other, d.userId);
    expect(theirs.body.master_keys[d.userId]).toBeDefined();
    expect(theirs.body.user_signing_keys).toEqual({});
  });

  test('replacing keys needs the password (401 with a session), and then works', async () => {
    const { d, master } = await crossSignedUser();
    const newSsk = keyPair();
    const body = { self_signing_key: crossSigningKey(d.userId, 'self_signing', newSsk, master) };
    const challenge = await signingUpload(d, body);
    expect(challenge.status).toBe(401);
    expect(challenge.body.flows).toEqual([{ stages: ['m.login.password'] }]);
    expect(typeof challenge.body.session).toBe('string');
    const wrong = await signingUpload(d, { ...body, auth: { ...password(d, challenge.body.session), password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errcode).toBe('M_FORBIDDEN');
    const ok = await signingUpload(d, { ...body, auth: password(d, challenge.body.session) });
    expect(ok.status).toBe(200);
    expect((await query(d, d.userId)).body.self_signing_keys[d.userId].keys).toEqual({ [`ed25519:${newSsk.publicKey}`]: newSsk.publicKey });
    // The session is spent.
    expect((await signingUpload(d, { ...body, auth: password(d, challenge.body.session) })).status).toBe(400);
    // SyTest "Changing user-signing key notifies local users" authenticates without a session, with the legacy `user`.
    const usk = keyPair();
    const legacy = await signingUpload(d, {
      user_signing_key: crossSigningKey(d.userId, 'user_signing', usk, master),
      auth: { type: 'm.login.password', user: d.userId, password: d.password },
    });
    expect(legacy.status).toBe(200);
  });

  test('SyTest "Fails to replace cross-signing keys with no auth": a new master key without auth is 401', async () => {
    const { d } = await crossSignedUser();
    const r = await signingUpload(d, { master_key: crossSigningKey(d.userId, 'master', keyPair()) });
    expect(r.status).toBe(401);
  });

  test('uploading exactly the stored keys again needs no auth (v1.11)', async () => {
    const d = await newDevice(h);
    const master = keyPair();
    const ssk = keyPair();
    const body = { master_key: crossSigningKey(d.userId, 'master', master), self_signing_key: crossSigningKey(d.userId, 'self_signing', ssk, master) };
    expect((await signingUpload(d, body)).status).toBe(200);
    const before = await h.api.deviceListPosition();
    expect((await signingUpload(d, body)).status).toBe(200);
    expect(await h.api.deviceListPosition()).toBe(before);
  });

  test('refusals: no master key (M_MISSING_PARAM), bad signature (M_INVALID_SIGNATURE), malformed, a device ID as key (M_FORBIDDEN)', async () => {
    const d = await newDevice(h);
    const master = keyPair();
    const noMaster = await signingUpload(d, { self_signing_key: crossSigningKey(d.userId, 'self_signing', keyPair(), master) });
    expect([noMaster.status, noMaster.body.errcode]).toEqual([400, 'M_MISSING_PARAM']);
    const badSig = await signingUpload(d, {
      master_key: crossSigningKey(d.userId, 'master', master),
      self_signing_key: crossSigningKey(d.userId, 'self_signing', keyPair(), keyPair()),
    });
    expect([badSig.status, badSig.body.errcode]).toEqual([400, 'M_INVALID_SIGNATURE']);
    const wrongUsage = await signingUpload(d, { master_key: crossSigningKey(d.userId, 'self_signing', master) });
    expect(wrongUsage.body.errcode).toBe('M_INVALID_PARAM');
    const wrongUser = await signingUpload(d, { master_key: crossSigningKey('@someone:keys.test', 'master', master) });
    expect(wrongUser.body.errcode).toBe('M_INVALID_PARAM');
    const twoKeys = { ...crossSigningKey(d.userId, 'master', master), keys: { 'ed25519:a': 'a', 'ed25519:b': 'b' } };
    expect((await signingUpload(d, { master_key: twoKeys })).body.errcode).toBe('M_INVALID_PARAM');
    expect((await signingUpload(d, { master_key: 'nope' })).body.errcode).toBe('M_BAD_JSON');
    const clash = keyPair();
    const device = await newDevice(h, d.userId);
    await h.userapi.createDevice({ userId: d.userId, deviceId: clash.publicKey });
    const collides = await signingUpload(device, { master_key: crossSigningKey(d.userId, 'master', clash) });
    expect([collides.status, collides.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
    expect(await dbc.db().all('SELECT purpose FROM keyserver_cross_signing_keys WHERE user_id = $1', [d.userId])).toEqual([]);
  });

  test('a device signed by the self-signing key shows the signature to everyone; failures per key', async () => {
    const { d, ssk } = await crossSignedUser();
    const signed = signJson(d.deviceKeys(), d.userId, `ed25519:${ssk.publicKey}`, ssk.signer);
    const forged = { ...signed, signatures: { [d.userId]: { [`ed25519:${ssk.publicKey}`]: signed.signatures[d.userId]![`ed25519:${d.deviceId}`]! } } };
    const r = await sigUpload(d, { [d.userId]: { [d.deviceId]: signed, NOSUCHDEVICE: signed } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.failures[d.userId])).toEqual(['NOSUCHDEVICE']);
    const bad = await sigUpload(d, { [d.userId]: { [d.deviceId]: forged } });
    expect(bad.body.failures[d.userId][d.deviceId].errcode).toBe('M_INVALID_SIGNATURE');
    const changedObject = signJson(d.deviceKeys({ algorithms: [] }), d.userId, `ed25519:${ssk.publicKey}`, ssk.signer);
    expect((await sigUpload(d, { [d.userId]: { [d.deviceId]: changedObject } })).body.failures[d.userId][d.deviceId].errcode).toBe(
      'M_INVALID_SIGNATURE',
    );
    const other = await newDevice(h);
    const seen = (await query(other, d.userId)).body.device_keys[d.userId][d.deviceId];
    expect(seen.signatures[d.userId]).toEqual(signed.signatures[d.userId]);
  });

  test("a device's signature of its master key is visible to all; a user-signing signature only to its signer", async () => {
    const alice = await crossSignedUser();
    const bob = await crossSignedUser();
    const carol = await newDevice(h);
    const aliceMaster = crossSigningKey(alice.d.userId, 'master', alice.master);
    const byDevice = signJson(aliceMaster, alice.d.userId, `ed25519:${alice.d.deviceId}`, alice.d.ed.signer);
    expect((await sigUpload(alice.d, { [alice.d.userId]: { [alice.master.publicKey]: byDevice } })).body.failures).toEqual({});
    // Alice signs Bob's master key with her user-signing key.
    const bobMaster = crossSigningKey(bob.d.userId, 'master', bob.master);
    const byAlice = signJson(bobMaster, alice.d.userId, `ed25519:${alice.usk.publicKey}`, alice.usk.signer);
    expect((await sigUpload(alice.d, { [bob.d.userId]: { [bob.master.publicKey]: byAlice } })).body.failures).toEqual({});
    // …but not with a key that is not her user-signing key.
    const byDeviceKey = signJson(bobMaster, alice.d.userId, `ed25519:${alice.ssk.publicKey}`, alice.ssk.signer);
    expect(Object.keys((await sigUpload(alice.d, { [bob.d.userId]: { [bob.master.publicKey]: byDeviceKey } })).body.failures)).toEqual([
      bob.d.userId,
    ]);

    for (const viewer of [alice.d, bob.d, carol]) {
      const q = await query(viewer, alice.d.userId);
      expect(q.body.master_keys[alice.d.userId].signatures[alice.d.userId]).toEqual(byDevice.signatures[alice.d.userId]);
    }
    const bobSeenByAlice = (await query(alice.d, bob.d.userId)).body.master_keys[bob.d.userId];
    expect(bobSeenByAlice.signatures[alice.d.userId]).toEqual(byAlice.signatures[alice.d.userId]);
    for (const viewer of [bob.d, carol]) {
      const q = await query(viewer, bob.d.userId);
      expect(q.body.master_keys[bob.d.userId].signatures?.[alice.d.userId]).toBeUndefined();
    }
  });

  test('cross-signing changes are device-list changes; the user-signing key only for its owner', async () => {
    const d = await newDevice(h);
    const friend = await newDevice(h);
    await h.rooms.set('!cs:keys.test', d.userId, 'join');
    await h.rooms.set('!cs:keys.test', friend.userId, 'join');
    await h.settle();
    const master = keyPair();
    let from = await h.api.deviceListPosition();
    await signingUpload(d, { master_key: crossSigningKey(d.userId, 'master', master) });
    let to = await h.api.deviceListPosition();
    expect((await h.api.keyChanges(friend.userId, from, to)).changed).toEqual([d.userId]);
    from = to;
    await signingUpload(d, { user_signing_key: crossSigningKey(d.userId, 'user_signing', keyPair(), master), auth: password(d) });
    to = await h.api.deviceListPosition();
    expect(to).toBe(from + 1);
    expect((await h.api.keyChanges(friend.userId, from, to)).changed).toEqual([]);
    expect((await h.api.keyChanges(d.userId, from, to)).changed).toEqual([d.userId]);
  });
});

// Server-Server API, "Retrieving server keys": our published keys, the key ring that fetches and
// checks other servers' keys (and their validity for events of v5+ rooms), and the notary.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { KeyRing } from '../../../src/federationapi/keys/key-ring.ts';
import { OurKeys } from '../../../src/federationapi/keys/our-keys.ts';
import { encodePublicKey, verifyJsonSignature } from '../../../src/protocol/signing/index.ts';
import { postgresAvailable } from '../../helpers/databases.ts';
import { type FakeServer, fakeServer, jsonResponse, keyResponse, signerFor } from './fake-server.ts';
import { type Stack, startStack } from './harness.ts';

const DAY = 24 * 3600_000;

describe('our keys ("Publishing Keys")', () => {
  test('old_private_keys are published under old_verify_keys with their expired_ts, and count for events signed before then', () => {
    const signer = signerFor(60);
    const old = signerFor(61);
    const clock = { now: 1_000_000 };
    const keys = new OurKeys({
      serverName: 'us.example',
      keyId: 'ed25519:new',
      signer,
      validityMs: DAY,
      oldKeys: [{ key_id: 'ed25519:old', public_key: encodePublicKey(old.publicKey), expired_at: 500_000 }],
      now: () => clock.now,
    });
    const r = keys.response();
    expect(r.old_verify_keys).toEqual({ 'ed25519:old': { key: encodePublicKey(old.publicKey), expired_ts: 500_000 } });
    expect(r.valid_until_ts).toBe(1_000_000 + DAY);
    expect(verifyJsonSignature(r, 'us.example', 'ed25519:new', signer.publicKey)).toBe(true);
    expect(keys.publicKey('ed25519:old', 400_000)).toBe(encodePublicKey(old.publicKey));
    expect(keys.publicKey('ed25519:old', 600_000)).toBeUndefined();
    // Renewed once half the validity has passed, so copies held by notaries stay useful.
    clock.now += DAY / 2 + 1;
    expect(keys.response().valid_until_ts).toBe(clock.now + DAY);
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !postgresAvailable())(`server keys [${kind}]`, () => {
    let us: Stack;
    let origin: FakeServer;
    beforeAll(async () => {
      us = await startStack({ kind, noSender: true });
      origin = await fakeServer();
    });
    afterAll(async () => {
      await origin.close();
      await us.close();
    });

    test('GET /_matrix/key/v2/server: our key, old_verify_keys, valid_until_ts in the future, self-signed ("Publishing Keys")', async () => {
      const res = await us.app.app.request('/_matrix/key/v2/server');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toStartWith('application/json');
      const body = (await res.json()) as Record<string, any>;
      expect(body.server_name).toBe(us.serverName);
      expect(body.old_verify_keys).toEqual({});
      expect(body.verify_keys[us.keyId].key).toBe(encodePublicKey(us.signer.publicKey));
      expect(body.valid_until_ts).toBeGreaterThan(Date.now() + 6 * DAY);
      expect(verifyJsonSignature(body, us.serverName, us.keyId, us.signer.publicKey)).toBe(true);
    });

    test('the key ring fetches a key directly, checks the self-signature and keeps it', async () => {
      const k1 = signerFor(41);
      origin.handle = (_r, path) => (path === '/_matrix/key/v2/server' ? jsonResponse(keyResponse(origin.serverName, [{ keyId: 'ed25519:a', signer: k1 }], Date.now() + DAY)) : undefined);
      const ring = us.fed.ctx.keyRing;
      await ring.ensure(origin.serverName, ['ed25519:a'], Date.now());
      expect(ring.lookup(origin.serverName, 'ed25519:a', Date.now())).toBe(encodePublicKey(k1.publicKey));
      const before = origin.requests.length;
      await ring.ensure(origin.serverName, ['ed25519:a'], Date.now());
      expect(origin.requests.length).toBe(before); // answered from memory
      const rows = await us.db.all<{ key_id: string }>('SELECT key_id FROM federationapi_server_keys WHERE server_name = $1', [origin.serverName]);
      expect(rows.map((r) => r.key_id)).toEqual(['ed25519:a']);
    });

    test('a response not signed by its own key is refused', async () => {
      const other = await fakeServer();
      try {
        const real = signerFor(42);
        const forged = keyResponse(other.serverName, [{ keyId: 'ed25519:x', signer: real }], Date.now() + DAY);
        (forged.verify_keys as any)['ed25519:x'].key = encodePublicKey(signerFor(43).publicKey);
        other.handle = () => jsonResponse(forged);
        await us.fed.ctx.keyRing.ensure(other.serverName, ['ed25519:x'], undefined);
        expect(us.fed.ctx.keyRing.lookup(other.serverName, 'ed25519:x', undefined)).toBeUndefined();
      } finally {
        await other.close();
      }
    });

    test('validity (keys.yaml valid_until_ts): used until the lesser of valid_until_ts and 7 days after fetching; old keys until expired_ts', () => {
      const now = 1_000_000_000_000;
      const row = { serverName: 's', keyId: 'ed25519:a', publicKey: 'x', validUntilTs: now + 30 * DAY, expiredTs: null, fetchedTs: now, keyJson: '{}' };
      expect(KeyRing.usable(row, now + 6 * DAY)).toBe(true);
      expect(KeyRing.usable(row, now + 8 * DAY)).toBe(false);
      expect(KeyRing.usable({ ...row, validUntilTs: now + DAY }, now + 2 * DAY)).toBe(false);
      // Room versions 1–4 ignore validity.
      expect(KeyRing.usable({ ...row, validUntilTs: now - DAY }, undefined)).toBe(true);
      expect(KeyRing.usable({ ...row, expiredTs: now }, now - 1)).toBe(true);
      expect(KeyRing.usable({ ...row, expiredTs: now }, now + 1)).toBe(false);
    });

    test('notary (POST /_matrix/key/v2/query): the origin\'s response with our signature added', async () => {
      const k = signerFor(44);
      const o = await fakeServer();
      try {
        o.handle = () => jsonResponse(keyResponse(o.serverName, [{ keyId: 'ed25519:n', signer: k }], Date.now() + DAY));
        const res = await us.app.app.request('/_matrix/key/v2/query', {
          method: 'POST',
          body: JSON.stringify({ server_keys: { [o.serverName]: { 'ed25519:n': {} } } }),
        });
        const body = (await res.json()) as { server_keys: Record<string, any>[] };
        expect(body.server_keys.length).toBe(1);
        const key = body.server_keys[0]!;
        expect(verifyJsonSignature(key, o.serverName, 'ed25519:n', k.publicKey)).toBe(true);
        expect(verifyJsonSignature(key, us.serverName, us.keyId, us.signer.publicKey)).toBe(true);
        // GET /_matrix/key/v2/query/{serverName} answers from the cache.
        const before = o.requests.length;
        const get = (await (await us.app.app.request(`/_matrix/key/v2/query/${o.serverName}`)).json()) as { server_keys: unknown[] };
        expect(get.server_keys.length).toBe(1);
        expect(o.requests.length).toBe(before);
        // About ourselves: our own response.
        const self = (await (await us.app.app.request(`/_matrix/key/v2/query/${us.serverName}`)).json()) as { server_keys: any[] };
        expect(self.server_keys[0].server_name).toBe(us.serverName);
      } finally {
        await o.close();
      }
    });

    test('notary returns an expired key if it cannot find any others (SyTest 01keys.pl)', async () => {
      const o = await fakeServer();
      try {
        const expiry = Date.now() - DAY;
        const response = keyResponse(o.serverName, [{ keyId: 'ed25519:key_0', signer: signerFor(45) }], expiry);
        const ask = async (min: number) => {
          const res = await us.app.app.request('/_matrix/key/v2/query', {
            method: 'POST',
            body: JSON.stringify({ server_keys: { [o.serverName]: { 'ed25519:key_0': { minimum_valid_until_ts: min } } } }),
          });
          return ((await res.json()) as { server_keys: Record<string, any>[] }).server_keys;
        };
        o.handle = () => jsonResponse(response);
        expect((await ask(0))[0]!.valid_until_ts).toBe(expiry);
        const fetches = o.requests.length;
        // A later minimum forces a fetch; the same response comes back and is returned.
        expect((await ask(expiry + 1000))[0]!.valid_until_ts).toBe(expiry);
        expect(o.requests.length).toBe(fetches + 1);
        // The origin now fails: the cached, expired response is still returned.
        o.handle = () => jsonResponse({}, 400);
        const last = await ask(expiry + 1000);
        expect(last[0]!.server_name).toBe(o.serverName);
        expect(Object.keys(last[0]!.verify_keys)).toEqual(['ed25519:key_0']);
        expect(o.requests.length).toBe(fetches + 2);
      } finally {
        await o.close();
      }
    });

    test('notary must not overwrite a valid key with a spurious result from the origin (SyTest 01keys.pl)', async () => {
      const o = await fakeServer();
      try {
        const expiry = Date.now() - DAY;
        const ask = async (min: number) => {
          const res = await us.app.app.request('/_matrix/key/v2/query', {
            method: 'POST',
            body: JSON.stringify({ server_keys: { [o.serverName]: { 'ed25519:key_1': { minimum_valid_until_ts: min } } } }),
          });
          return ((await res.json()) as { server_keys: Record<string, any>[] }).server_keys;
        };
        o.handle = () => jsonResponse(keyResponse(o.serverName, [{ keyId: 'ed25519:key_1', signer: signerFor(46) }], expiry));
        await ask(0);
        o.handle = () => jsonResponse(keyResponse(o.serverName, [{ keyId: 'ed25519:key_2', signer: signerFor(47) }], expiry + 1000));
        await ask(Date.now());
        const third = await ask(expiry);
        expect(third[0]!.server_name).toBe(o.serverName);
        expect(Object.keys(third[0]!.verify_keys)).toContain('ed25519:key_1');
      } finally {
        await o.close();
      }
    });
  });
}

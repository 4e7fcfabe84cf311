// Server-Server API, "Querying Keys Through Another Server", from the asking side: with
// federation_api.key_perspectives (and prefer_direct_fetch off), keys come through the notary,
// and only if the notary signed them with a key we were told to trust for it.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { encodePublicKey } from '../../../src/protocol/signing/index.ts';
import { type FakeServer, fakeServer, jsonResponse, keyResponse, signerFor } from './fake-server.ts';
import { type Stack, startStack } from './harness.ts';

const DAY = 24 * 3600_000;

describe('key perspectives (federation_api.key_perspectives)', () => {
  let notary: Stack;
  let origin: FakeServer;
  const originKey = signerFor(51);
  beforeAll(async () => {
    notary = await startStack({ seed: 2, noSender: true });
    origin = await fakeServer();
    origin.handle = (_r, path) => (path === '/_matrix/key/v2/server' ? jsonResponse(keyResponse(origin.serverName, [{ keyId: 'ed25519:o', signer: originKey }], Date.now() + DAY)) : undefined);
  });
  afterAll(async () => {
    await origin.close();
    await notary.close();
  });

  test('keys are taken from a trusted notary before asking the origin', async () => {
    const asker = await startStack({
      seed: 3,
      noSender: true,
      federation: {
        prefer_direct_fetch: false,
        key_perspectives: [{ server_name: notary.serverName, keys: [{ key_id: notary.keyId, public_key: encodePublicKey(notary.signer.publicKey) }] }],
      },
    });
    try {
      await asker.fed.ctx.keyRing.ensure(origin.serverName, ['ed25519:o'], Date.now());
      expect(asker.fed.ctx.keyRing.lookup(origin.serverName, 'ed25519:o', Date.now())).toBe(encodePublicKey(originKey.publicKey));
      // The origin was asked once, by the notary (with a notary's fetch), not by us directly.
      expect(origin.requests.length).toBe(1);
    } finally {
      await asker.close();
    }
  });

  test("a notary answer without the notary's trusted signature is not used; the origin is asked directly", async () => {
    const asker = await startStack({
      seed: 4,
      noSender: true,
      federation: {
        prefer_direct_fetch: false,
        key_perspectives: [{ server_name: notary.serverName, keys: [{ key_id: notary.keyId, public_key: encodePublicKey(signerFor(99).publicKey) }] }],
      },
    });
    try {
      const before = origin.requests.length;
      await asker.fed.ctx.keyRing.ensure(origin.serverName, ['ed25519:o'], Date.now());
      expect(asker.fed.ctx.keyRing.lookup(origin.serverName, 'ed25519:o', Date.now())).toBe(encodePublicKey(originKey.publicKey));
      expect(origin.requests.length).toBe(before + 1);
      expect(origin.requests.at(-1)!.headers.get('authorization')).toBeNull(); // key requests are unsigned
    } finally {
      await asker.close();
    }
  });
});

// The user API's contract: USERAPI_METHODS names every method (the RPC adapter exposes exactly
// that list), errors cross the internal HTTP API with their errcode, and the token cache never
// keeps an answer read before an invalidation ("Using access tokens": a logged-out token must fail).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { Hono } from 'hono';
import { apiClient, serveApi } from '../../../src/rpc/adapter.ts';
import { USERAPI_METHODS, type UserApi } from '../../../src/userapi/api.ts';
import { TokenCache } from '../../../src/userapi/token-cache.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type UserapiHarness, uid, uniqueLocalpart, userapiHarness } from './harness.ts';

test('token cache: an answer read before an invalidation is not cached after it', () => {
  const cache = new TokenCache(2);
  const entry = (userId: string) => ({ requester: { userId, deviceId: 'D', isGuest: false }, lastWriteTs: 0, lastIp: null, lastUserAgent: null });
  const epoch = cache.epoch;
  cache.invalidate(['h1']); // a logout happens while the lookup of h1 reads the database
  cache.set('h1', entry('@a:x'), epoch);
  expect(cache.get('h1')).toBeUndefined();
  cache.set('h1', entry('@a:x'), cache.epoch);
  cache.set('h2', entry('@b:x'), cache.epoch);
  expect(cache.get('h1')).toBeDefined(); // h1 is now the most recently used
  cache.set('h3', entry('@c:x'), cache.epoch);
  expect(cache.size).toBe(2);
  expect(cache.get('h2')).toBeUndefined();
  expect(cache.get('h1')).toBeDefined();
});

forEachDatabase('userapi over the internal HTTP API', (dbc) => {
  let h: UserapiHarness;
  let server: ReturnType<typeof Bun.serve>;
  let remote: UserApi;
  beforeAll(async () => {
    h = await userapiHarness(dbc.db());
    const app = new Hono();
    serveApi(app, 'userapi', h.api, USERAPI_METHODS);
    server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch });
    remote = apiClient<UserApi>('userapi', `http://127.0.0.1:${server.port}`, USERAPI_METHODS);
  });
  afterAll(async () => {
    await server.stop(true);
    await h.close();
  });

  test('USERAPI_METHODS lists every method of the implementation', () => {
    expect([...USERAPI_METHODS].sort() as string[]).toEqual(Object.keys(h.api).sort());
  });

  test('calls and MatrixErrors cross the adapter unchanged', async () => {
    const lp = uniqueLocalpart();
    const account = await remote.createAccount({ localpart: lp, password: 'pw', kind: 'user' });
    expect(account.userId).toBe(uid(lp));
    const { accessToken, deviceId } = await remote.createDevice({ userId: account.userId });
    expect(await remote.queryAccessToken(accessToken)).toEqual({ userId: account.userId, deviceId, isGuest: false });
    // The adapter turns null results into undefined: callers test for "no value", not for null.
    expect(await remote.queryAccessToken('nope')).toBeFalsy();
    await expect(remote.createAccount({ localpart: lp, kind: 'user' })).rejects.toMatchObject({ errcode: 'M_USER_IN_USE', status: 400 });
  });
});

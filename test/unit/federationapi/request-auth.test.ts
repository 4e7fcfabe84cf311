// Server-Server API, "Request Authentication": a request signed by the origin's key is accepted
// (with the origin's key fetched and checked), a forged, misdirected or unsigned one is refused.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { authorizationHeader } from '../../../src/federationapi/client/x-matrix.ts';
import { signerFor } from './fake-server.ts';
import { type Stack, startStack } from './harness.ts';

describe('request authentication (X-Matrix)', () => {
  let a: Stack;
  let b: Stack;
  beforeAll(async () => {
    a = await startStack({ seed: 5, noSender: true });
    b = await startStack({ seed: 6, noSender: true });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  const path = '/_matrix/federation/v1/publicRooms?limit=5';
  const send = (authorization?: string) => fetch(`https://${b.serverName}${path}`, { headers: authorization ? { Authorization: authorization } : {}, tls: { rejectUnauthorized: false } } as RequestInit);
  const header = (over: Partial<{ origin: string; destination: string; uri: string; keyId: string; seed: number }> = {}) =>
    authorizationHeader(
      { method: 'GET', uri: over.uri ?? path, origin: over.origin ?? a.serverName, destination: over.destination ?? b.serverName },
      over.keyId ?? a.keyId,
      over.seed !== undefined ? signerFor(over.seed) : a.signer,
    );

  test('a request signed by the origin is accepted; the origin key is fetched from the origin', async () => {
    const res = await a.fed.ctx.client.request<{ chunk: unknown[] }>(b.serverName, 'GET', '/_matrix/federation/v1/publicRooms', { query: { limit: 5 } });
    expect(Array.isArray(res.chunk)).toBe(true);
    expect(b.fed.ctx.keyRing.lookup(a.serverName, a.keyId, Date.now())).toBeDefined();
    expect((await send(header())).status).toBe(200);
  });

  test('a forged signature is refused with 401 M_UNAUTHORIZED', async () => {
    const res = await send(header({ seed: 77 }));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errcode: string }).errcode).toBe('M_UNAUTHORIZED');
  });

  test('a signature over another request target is refused', async () => {
    expect((await send(header({ uri: '/_matrix/federation/v1/publicRooms?limit=6' }))).status).toBe(401);
  });

  test('a destination other than us is refused with 401', async () => {
    expect((await send(header({ destination: 'elsewhere.example' }))).status).toBe(401);
  });

  test('no header, or another scheme, is 401; an invalid origin server name is 400 (SyTest 02server-names.pl)', async () => {
    expect((await send()).status).toBe(401);
    expect((await send('Bearer xyz')).status).toBe(401);
    const bad = await send('X-Matrix origin="localhost:http",destination="x",key="ed25519:1",sig="abc"');
    expect(bad.status).toBe(400);
  });

  test('an unknown key of the origin is refused', async () => {
    expect((await send(header({ keyId: 'ed25519:nope' }))).status).toBe(401);
  });

  test('GET /_matrix/federation/v1/version needs no signature', async () => {
    const res = await b.app.app.request('/_matrix/federation/v1/version');
    expect(((await res.json()) as any).server.name).toBeString();
  });
});

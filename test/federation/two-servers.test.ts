// Two real servers (`bun cmd/dendrite.ts run monolith`, each with its own HTTPS listener and
// database) federating over loopback (Server-Server API): keys fetched and checked, signed
// requests accepted and forged ones refused, real events signed by one server's key taken in by
// the other over /send, EDUs delivered to the other server's clients through /sync, and the
// other way round through the sending server's queues.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { readSigningKey } from '../../src/config/signing-key.ts';
import { sendTransaction } from '../../src/federationapi/client/calls/events.ts';
import type { FederationClient } from '../../src/federationapi/client/client.ts';
import { authorizationHeader } from '../../src/federationapi/client/x-matrix.ts';
import { buildClient } from '../../src/federationapi/index.ts';
import type { EventRef, JsonObject, PduJson } from '../../src/protocol/event.ts';
import { buildEvent } from '../../src/protocol/events/build.ts';
import { roomVersion } from '../../src/protocol/room-versions.ts';
import { nativeEd25519, verifyJsonSignature } from '../../src/protocol/signing/index.ts';
import { stderrLogger } from '../../src/setup/logger.ts';
import { TestClient } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { federationConfig } from '../unit/federationapi/harness.ts';

const insecure = { tls: { rejectUnauthorized: false } } as RequestInit;
const enc = encodeURIComponent;

/** Long-polls /sync until `found` picks something out of a response. */
async function syncUntil<T>(c: TestClient, found: (body: any) => T | undefined, timeoutMs = 15_000): Promise<T> {
  let since = '';
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = await c.request('GET', `/_matrix/client/v3/sync?timeout=2000${since ? `&since=${since}` : ''}`);
    if (r.status !== 200) throw new Error(`sync: ${r.status} ${JSON.stringify(r.body)}`);
    const hit = found(r.body);
    if (hit !== undefined) return hit;
    since = r.body.next_batch;
  }
  throw new Error('not seen in /sync in time');
}

describe('two servers over federation', () => {
  let a: TestServer;
  let b: TestServer;
  let asA: FederationClient;
  let aKey: ReturnType<typeof readSigningKey>;
  let bob: TestClient;
  let alice: string;
  let roomId: string;
  let version: string;
  let state: Record<string, string>;
  let last: { id: string; depth: number };

  beforeAll(async () => {
    [a, b] = await Promise.all([startServer({ federation: true }), startServer({ federation: true })]);
    aKey = readSigningKey(join(a.dir, 'matrix_key.pem'));
    // This test speaks for server A with A's own key, as A's server would.
    asA = buildClient({ config: federationConfig(a.serverName), serverName: a.serverName, signingKey: aKey, log: stderrLogger('error') });
    alice = `@alice:${a.serverName}`;
    bob = await new TestClient(b.url).register('bob');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.cleanup(), b?.cleanup()]);
  });

  test("server keys: B publishes its key self-signed; A, as notary, fetches and countersigns it (\"Retrieving server keys\")", async () => {
    const res = await fetch(`${b.federationUrl}/_matrix/key/v2/server`, insecure);
    const keys = (await res.json()) as any;
    expect(keys.server_name).toBe(b.serverName);
    const [keyId, { key }] = Object.entries(keys.verify_keys as Record<string, { key: string }>)[0]!;
    expect(verifyJsonSignature(keys, b.serverName, keyId, key)).toBe(true);
    const q = await fetch(`${a.federationUrl}/_matrix/key/v2/query`, { ...insecure, method: 'POST', body: JSON.stringify({ server_keys: { [b.serverName]: {} } }) });
    const answer = ((await q.json()) as { server_keys: any[] }).server_keys[0];
    expect(answer.verify_keys[keyId].key).toBe(key);
    expect(verifyJsonSignature(answer, b.serverName, keyId, key)).toBe(true);
    expect(verifyJsonSignature(answer, a.serverName, aKey.keyId, nativeEd25519.signer(aKey.seed).publicKey)).toBe(true);
  });

  test('a request signed with A\'s key is accepted by B (which fetches A\'s key from A); a forged one is 401 M_UNAUTHORIZED', async () => {
    const ok = await asA.request<{ chunk: unknown[] }>(b.serverName, 'GET', '/_matrix/federation/v1/publicRooms');
    expect(Array.isArray(ok.chunk)).toBe(true);
    const path = '/_matrix/federation/v1/publicRooms';
    const forged = authorizationHeader({ method: 'GET', uri: path, origin: a.serverName, destination: b.serverName }, aKey.keyId, nativeEd25519.signer(new Uint8Array(32).fill(3)));
    const res = await fetch(`${b.federationUrl}${path}`, { ...insecure, headers: { Authorization: forged } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).errcode).toBe('M_UNAUTHORIZED');
  });

  /** An event of A's user in B's room, built and signed by A's key. */
  function aliceEvent(type: string, content: JsonObject, stateKey: string | undefined, authKeys: string[]): { pdu: PduJson; eventId: string } {
    const rv = roomVersion(version)!;
    const auth = authKeys.map((k) => state[k]).filter((x): x is string => x !== undefined && !(rv.roomIdFromCreateEvent && x === state['m.room.create|']));
    const built = buildEvent(
      { roomVersion: version, roomId, sender: alice, type, stateKey, content, prevEvents: [last.id] as EventRef[], authEvents: auth, depth: last.depth + 1, originServerTs: Date.now() },
      a.serverName,
      aKey.keyId,
      nativeEd25519.signer(aKey.seed),
    );
    last = { id: built.event.eventId, depth: built.pdu.depth };
    if (stateKey !== undefined) state[`${type}|${stateKey}`] = built.event.eventId;
    return { pdu: built.pdu, eventId: built.event.eventId };
  }

  test("a PDU signed by A goes over /send into B's room; B's user sees it in /sync", async () => {
    const created = await bob.request('POST', '/_matrix/client/v3/createRoom', { preset: 'public_chat' });
    roomId = created.body.room_id;
    const st = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state`);
    state = Object.fromEntries((st.body as any[]).map((e) => [`${e.type}|${e.state_key}`, e.event_id]));
    version = (st.body as any[]).find((e) => e.type === 'm.room.create').content.room_version ?? '1';
    const latest = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=b&limit=1`);
    const head = await asA.request<{ pdus: PduJson[] }>(b.serverName, 'GET', `/_matrix/federation/v1/event/${enc(latest.body.chunk[0].event_id)}`);
    last = { id: latest.body.chunk[0].event_id, depth: head.pdus[0]!.depth };

    const join = aliceEvent('m.room.member', { membership: 'join' }, alice, ['m.room.create|', 'm.room.power_levels|', 'm.room.join_rules|']);
    const msg = aliceEvent('m.room.message', { msgtype: 'm.text', body: 'hello from A' }, undefined, ['m.room.create|', 'm.room.power_levels|', `m.room.member|${alice}`]);
    const res = await sendTransaction(asA, b.serverName, `t${Date.now()}`, { origin: a.serverName, origin_server_ts: Date.now(), pdus: [join.pdu, msg.pdu] });
    expect(res.pdus).toEqual({ [join.eventId]: {}, [msg.eventId]: {} });
    const body = await syncUntil(bob, (s) => s.rooms?.join?.[roomId]?.timeline?.events?.find((e: any) => e.event_id === msg.eventId));
    expect(body.sender).toBe(alice);
    expect(body.content.body).toBe('hello from A');
  }, 30_000);

  test("EDUs from A (typing, to-device) reach B's user through /sync", async () => {
    const edus = [
      { edu_type: 'm.typing', content: { room_id: roomId, user_id: alice, typing: true } },
      { edu_type: 'm.direct_to_device', content: { sender: alice, type: 'm.test', message_id: 'x1', messages: { [bob.userId]: { [bob.deviceId]: { secret: 42 } } } } },
    ];
    await sendTransaction(asA, b.serverName, `e${Date.now()}`, { origin: a.serverName, origin_server_ts: Date.now(), pdus: [], edus });
    const typing = await syncUntil(bob, (s) => s.rooms?.join?.[roomId]?.ephemeral?.events?.find((e: any) => e.type === 'm.typing' && e.content.user_ids.includes(alice)));
    expect(typing.content.user_ids).toContain(alice);
    const toDevice = await syncUntil(bob, (s) => s.to_device?.events?.find((e: any) => e.type === 'm.test'));
    expect(toDevice).toEqual({ sender: alice, type: 'm.test', content: { secret: 42 } });
  }, 30_000);

  let aliceClient: TestClient;

  test("B's queues deliver to A: a to-device message from B's user reaches A's user", async () => {
    aliceClient = await new TestClient(a.url).register('alice');
    expect(aliceClient.userId).toBe(alice);
    const r = await bob.request('PUT', `/_matrix/client/v3/sendToDevice/m.hello/txn${Date.now()}`, { messages: { [alice]: { [aliceClient.deviceId]: { from: 'B' } } } });
    expect(r.status).toBe(200);
    const got = await syncUntil(aliceClient, (s) => s.to_device?.events?.find((e: any) => e.type === 'm.hello'));
    expect(got).toEqual({ sender: bob.userId, type: 'm.hello', content: { from: 'B' } });
  }, 30_000);

  test("media: A's user downloads B's upload through A, which fetches it from B over signed federation (\"Content Repository\")", async () => {
    const bytes = new TextEncoder().encode('remote media bytes');
    const up = await fetch(`${b.url}/_matrix/media/v3/upload?filename=r.txt`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bob.accessToken}`, 'Content-Type': 'text/plain' },
      body: bytes,
    });
    const { content_uri } = (await up.json()) as { content_uri: string };
    const [, server, mediaId] = /^mxc:\/\/([^/]+)\/(.+)$/.exec(content_uri)!;
    expect(server).toBe(b.serverName);
    const res = await fetch(`${a.url}/_matrix/client/v1/media/download/${server}/${mediaId}`, { headers: { Authorization: `Bearer ${aliceClient.accessToken}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('remote media bytes');
    // Unsigned, B's federation media endpoint refuses.
    expect((await fetch(`${b.federationUrl}/_matrix/federation/v1/media/download/${mediaId}`, insecure)).status).toBe(401);
  }, 30_000);
});

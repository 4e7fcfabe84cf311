// What other servers may read (Server-Server API, "Retrieving events", "Retrieving event
// authorisation information", "Backfilling and retrieving missing events", "Querying for
// information", "Published Room Directory", "End-to-End Encryption"), asked by one stack of
// another over signed requests, with history visibility applied per server.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { FederationClient } from '../../../src/federationapi/client/client.ts';
import { RoomBuilder, type Stack, startStack } from './harness.ts';

const V1 = '/_matrix/federation/v1';
const enc = encodeURIComponent;

describe('read endpoints for other servers', () => {
  let a: Stack;
  let b: Stack;
  let c: Stack;
  let room: RoomBuilder;
  let alice: string;
  let bob: string;
  let ids: Record<string, string>;
  let asB: FederationClient;
  const get = <T>(path: string, query?: Record<string, string | string[]>) => asB.request<T>(a.serverName, 'GET', path, { query });

  beforeAll(async () => {
    a = await startStack({ seed: 41, noSender: true });
    b = await startStack({ seed: 42, noSender: true });
    c = await startStack({ seed: 43, noSender: true });
    asB = b.fed.ctx.client;
    alice = `@alice:${a.serverName}`;
    bob = `@bob:${b.serverName}`;
    room = new RoomBuilder(a);
    room.create(alice, { historyVisibility: 'joined' });
    ids = { create: room.idOf(0), aliceJoin: room.idOf(1), pl: room.idOf(2), jr: room.idOf(3), hv: room.idOf(4) };
    ids.m1 = room.add(alice, 'm.room.message', { msgtype: 'm.text', body: 'before bob 1' }).eventId;
    ids.m2 = room.add(alice, 'm.room.message', { msgtype: 'm.text', body: 'before bob 2' }).eventId;
    ids.bobJoin = room.add(bob, 'm.room.member', { membership: 'join' }, bob, undefined, b).eventId;
    ids.m3 = room.add(alice, 'm.room.message', { msgtype: 'm.text', body: 'after bob' }).eventId;
    await room.feed(a);
    await a.userapi.createAccount({ localpart: 'alice', password: 'pw', kind: 'user', displayName: 'Alice A' });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await c.close();
  });

  test('GET /event/{eventId}: an event the server may see, whole; one from before its user joined (joined visibility), redacted', async () => {
    const seen = await get<{ origin: string; pdus: any[] }>(`${V1}/event/${enc(ids.m3!)}`);
    expect(seen.origin).toBe(a.serverName);
    expect(seen.pdus[0].content.body).toBe('after bob');
    expect(seen.pdus[0].unsigned).toBeUndefined();
    const hidden = await get<{ pdus: any[] }>(`${V1}/event/${enc(ids.m1!)}`);
    expect(hidden.pdus[0].content).toEqual({});
    await expect(get(`${V1}/event/${enc('$unknown')}`)).rejects.toMatchObject({ status: 404 });
  });

  test('GET /state_ids and /state: the state before the event, and its auth chain', async () => {
    const r = await get<{ pdu_ids: string[]; auth_chain_ids: string[] }>(`${V1}/state_ids/${enc(room.roomId)}`, { event_id: ids.m3! });
    expect(r.pdu_ids.sort()).toEqual([ids.create, ids.aliceJoin, ids.pl, ids.jr, ids.hv, ids.bobJoin].sort() as string[]);
    expect(r.auth_chain_ids).toContain(ids.create!);
    expect(r.auth_chain_ids).not.toContain(ids.m1!);
    // The state before a state event does not include it.
    const before = await get<{ pdu_ids: string[] }>(`${V1}/state_ids/${enc(room.roomId)}`, { event_id: ids.bobJoin! });
    expect(before.pdu_ids).not.toContain(ids.bobJoin!);
    const full = await get<{ pdus: any[]; auth_chain: any[] }>(`${V1}/state/${enc(room.roomId)}`, { event_id: ids.m3! });
    expect(full.pdus.length).toBe(6);
    expect(full.pdus.find((p) => p.type === 'm.room.create')).toBeDefined();
  });

  test('GET /event_auth/{roomId}/{eventId}: the auth chain of the event', async () => {
    const r = await get<{ auth_chain: any[] }>(`${V1}/event_auth/${enc(room.roomId)}/${enc(ids.bobJoin!)}`);
    const types = r.auth_chain.map((e) => e.type).sort();
    expect(types).toContain('m.room.create');
    expect(types).toContain('m.room.join_rules');
    expect(types).toContain('m.room.power_levels');
  });

  test('GET /backfill: the given events and what came before, newest first, limited; hidden events redacted', async () => {
    const r = await get<{ pdus: any[] }>(`${V1}/backfill/${enc(room.roomId)}`, { v: [ids.m3!], limit: '3' });
    expect(r.pdus.map((p) => p.depth)).toEqual([9, 8, 7]);
    expect(r.pdus[0].content.body).toBe('after bob');
    expect(r.pdus[2].content).toEqual({}); // m2, from before bob joined
  });

  test('POST /get_missing_events: the events between earliest and latest, oldest first', async () => {
    const r = await asB.request<{ events: any[] }>(a.serverName, 'POST', `${V1}/get_missing_events/${enc(room.roomId)}`, {
      body: { earliest_events: [ids.m1], latest_events: [ids.m3], limit: 10 },
    });
    expect(r.events.map((e) => e.depth)).toEqual([7, 8]);
    expect(r.events[1].state_key).toBe(bob);
  });

  test('a server with no user in the room is refused (403)', async () => {
    await expect(c.fed.ctx.client.request(a.serverName, 'GET', `${V1}/state_ids/${enc(room.roomId)}`, { query: { event_id: ids.m3! } })).rejects.toMatchObject({
      status: 403,
      errcode: 'M_FORBIDDEN',
    });
    await expect(get(`${V1}/state_ids/${enc('!nope:' + a.serverName)}`, { event_id: ids.m3! })).rejects.toMatchObject({ status: 404 });
  });

  test('GET /query/directory and /query/profile', async () => {
    await a.rs.setAlias(`#room:${a.serverName}`, room.roomId, alice);
    const dir = await get<{ room_id: string; servers: string[] }>(`${V1}/query/directory`, { room_alias: `#room:${a.serverName}` });
    expect(dir.room_id).toBe(room.roomId);
    expect(dir.servers[0]).toBe(a.serverName);
    expect(dir.servers).toContain(b.serverName);
    await expect(get(`${V1}/query/directory`, { room_alias: `#nope:${a.serverName}` })).rejects.toMatchObject({ status: 404 });
    expect(await get(`${V1}/query/profile`, { user_id: alice, field: 'displayname' })).toEqual({ displayname: 'Alice A' });
    await expect(get(`${V1}/query/profile`, { user_id: `@nobody:${a.serverName}` })).rejects.toMatchObject({ status: 404 });
    await expect(get(`${V1}/query/profile`, { user_id: bob })).rejects.toMatchObject({ status: 400 });
  });

  test('the FederationApi asks other servers for components (profile, directory)', async () => {
    expect(await b.fed.api.queryProfile(alice)).toMatchObject({ displayname: 'Alice A' });
    expect((await b.fed.api.queryDirectory(`#room:${a.serverName}`)).room_id).toBe(room.roomId);
    await expect(b.fed.api.queryProfile('@x:127.0.0.1:1')).rejects.toMatchObject({ status: 502 });
  });

  test('POST /user/keys/query and /user/keys/claim answer for our users only', async () => {
    const q = await asB.request<{ device_keys: Record<string, unknown> }>(a.serverName, 'POST', `${V1}/user/keys/query`, {
      body: { device_keys: { [alice]: [], [bob]: [] } },
    });
    expect(q.device_keys).toEqual({ [alice]: {} });
    const c2 = await asB.request<{ one_time_keys: unknown }>(a.serverName, 'POST', `${V1}/user/keys/claim`, { body: { one_time_keys: { [alice]: { DEV: 'signed_curve25519' } } } });
    expect(c2.one_time_keys).toEqual({});
  });

  test('GET and POST /publicRooms: our published rooms', async () => {
    await a.rs.setVisibility(room.roomId, 'public');
    const g = await get<{ chunk: { room_id: string }[] }>(`${V1}/publicRooms`);
    expect(g.chunk.map((r) => r.room_id)).toContain(room.roomId);
    const p = await asB.request<{ chunk: unknown[] }>(a.serverName, 'POST', `${V1}/publicRooms`, { body: { limit: 1, filter: { generic_search_term: 'no such room' } } });
    expect(p.chunk).toEqual([]);
  });
});

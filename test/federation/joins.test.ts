// Joining rooms on another server (Server-Server API, "Joining Rooms"; Client-Server API,
// "Joining rooms"): two real servers over HTTPS. A user of B joins a room of A by alias and by
// room ID with `via`; messages go both ways and show in each side's /sync; leaving goes out too;
// remote profiles and aliases are looked up on the other server.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { TestClient } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { enc, eventually, syncUntil, timelineOf } from './sync-until.ts';

describe('joining rooms of another server', () => {
  let a: TestServer;
  let b: TestServer;
  let alice: TestClient;
  let bob: TestClient;
  let roomId: string;
  let alias: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([startServer({ federation: true }), startServer({ federation: true })]);
    [alice, bob] = await Promise.all([new TestClient(a.url).register('alice'), new TestClient(b.url).register('bob')]);
    await alice.request('PUT', `/_matrix/client/v3/profile/${enc(alice.userId)}/displayname`, { displayname: 'Alice A' });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.cleanup(), b?.cleanup()]);
  });

  test('remote profile and alias lookups go to the other server (federation /query/profile, /query/directory)', async () => {
    const p = await bob.request('GET', `/_matrix/client/v3/profile/${enc(alice.userId)}`);
    expect(p.status).toBe(200);
    expect(p.body.displayname).toBe('Alice A');
    const f = await bob.request('GET', `/_matrix/client/v3/profile/${enc(alice.userId)}/displayname`);
    expect(f.body).toEqual({ displayname: 'Alice A' });
    const created = await alice.request('POST', '/_matrix/client/v3/createRoom', { preset: 'public_chat', room_alias_name: 'lobby', name: 'Lobby' });
    expect(created.status).toBe(200);
    roomId = created.body.room_id;
    alias = `#lobby:${a.serverName}`;
    const d = await bob.request('GET', `/_matrix/client/v3/directory/room/${enc(alias)}`);
    expect(d.status).toBe(200);
    expect(d.body.room_id).toBe(roomId);
    expect(d.body.servers).toContain(a.serverName);
    const missing = await bob.request('GET', `/_matrix/client/v3/directory/room/${enc(`#nothing:${a.serverName}`)}`);
    expect(missing.status).toBe(404);
    const rooms = await bob.request('GET', `/_matrix/client/v3/publicRooms?server=${enc(a.serverName)}`);
    expect(rooms.status).toBe(200);
  }, 30_000);

  test('a user of B joins a room of A by alias; both sides see the join, messages go both ways in /sync', async () => {
    const j = await bob.request('POST', `/_matrix/client/v3/join/${enc(alias)}`, {});
    expect(j.status).toBe(200);
    expect(j.body.room_id).toBe(roomId);
    // B's user sees the room with its state.
    const room = await syncUntil(bob, (s) => s.rooms?.join?.[roomId]);
    const stateTypes = [...(room.state?.events ?? []), ...(room.timeline?.events ?? [])].map((e: any) => e.type);
    expect(stateTypes).toContain('m.room.member');
    // The room's state is B's now: its own API answers with the state A sent in send_join.
    const name = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.name`);
    expect(name.body).toEqual({ name: 'Lobby' });
    // A's user sees B's user join.
    await syncUntil(alice, (s) => timelineOf(s, roomId).find((e) => e.type === 'm.room.member' && e.state_key === bob.userId && e.content.membership === 'join'));
    const members = await alice.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/joined_members`);
    expect(Object.keys(members.body.joined)).toContain(bob.userId);

    const sentA = await alice.request('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/t1`, { msgtype: 'm.text', body: 'hello from A' });
    expect(sentA.status).toBe(200);
    const gotB = await syncUntil(bob, (s) => timelineOf(s, roomId).find((e) => e.event_id === sentA.body.event_id));
    expect(gotB.content.body).toBe('hello from A');
    const sentB = await bob.request('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/t2`, { msgtype: 'm.text', body: 'hello from B' });
    expect(sentB.status).toBe(200);
    const gotA = await syncUntil(alice, (s) => timelineOf(s, roomId).find((e) => e.event_id === sentB.body.event_id));
    expect(gotA.sender).toBe(bob.userId);
  }, 60_000);

  test('a second user of B joins by room ID with ?via=; then leaves, and A sees the leave', async () => {
    const carol = await new TestClient(b.url).register('carol');
    const j = await carol.request('POST', `/_matrix/client/v3/join/${enc(roomId)}?via=${enc(a.serverName)}`, {});
    expect(j.status).toBe(200);
    await eventually(async () => {
      const m = await alice.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/joined_members`);
      return carol.userId in (m.body.joined ?? {}) ? true : undefined;
    });
    const l = await carol.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/leave`, {});
    expect(l.status).toBe(200);
    await eventually(async () => {
      const m = await alice.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(carol.userId)}`);
      return m.body.membership === 'leave' ? true : undefined;
    });
  }, 60_000);

  test('joining an unknown room without a server to ask is 404; a room on a server that does not know it is 404 too', async () => {
    const r = await bob.request('POST', `/_matrix/client/v3/join/${enc('!nowhere:example.invalid')}`, {});
    expect([404, 502]).toContain(r.status);
    const r2 = await bob.request('POST', `/_matrix/client/v3/join/${enc(`!nowhere:${a.serverName}`)}`, {});
    expect(r2.status).toBe(404);
  }, 30_000);
});

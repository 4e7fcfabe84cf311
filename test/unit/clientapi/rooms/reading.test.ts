// Client-Server API, "Getting events for a room" (rooms.yaml: /event, /state, /state/{type}/{key},
// /members, /joined_members; room_event_by_timestamp.yaml) and the history visibility module;
// SyTest tests/30rooms/11leaving.pl (SPEC-216: departed users see the state when they left),
// 40joinedapis.pl, 51event.pl, 10apidoc/31room-state.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../../helpers/databases.ts';
import { client, enc, registerUser, roomsHarness, type RoomsHarness, type TestUser, v3 } from './harness.ts';

forEachDatabase('client API reading rooms', (dbc) => {
  let h: RoomsHarness;
  let c: ReturnType<typeof client>;
  let alice: TestUser;
  beforeAll(async () => {
    h = await roomsHarness(dbc);
    c = client(h);
    alice = await registerUser(h.app);
    await c.call('PUT', v3(`/profile/${enc(alice.userId)}/avatar_url`), { avatar_url: 'http://example.com/avatar.png' }, alice.token);
  });
  afterAll(() => h.close());

  const status = (r: { status: number; body: { errcode?: string } }) => [r.status, r.body?.errcode];
  const get = (user: TestUser, path: string) => c.call('GET', v3(path), undefined, user.token);

  test('a departed user reads the state and members as they were when they left (SPEC-216); outsiders get 403', async () => {
    const bob = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { preset: 'public_chat', name: 'N1' });
    await c.join(bob, roomId);
    await c.putState(alice, roomId, 'madeup.test.state', { body: 'S1' });
    await c.leave(bob, roomId);
    await c.putState(alice, roomId, 'm.room.name', { name: 'N2' });
    await c.putState(alice, roomId, 'madeup.test.state', { body: 'S2' });

    const st = (await get(bob, `/rooms/${enc(roomId)}/state`)).body as { type: string; content: Record<string, unknown> }[];
    expect(st.find((e) => e.type === 'madeup.test.state')!.content).toEqual({ body: 'S1' });
    expect((await get(bob, `/rooms/${enc(roomId)}/state/m.room.name`)).body).toEqual({ name: 'N1' });
    const members = (await get(bob, `/rooms/${enc(roomId)}/members`)).body.chunk as { state_key: string; content: { membership: string } }[];
    expect(members.find((e) => e.state_key === bob.userId)!.content.membership).toBe('leave');
    // Current members see the current state.
    expect((await get(alice, `/rooms/${enc(roomId)}/state/m.room.name`)).body).toEqual({ name: 'N2' });
    const eve = await registerUser(h.app);
    expect(status(await get(eve, `/rooms/${enc(roomId)}/state`))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await get(eve, `/rooms/${enc(roomId)}/state/m.room.name`))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await get(eve, `/rooms/${enc(roomId)}/members`))).toEqual([403, 'M_FORBIDDEN']);
  });

  test('world_readable rooms can be read by anyone', async () => {
    const eve = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { initial_state: [{ type: 'm.room.history_visibility', content: { history_visibility: 'world_readable' } }], name: 'open' });
    expect((await get(eve, `/rooms/${enc(roomId)}/state/m.room.name`)).body).toEqual({ name: 'open' });
    expect((await get(eve, `/rooms/${enc(roomId)}/members`)).body.chunk).toHaveLength(1);
    const msg = (await c.send(alice, roomId, { body: 'hello' }, 'wr1')).body.event_id;
    expect((await get(eve, `/rooms/${enc(roomId)}/event/${enc(msg)}`)).status).toBe(200);
    expect((await get(eve, `/rooms/${enc(roomId)}/aliases`)).body).toEqual({ aliases: [] });
  });

  test('/members filters by membership and not_membership', async () => {
    const [bob, carol, dave] = [await registerUser(h.app), await registerUser(h.app), await registerUser(h.app)];
    const roomId = await c.createRoom(alice, { preset: 'public_chat', invite: [carol.userId] });
    await c.join(bob, roomId);
    await c.join(dave, roomId);
    await c.leave(dave, roomId);
    const who = async (query: string) =>
      ((await get(alice, `/rooms/${enc(roomId)}/members${query}`)).body.chunk as { state_key: string }[]).map((e) => e.state_key).sort();
    expect(await who('')).toEqual([alice.userId, bob.userId, carol.userId, dave.userId].sort());
    expect(await who('?membership=join')).toEqual([alice.userId, bob.userId].sort());
    expect(await who('?not_membership=join')).toEqual([carol.userId, dave.userId].sort());
    expect(await who('?membership=invite&not_membership=join')).toEqual([carol.userId, dave.userId].sort());
    expect(await who('?at=s123_456')).toHaveLength(4);
    expect(status(await get(alice, `/rooms/${enc(roomId)}/members?membership=joined`))).toEqual([400, 'M_INVALID_PARAM']);
  });

  test('/joined_members: joined users only, with display_name and avatar_url (SyTest 40joinedapis.pl)', async () => {
    const [joined, left, invited] = [await registerUser(h.app), await registerUser(h.app), await registerUser(h.app)];
    const roomId = await c.createRoom(alice, { invite: [joined.userId, left.userId, invited.userId] });
    await c.join(joined, roomId);
    await c.join(left, roomId);
    await c.leave(left, roomId);
    for (const user of [alice, joined]) {
      const body = (await get(user, `/rooms/${enc(roomId)}/joined_members`)).body;
      expect(Object.keys(body.joined).sort()).toEqual([alice.userId, joined.userId].sort());
      expect(body.joined[alice.userId]).toEqual({ display_name: alice.localpart, avatar_url: 'http://example.com/avatar.png' });
      expect(body.joined[joined.userId]).toEqual({ display_name: joined.localpart, avatar_url: null });
    }
    expect(status(await get(invited, `/rooms/${enc(roomId)}/joined_members`))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await get(left, `/rooms/${enc(roomId)}/joined_members`))).toEqual([403, 'M_FORBIDDEN']);
  });

  test('/event: members see events; outsiders 404; with history_visibility joined, not events from before one joined (SyTest 51event.pl)', async () => {
    const [other, late] = [await registerUser(h.app), await registerUser(h.app)];
    const roomId = await c.createRoom(alice, { preset: 'private_chat' });
    const first = (await c.send(alice, roomId, { msgtype: 'm.text', body: 'hello, world' }, 'ev1')).body.event_id;
    const got = (await get(alice, `/rooms/${enc(roomId)}/event/${enc(first)}`)).body;
    expect(got).toMatchObject({ event_id: first, room_id: roomId, sender: alice.userId, type: 'm.room.message', content: { body: 'hello, world' } });
    expect(typeof got.origin_server_ts).toBe('number');
    expect(got.unsigned.age).toBeGreaterThanOrEqual(0);
    expect(got).not.toHaveProperty('signatures');
    expect(status(await get(other, `/rooms/${enc(roomId)}/event/${enc(first)}`))).toEqual([404, 'M_NOT_FOUND']);

    await c.putState(alice, roomId, 'm.room.history_visibility', { history_visibility: 'joined' });
    await c.invite(alice, roomId, late.userId);
    const before = (await c.send(alice, roomId, { body: 'before join' }, 'ev2')).body.event_id;
    await c.join(late, roomId);
    const after = (await c.send(alice, roomId, { body: 'after join' }, 'ev3')).body.event_id;
    expect(status(await get(late, `/rooms/${enc(roomId)}/event/${enc(before)}`))).toEqual([404, 'M_NOT_FOUND']);
    expect((await get(late, `/rooms/${enc(roomId)}/event/${enc(after)}`)).body.content.body).toBe('after join');
    // "shared" history: a member who joins later sees what came before.
    const shared = await c.createRoom(alice, { preset: 'public_chat' });
    const early = (await c.send(alice, shared, { body: 'early' }, 'ev4')).body.event_id;
    await c.join(other, shared);
    expect((await get(other, `/rooms/${enc(shared)}/event/${enc(early)}`)).status).toBe(200);
    // ...and keeps seeing it after leaving, but not what came after the leave.
    await c.leave(other, shared);
    const later = (await c.send(alice, shared, { body: 'later' }, 'ev5')).body.event_id;
    expect((await get(other, `/rooms/${enc(shared)}/event/${enc(early)}`)).status).toBe(200);
    expect(status(await get(other, `/rooms/${enc(shared)}/event/${enc(later)}`))).toEqual([404, 'M_NOT_FOUND']);
    // An event of another room, or an unknown one, is not found here.
    expect(status(await get(alice, `/rooms/${enc(shared)}/event/${enc(first)}`))).toEqual([404, 'M_NOT_FOUND']);
    expect(status(await get(alice, `/rooms/${enc(shared)}/event/${enc('$nope')}`))).toEqual([404, 'M_NOT_FOUND']);
  });

  test('timestamp_to_event (v1) finds the closest event in each direction; 404 past the ends; bad parameters 400', async () => {
    const roomId = await c.createRoom(alice);
    const msg = (await c.send(alice, roomId, { body: 'x' }, 'ts1')).body.event_id;
    const [stored] = await h.rs.eventsById([msg]);
    const ts = stored!.json.origin_server_ts;
    const path = (q: string) => `/_matrix/client/v1/rooms/${enc(roomId)}/timestamp_to_event?${q}`;
    const back = await c.call('GET', path(`ts=${ts + 60_000}&dir=b`), undefined, alice.token);
    expect(back.body).toEqual({ event_id: msg, origin_server_ts: ts });
    const fwd = await c.call('GET', path(`ts=${ts + 60_000}&dir=f`), undefined, alice.token);
    expect(status(fwd)).toEqual([404, 'M_NOT_FOUND']);
    expect(status(await c.call('GET', path(`ts=${ts}&dir=x`), undefined, alice.token))).toEqual([400, 'M_INVALID_PARAM']);
    expect(status(await c.call('GET', path('dir=f'), undefined, alice.token))).toEqual([400, 'M_MISSING_PARAM']);
    expect(status(await c.call('GET', path('ts=abc&dir=f'), undefined, alice.token))).toEqual([400, 'M_INVALID_PARAM']);
    const eve = await registerUser(h.app);
    expect(status(await c.call('GET', path(`ts=${ts}&dir=b`), undefined, eve.token))).toEqual([403, 'M_FORBIDDEN']);
  });
});

// Client-Server API, "Creation" (POST /createRoom) against the real room server: presets, alias,
// name, topic, invites, room versions, creation_content, initial_state, power levels; SyTest
// tests/10apidoc/30room-create.pl and 31room-state.pl's creation cases.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../../helpers/databases.ts';
import { SERVER, client, registerUser, roomsHarness, type RoomsHarness, type TestUser, v3 } from './harness.ts';

forEachDatabase('client API POST /createRoom', (dbc) => {
  let h: RoomsHarness;
  let c: ReturnType<typeof client>;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    h = await roomsHarness(dbc);
    c = client(h);
    alice = await registerUser(h.app);
    bob = await registerUser(h.app);
    await c.call('PUT', v3(`/profile/${encodeURIComponent(alice.userId)}/avatar_url`), { avatar_url: 'mxc://hs/alice' }, alice.token);
  });
  afterAll(() => h.close());

  const state = async (roomId: string, user = alice) => {
    const r = await c.call('GET', v3(`/rooms/${encodeURIComponent(roomId)}/state`), undefined, user.token);
    expect(r.status).toBe(200);
    return r.body as { type: string; state_key: string; content: Record<string, unknown>; sender: string; event_id: string }[];
  };
  const one = async (roomId: string, type: string, key = '') => (await state(roomId)).find((e) => e.type === type && e.state_key === key);

  test('public_chat with an alias, name and topic: the room has every event, the alias resolves, the room is published', async () => {
    const name = `pub-${dbc.kind}`;
    const roomId = await c.createRoom(alice, { visibility: 'public', room_alias_name: name, name: 'Test Room', topic: 'A topic', room_version: '10' });
    expect(roomId).toMatch(/^!.+:test\.example$/);
    expect((await one(roomId, 'm.room.create'))!.content).toEqual({ creator: alice.userId, room_version: '10' });
    expect((await one(roomId, 'm.room.member', alice.userId))!.content).toEqual({ membership: 'join', displayname: alice.localpart, avatar_url: 'mxc://hs/alice' });
    expect((await one(roomId, 'm.room.join_rules'))!.content).toEqual({ join_rule: 'public' });
    expect((await one(roomId, 'm.room.history_visibility'))!.content).toEqual({ history_visibility: 'shared' });
    expect((await one(roomId, 'm.room.guest_access'))!.content).toEqual({ guest_access: 'forbidden' });
    expect((await one(roomId, 'm.room.canonical_alias'))!.content).toEqual({ alias: `#${name}:${SERVER}` });
    expect((await c.getState(alice, roomId, 'm.room.name')).body).toEqual({ name: 'Test Room' });
    expect((await c.getState(alice, roomId, 'm.room.topic')).body.topic).toBe('A topic');
    const pl = (await c.getState(alice, roomId, 'm.room.power_levels')).body;
    expect(pl.users).toEqual({ [alice.userId]: 100 });
    for (const key of ['ban', 'kick', 'redact', 'users_default', 'state_default', 'events_default', 'events']) expect(pl).toHaveProperty(key);
    const dir = await c.call('GET', v3(`/directory/room/${encodeURIComponent(`#${name}:${SERVER}`)}`));
    expect(dir.body).toEqual({ room_id: roomId, servers: [SERVER] });
    expect((await c.call('GET', v3(`/directory/list/room/${encodeURIComponent(roomId)}`))).body).toEqual({ visibility: 'public' });
  });

  test('the events are stored in the spec order (create, join, power levels, alias, preset, initial_state, name, topic, invites)', async () => {
    const roomId = await c.createRoom(alice, {
      room_alias_name: `order-${dbc.kind}`,
      name: 'N',
      topic: 'T',
      invite: [bob.userId],
      initial_state: [{ type: 'org.example.state', state_key: 'k', content: { a: 1 } }],
      preset: 'private_chat',
    });
    const events = (await state(roomId)).map((e) => e.event_id);
    const stored = await h.rs.eventsById(events);
    const order = stored.sort((a, b) => a.nid - b.nid).map((e) => `${e.json.type}/${e.json.state_key}`);
    expect(order).toEqual([
      'm.room.create/',
      `m.room.member/${alice.userId}`,
      'm.room.power_levels/',
      'm.room.canonical_alias/',
      'm.room.join_rules/',
      'm.room.history_visibility/',
      'm.room.guest_access/',
      'org.example.state/k',
      'm.room.name/',
      'm.room.topic/',
      `m.room.member/${bob.userId}`,
    ]);
    expect((await one(roomId, 'm.room.join_rules'))!.content).toEqual({ join_rule: 'invite' });
    expect((await one(roomId, 'm.room.member', bob.userId))!.content).toEqual({ membership: 'invite', displayname: bob.localpart });
  });

  test('room versions: a numeric room_version is M_BAD_JSON, an unknown one M_UNSUPPORTED_ROOM_VERSION; creation_content cannot set it', async () => {
    const numeric = await c.call('POST', v3('/createRoom'), { room_version: 1 }, alice.token);
    expect([numeric.status, numeric.body.errcode]).toEqual([400, 'M_BAD_JSON']);
    const unknown = await c.call('POST', v3('/createRoom'), { room_version: 'agjkyhdsghkjackljkj' }, alice.token);
    expect([unknown.status, unknown.body.errcode]).toEqual([400, 'M_UNSUPPORTED_ROOM_VERSION']);
    const roomId = await c.createRoom(alice, { creation_content: { test: 'azerty', room_version: 'test', 'm.federate': false, type: 'm.space' } });
    const create = (await c.getState(alice, roomId, 'm.room.create')).body;
    expect(create.room_version).toBe('12'); // the configured default
    expect(create.test).toBe('azerty');
    expect(create['m.federate']).toBe(false);
    expect(create.type).toBe('m.space');
  });

  test('v12: the creator is not listed in power levels users, and tombstones need more than state_default', async () => {
    const roomId = await c.createRoom(alice, { room_version: '12', power_level_content_override: { users_default: 10 } });
    expect(roomId).toMatch(/^![A-Za-z0-9_-]{43}$/);
    const pl = (await c.getState(alice, roomId, 'm.room.power_levels')).body;
    expect(pl.users).toEqual({});
    expect(pl.users_default).toBe(10);
    expect(pl.events['m.room.tombstone']).toBe(150);
    // The creator's infinite power: a state event at level 100 passes.
    expect((await c.putState(alice, roomId, 'm.room.server_acl', { allow: ['*'], deny: [] })).status).toBe(200);
  });

  test('trusted_private_chat in v10 gives invitees the creator level; is_direct marks the invites', async () => {
    const roomId = await c.createRoom(alice, { preset: 'trusted_private_chat', invite: [bob.userId], is_direct: true, room_version: '10' });
    const pl = (await c.getState(alice, roomId, 'm.room.power_levels')).body;
    expect(pl.users).toEqual({ [alice.userId]: 100, [bob.userId]: 100 });
    expect((await one(roomId, 'm.room.member', bob.userId))!.content).toEqual({ membership: 'invite', displayname: bob.localpart, is_direct: true });
    expect((await one(roomId, 'm.room.guest_access'))!.content).toEqual({ guest_access: 'can_join' });
  });

  test('power_level_content_override users replace the generated map (SyTest "/upgrade copies >100 power levels")', async () => {
    const roomId = await c.createRoom(alice, { room_version: '10', power_level_content_override: { users: { [alice.userId]: 500 } } });
    expect((await c.getState(alice, roomId, 'm.room.power_levels')).body.users).toEqual({ [alice.userId]: 500 });
  });

  test('refusals: a taken alias is M_ROOM_IN_USE, a bad one M_INVALID_PARAM; invalid initial state M_INVALID_ROOM_STATE; guests 403', async () => {
    const name = `taken-${dbc.kind}`;
    await c.createRoom(alice, { room_alias_name: name });
    const taken = await c.call('POST', v3('/createRoom'), { room_alias_name: name }, bob.token);
    expect([taken.status, taken.body.errcode]).toEqual([400, 'M_ROOM_IN_USE']);
    const bad = await c.call('POST', v3('/createRoom'), { room_alias_name: 'a:b' }, bob.token);
    expect([bad.status, bad.body.errcode]).toEqual([400, 'M_INVALID_PARAM']);
    // The creator cannot send the name at level 100 when it needs 101.
    const invalid = await c.call('POST', v3('/createRoom'), { room_version: '10', name: 'x', power_level_content_override: { events: { 'm.room.name': 101 } } }, bob.token);
    expect([invalid.status, invalid.body.errcode]).toEqual([400, 'M_INVALID_ROOM_STATE']);
    const threepid = await c.call('POST', v3('/createRoom'), { invite_3pid: [{ id_server: 'x', id_access_token: 'y', medium: 'email', address: 'a@b' }] }, bob.token);
    expect([threepid.status, threepid.body.errcode]).toEqual([400, 'M_UNKNOWN']);
    const wrongType = await c.call('POST', v3('/createRoom'), { preset: 'everyone' }, bob.token);
    expect([wrongType.status, wrongType.body.errcode]).toEqual([400, 'M_INVALID_PARAM']);
    const guest = await c.call('POST', v3('/register?kind=guest'), {});
    const g = await c.call('POST', v3('/createRoom'), {}, guest.body.access_token);
    expect([g.status, g.body.errcode]).toEqual([403, 'M_GUEST_ACCESS_FORBIDDEN']);
  });
});

// Client-Server API, "Room membership": joining (joining.yaml), inviting (inviting.yaml), leaving
// and forgetting (leaving.yaml), kicking (kicking.yaml), banning (banning.yaml), knocking
// (knocking.yaml), restricted rooms, /joined_rooms (list_joined_rooms.yaml); SyTest
// tests/10apidoc/33room-members.pl, 30rooms/01state.pl ("Joining room twice is idempotent"),
// 06invite.pl, 07ban.pl, 15kick.pl, 40joinedapis.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../../helpers/databases.ts';
import { SERVER, client, enc, registerUser, roomsHarness, type RoomsHarness, type TestUser, v3 } from './harness.ts';

forEachDatabase('client API room membership', (dbc) => {
  let h: RoomsHarness;
  let c: ReturnType<typeof client>;
  let alice: TestUser;
  beforeAll(async () => {
    h = await roomsHarness(dbc);
    c = client(h);
    alice = await registerUser(h.app);
  });
  afterAll(() => h.close());

  const membership = async (roomId: string, userId: string) => (await c.getState(alice, roomId, 'm.room.member', userId)).body;
  const post = (user: TestUser, roomId: string, action: string, body: Record<string, unknown>) =>
    c.call('POST', v3(`/rooms/${enc(roomId)}/${action}`), body, user.token);
  const status = (r: { status: number; body: { errcode?: string } }) => [r.status, r.body?.errcode];

  test('join by room ID, by alias and through /rooms/{roomId}/join; the join carries the profile and custom content', async () => {
    const bob = await registerUser(h.app);
    const alias = `#join-${dbc.kind}:${SERVER}`;
    const roomId = await c.createRoom(alice, { preset: 'public_chat', room_alias_name: `join-${dbc.kind}` });
    expect((await c.join(bob, alias, { foo: 'bar' })).body).toEqual({ room_id: roomId });
    expect(await membership(roomId, bob.userId)).toEqual({ membership: 'join', displayname: bob.localpart, foo: 'bar' });
    const carol = await registerUser(h.app);
    expect((await post(carol, roomId, 'join', { reason: 'hello' })).body).toEqual({ room_id: roomId });
    expect(await membership(roomId, carol.userId)).toEqual({ membership: 'join', displayname: carol.localpart, reason: 'hello' });
    const erin = await registerUser(h.app);
    expect((await c.join(erin, roomId, { displayname: 'Per-room Erin' })).status).toBe(200);
    expect(await membership(roomId, erin.userId)).toEqual({ membership: 'join', displayname: 'Per-room Erin' });
    const dave = await registerUser(h.app);
    expect((await c.join(dave, roomId)).body).toEqual({ room_id: roomId });
    expect((await c.call('GET', v3('/joined_rooms'), undefined, dave.token)).body).toEqual({ joined_rooms: [roomId] });
  });

  test('joining twice with the same content sends no new event (SyTest "Joining room twice is idempotent")', async () => {
    const roomId = await c.createRoom(alice, { preset: 'public_chat' });
    const before = (await c.call('GET', v3(`/rooms/${enc(roomId)}/state/m.room.member/${enc(alice.userId)}?format=event`), undefined, alice.token)).body.event_id;
    expect((await c.join(alice, roomId)).status).toBe(200);
    const after = (await c.call('GET', v3(`/rooms/${enc(roomId)}/state/m.room.member/${enc(alice.userId)}?format=event`), undefined, alice.token)).body.event_id;
    expect(after).toBe(before);
  });

  test('refusals: invite-only rooms 403, unknown rooms and remote aliases 404 (no federation), third-party joins unsupported', async () => {
    const eve = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { preset: 'private_chat' });
    expect(status(await c.join(eve, roomId))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await c.join(eve, `!nowhere:${SERVER}`))).toEqual([404, 'M_NOT_FOUND']);
    expect(status(await c.join(eve, '!elsewhere:remote.example'))).toEqual([404, 'M_NOT_FOUND']);
    expect(status(await c.join(eve, '#somewhere:remote.example'))).toEqual([404, 'M_NOT_FOUND']);
    expect(status(await c.join(eve, `#missing:${SERVER}`))).toEqual([404, 'M_NOT_FOUND']);
    expect(status(await c.join(eve, 'not-an-id'))).toEqual([400, 'M_INVALID_PARAM']);
    const pub = await c.createRoom(alice, { preset: 'public_chat' });
    expect(status(await c.join(eve, pub, { third_party_signed: { sender: 'x' } }))).toEqual([400, 'M_UNKNOWN']);
  });

  test('guests join only rooms with guest_access can_join (guest access module)', async () => {
    const guest = await c.call('POST', v3('/register?kind=guest'), {});
    const g = { token: guest.body.access_token, userId: guest.body.user_id } as TestUser;
    const forbidden = await c.createRoom(alice, { preset: 'public_chat' });
    expect(status(await c.join(g, forbidden))).toEqual([403, 'M_GUEST_ACCESS_FORBIDDEN']);
    const open = await c.createRoom(alice, { preset: 'public_chat', initial_state: [{ type: 'm.room.guest_access', content: { guest_access: 'can_join' } }] });
    expect((await c.join(g, open)).status).toBe(200);
    // Stopping guest access makes the server's guests leave ("the server MUST set those users'
    // m.room.member state to leave").
    expect((await c.putState(alice, open, 'm.room.guest_access', { guest_access: 'forbidden' })).status).toBe(200);
    expect((await membership(open, g.userId)).membership).toBe('leave');
  });

  test('invite: 200 and an invite event with the profile; again 200 with no new event; joined users and self-invites 403', async () => {
    const bob = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { preset: 'private_chat' });
    expect((await c.invite(alice, roomId, bob.userId)).status).toBe(200);
    expect(await membership(roomId, bob.userId)).toEqual({ membership: 'invite', displayname: bob.localpart });
    const first = (await h.rs.membership(roomId, bob.userId))!.eventId;
    expect((await c.invite(alice, roomId, bob.userId)).status).toBe(200);
    expect((await h.rs.membership(roomId, bob.userId))!.eventId).toBe(first);
    expect((await c.join(bob, roomId)).status).toBe(200);
    expect(status(await c.invite(alice, roomId, bob.userId))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await c.invite(alice, roomId, alice.userId))).toEqual([403, 'M_FORBIDDEN']);
    const outsider = await registerUser(h.app);
    expect(status(await c.invite(outsider, roomId, (await registerUser(h.app)).userId))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await c.invite(alice, roomId, 'nobody'))).toEqual([400, 'M_INVALID_PARAM']);
    expect(status(await post(alice, roomId, 'invite', {}))).toEqual([400, 'M_MISSING_PARAM']);
    expect(status(await post(alice, roomId, 'invite', { medium: 'email', address: 'a@b.c', id_server: 'id' }))).toEqual([400, 'M_UNKNOWN']);
  });

  test('invite permission (v1.18): a user blocking invites gets none (403 M_INVITE_BLOCKED), and createRoom leaves them out', async () => {
    const shy = await registerUser(h.app);
    const bob = await registerUser(h.app);
    await c.call('PUT', v3(`/user/${enc(shy.userId)}/account_data/m.invite_permission_config`), { default_action: 'block' }, shy.token);
    const roomId = await c.createRoom(alice, { invite: [shy.userId, bob.userId] });
    expect((await h.rs.membership(roomId, shy.userId))).toBeNull();
    expect((await h.rs.membership(roomId, bob.userId))!.membership).toBe('invite');
    expect(status(await c.invite(alice, roomId, shy.userId))).toEqual([403, 'M_INVITE_BLOCKED']);
    expect(status(await c.putState(alice, roomId, 'm.room.member', { membership: 'invite' }, shy.userId))).toEqual([403, 'M_INVITE_BLOCKED']);
    await c.call('PUT', v3(`/user/${enc(shy.userId)}/account_data/m.invite_permission_config`), {}, shy.token);
    expect((await c.invite(alice, roomId, shy.userId)).status).toBe(200);
  });

  test('leave rejects an invite; leaving twice is fine; forget only after leaving (400 M_UNKNOWN while joined)', async () => {
    const bob = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { preset: 'private_chat', invite: [bob.userId] });
    expect((await c.leave(bob, roomId)).status).toBe(200);
    expect((await membership(roomId, bob.userId)).membership).toBe('leave');
    expect((await c.leave(bob, roomId)).status).toBe(200);
    expect(status(await post(alice, roomId, 'forget', {}))).toEqual([400, 'M_UNKNOWN']);
    expect((await post(bob, roomId, 'forget', {})).status).toBe(200);
    expect(await h.rs.isForgotten(roomId, bob.userId)).toBe(true);
    const stranger = await registerUser(h.app);
    expect(status(await c.leave(stranger, roomId))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await c.leave(stranger, `!nowhere:${SERVER}`))).toEqual([404, 'M_NOT_FOUND']);
  });

  test('kick: members only (403 for users not or no longer in the room); ban, then no rejoin, invite or kick until unban', async () => {
    const bob = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { preset: 'public_chat' });
    expect(status(await post(alice, roomId, 'kick', { user_id: '@bob:example.com', reason: 'testing' }))).toEqual([403, 'M_FORBIDDEN']);
    await c.join(bob, roomId);
    expect(status(await post(bob, roomId, 'kick', { user_id: alice.userId }))).toEqual([403, 'M_FORBIDDEN']);
    expect((await post(alice, roomId, 'kick', { user_id: bob.userId, reason: 'bye' })).status).toBe(200);
    expect(await membership(roomId, bob.userId)).toEqual({ membership: 'leave', reason: 'bye' });
    expect(status(await post(alice, roomId, 'kick', { user_id: bob.userId }))).toEqual([403, 'M_FORBIDDEN']);

    await c.join(bob, roomId);
    expect((await post(alice, roomId, 'ban', { user_id: bob.userId, reason: 'testing' })).status).toBe(200);
    expect(await membership(roomId, bob.userId)).toEqual({ membership: 'ban', reason: 'testing' });
    expect(status(await c.join(bob, roomId))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await c.invite(alice, roomId, bob.userId))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await post(alice, roomId, 'kick', { user_id: bob.userId }))).toEqual([403, 'M_FORBIDDEN']);
    // Banned users cannot read the room any more (SyTest 07ban.pl expects 403).
    expect((await c.getState(bob, roomId, 'm.room.member', bob.userId)).status).toBe(403);
    expect((await post(alice, roomId, 'unban', { user_id: bob.userId })).status).toBe(200);
    expect(status(await post(alice, roomId, 'unban', { user_id: bob.userId }))).toEqual([403, 'M_FORBIDDEN']);
    expect((await c.join(bob, roomId)).status).toBe(200);
    // Banning someone never in the room works; a bad user ID is M_INVALID_PARAM; a member without the level is 403.
    expect((await post(alice, roomId, 'ban', { user_id: '@random_dude:test' })).status).toBe(200);
    expect(status(await post(alice, roomId, 'ban', { user_id: 'dude' }))).toEqual([400, 'M_INVALID_PARAM']);
    expect(status(await post(bob, roomId, 'ban', { user_id: alice.userId }))).toEqual([403, 'M_FORBIDDEN']);
  });

  test('knock (v7+): knocking works on knock rooms, is refused before v7, when joined, invited or banned', async () => {
    const bob = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { room_version: '10', initial_state: [{ type: 'm.room.join_rules', content: { join_rule: 'knock' } }] });
    const r = await c.call('POST', v3(`/knock/${enc(roomId)}`), { reason: 'let me in' }, bob.token);
    expect(r.body).toEqual({ room_id: roomId });
    expect(await membership(roomId, bob.userId)).toEqual({ membership: 'knock', displayname: bob.localpart, reason: 'let me in' });
    expect((await c.invite(alice, roomId, bob.userId)).status).toBe(200);
    expect(status(await c.call('POST', v3(`/knock/${enc(roomId)}`), {}, bob.token))).toEqual([403, 'M_FORBIDDEN']);
    const old = await c.createRoom(alice, { room_version: '6' });
    expect(status(await c.call('POST', v3(`/knock/${enc(old)}`), {}, bob.token))).toEqual([403, 'M_FORBIDDEN']);
    const publicRoom = await c.createRoom(alice, { room_version: '10', preset: 'public_chat' });
    expect(status(await c.call('POST', v3(`/knock/${enc(publicRoom)}`), {}, bob.token))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await c.call('POST', v3(`/knock/${enc('#nope:remote.example')}`), {}, bob.token))).toEqual([404, 'M_NOT_FOUND']);
  });

  test('restricted rooms: members of an allowed room join without an invite, others are refused', async () => {
    const bob = await registerUser(h.app);
    const eve = await registerUser(h.app);
    const space = await c.createRoom(alice, { preset: 'public_chat', room_version: '10' });
    await c.join(bob, space);
    const roomId = await c.createRoom(alice, {
      room_version: '10',
      initial_state: [{ type: 'm.room.join_rules', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: space }] } }],
    });
    expect((await c.join(bob, roomId)).status).toBe(200);
    expect((await membership(roomId, bob.userId)).join_authorised_via_users_server).toBe(alice.userId);
    expect(status(await c.join(eve, roomId))).toEqual([403, 'M_FORBIDDEN']);
  });

  test('/joined_rooms lists only joined rooms (SyTest 40joinedapis.pl)', async () => {
    const user = await registerUser(h.app);
    const joined = await c.createRoom(user);
    const left = await c.createRoom(user);
    await c.leave(user, left);
    const invited = await c.createRoom(alice, { invite: [user.userId] });
    expect(invited).toBeTruthy();
    expect((await c.call('GET', v3('/joined_rooms'), undefined, user.token)).body).toEqual({ joined_rooms: [joined] });
  });
});

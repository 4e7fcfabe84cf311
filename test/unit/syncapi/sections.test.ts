// Client-Server API, "Syncing": rooms.invite (with stripped state), rooms.leave (left, banned,
// rejected invites; only history from before the leave), rooms.knock; and "Ignoring Users".
// After SyTest tests/31sync/07invited.pl, 09archived.pl, 10archived-ban.pl and 49ignore.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type SyncHarness, client, enc, syncHarness, v3 } from './harness.ts';

type Ev = { type: string; state_key?: string; sender: string; content: Record<string, unknown>; event_id: string };

forEachDatabase('sync: invite, leave and knock sections', (dbc) => {
  let h: SyncHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await syncHarness(dbc);
    c = client(h);
  });
  afterAll(() => h.close());

  test('an invite appears with stripped state in initial and incremental syncs, and goes once accepted', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const first = await c.sync(b);
    const roomId = await c.createRoom(a, { name: 'Invite room' });
    await c.invite(a, roomId, b.userId);
    for (const body of [await c.sync(b), await c.sync(b, { since: first.next_batch })]) {
      const events: Ev[] = body.rooms.invite[roomId].invite_state.events;
      const invite = events.find((e) => e.type === 'm.room.member' && e.state_key === b.userId)!;
      expect(invite).toMatchObject({ sender: a.userId, content: { membership: 'invite' } });
      expect(events.find((e) => e.type === 'm.room.name')?.content.name).toBe('Invite room');
      expect(events.some((e) => e.type === 'm.room.create')).toBe(true);
    }
    const invited = await c.sync(b, { since: first.next_batch });
    await c.join(b, roomId);
    const joined = await c.sync(b, { since: invited.next_batch });
    expect(joined.rooms.invite).toEqual({});
    expect(joined.rooms.join[roomId].timeline.events.at(-1)).toMatchObject({ type: 'm.room.member', state_key: b.userId });
    expect((await c.sync(b)).rooms.invite).toEqual({});
  });

  test('a rejected invite lands in the leave section even with joined history visibility', async () => {
    const [inviter, invitee] = [await c.register(), await c.register()];
    const filter = await c.filter(invitee, { room: { include_leave: true } });
    const roomId = await c.createRoom(inviter);
    await c.putState(inviter, roomId, 'm.room.history_visibility', { history_visibility: 'joined' });
    const first = await c.sync(invitee, { filter });
    await c.invite(inviter, roomId, invitee.userId);
    const invited = await c.sync(invitee, { filter, since: first.next_batch });
    expect(Object.keys(invited.rooms.invite)).toEqual([roomId]);
    await c.leave(invitee, roomId);
    const rejected = await c.sync(invitee, { filter, since: invited.next_batch });
    expect(Object.keys(rejected.rooms.leave)).toEqual([roomId]);
    expect(rejected.rooms.invite).toEqual({});
  });

  test('we see our own leave even in a joined-only room; older leaves do not come back', async () => {
    const [user, other] = [await c.register(), await c.register()];
    const filter = await c.filter(user, { room: { include_leave: true } });
    const roomId = await c.createRoom(user, { preset: 'public_chat' });
    await c.join(other, roomId);
    await c.putState(user, roomId, 'm.room.history_visibility', { history_visibility: 'joined' });
    const first = await c.sync(user, { filter });
    await c.leave(user, roomId);
    const left = await c.sync(user, { filter, since: first.next_batch });
    const room = left.rooms.leave[roomId];
    expect(room.timeline.events.map((e: Ev) => [e.type, e.content.membership])).toEqual([['m.room.member', 'leave']]);
    expect(room.state.events).toEqual([]);
    // Activity in the room after the leave does not bring it back.
    await c.text(other, roomId, 'after you left');
    const later = await c.sync(user, { filter, since: left.next_batch });
    expect(later.rooms.leave).toEqual({});
  });

  test('archived rooms hold only history from before the leave, in initial and incremental syncs', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const filter = { room: { timeline: { types: ['m.room.message', 'a.madeup.test.state'] }, state: { types: ['a.madeup.test.state'] }, include_leave: true } };
    const fb = await c.filter(b, filter);
    const roomId = await c.createRoom(a, { preset: 'public_chat' });
    await c.join(b, roomId);
    const first = await c.sync(b, { filter: fb });
    await c.text(a, roomId, 'before');
    await c.putState(a, roomId, 'a.madeup.test.state', { my_key: 'before' });
    await c.leave(b, roomId);
    await c.text(a, roomId, 'after');
    await c.putState(a, roomId, 'a.madeup.test.state', { my_key: 'after' });
    for (const body of [await c.sync(b, { filter: fb }), await c.sync(b, { filter: fb, since: first.next_batch })]) {
      const room = body.rooms.leave[roomId];
      expect(room.state.events).toEqual([]);
      expect(room.timeline.events.map((e: Ev) => e.content.body ?? e.content.my_key)).toEqual(['before', 'before']);
    }
    // Without include_leave, an initial sync leaves archived rooms out.
    expect((await c.sync(b)).rooms.leave).toEqual({});
  });

  test('a ban puts the room in the leave section', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const fb = await c.filter(b, { room: { include_leave: true } });
    const roomId = await c.createRoom(a, { preset: 'public_chat' });
    await c.join(b, roomId);
    const first = await c.sync(b, { filter: fb });
    const r = await c.call('POST', v3(`/rooms/${enc(roomId)}/ban`), { user_id: b.userId, reason: 'testing' }, a.token);
    expect(r.status).toBe(200);
    await c.indexed((await h.rs.membership(roomId, b.userId))!.eventId);
    const body = await c.sync(b, { filter: fb, since: first.next_batch });
    expect(body.rooms.leave[roomId].timeline.events.at(-1).content.membership).toBe('ban');
    expect((await c.sync(b, { filter: fb })).rooms.leave[roomId]).toBeDefined();
  });

  test('a knock appears in rooms.knock with knock_state', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const roomId = await c.createRoom(a, { room_version: '10', name: 'Knock here' });
    await c.putState(a, roomId, 'm.room.join_rules', { join_rule: 'knock' });
    const first = await c.sync(b);
    const r = await c.call('POST', v3(`/knock/${enc(roomId)}`), {}, b.token);
    expect(r.status).toBe(200);
    await c.indexed((await h.rs.membership(roomId, b.userId))!.eventId);
    const body = await c.sync(b, { since: first.next_batch });
    const events: Ev[] = body.rooms.knock[roomId].knock_state.events;
    expect(events.find((e) => e.type === 'm.room.member' && e.state_key === b.userId)?.content.membership).toBe('knock');
    expect(events.find((e) => e.type === 'm.room.name')?.content.name).toBe('Knock here');
  });

  test('ignored users: their messages leave the timeline (not their state), their invites are dropped', async () => {
    const [u1, u2, u3] = [await c.register(), await c.register(), await c.register()];
    const roomId = await c.createRoom(u1, { preset: 'public_chat' });
    await c.join(u2, roomId);
    await c.join(u3, roomId);
    await c.text(u1, roomId, 'Message');
    await c.text(u2, roomId, 'Message');
    await c.text(u3, roomId, 'Message');
    const filter = await c.filter(u1, {
      account_data: { types: ['m.ignored_user_list'] },
      presence: { types: [] },
      room: { timeline: { types: ['m.room.message'] }, state: { types: ['m.room.member'] } },
    });
    const before = await c.sync(u1, { filter });
    expect(before.rooms.join[roomId].timeline.events).toHaveLength(3);
    const put = await c.call('PUT', v3(`/user/${enc(u1.userId)}/account_data/m.ignored_user_list`), { ignored_users: { [u2.userId]: {} } }, u1.token);
    expect(put.status).toBe(200);
    await c.send(u1, roomId, { filler: 1 }, { type: 'a.made.up.filler.type' });
    // The client-data consumer drops the cached ignore list.
    await Bun.sleep(50);
    const after = await c.sync(u1, { filter });
    expect(after.rooms.join[roomId].timeline.events.map((e: Ev) => e.sender)).toEqual([u1.userId, u3.userId]);
    expect(after.rooms.join[roomId].state.events).toHaveLength(3);
    expect(after.account_data.events.map((e: Ev) => e.type)).toEqual(['m.ignored_user_list']);
    await c.text(u2, roomId, 'Message2');
    const third = await c.sync(u1, { filter, since: after.next_batch });
    expect(third.rooms.join).toEqual({});
    const other = await c.createRoom(u2);
    await c.invite(u2, other, u1.userId);
    expect((await c.sync(u1, { filter })).rooms.invite).toEqual({});
    expect((await c.sync(u1, { filter, since: third.next_batch })).rooms.invite).toEqual({});
  });
});

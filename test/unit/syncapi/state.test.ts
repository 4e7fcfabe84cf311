// Client-Server API, "Syncing": `state` is the state between `since` and the start of the
// timeline (all of it for initial syncs and newly joined rooms), and `summary`; after SyTest
// tests/31sync/06state.pl and 16room-summary.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type SyncHarness, client, syncHarness } from './harness.ts';

type Ev = { type: string; state_key?: string; content: Record<string, unknown>; event_id: string };

const TEST_STATE = 'a.madeup.test.state';
const FILLER = 'a.made.up.filler.type';

forEachDatabase('sync: room state', (dbc) => {
  let h: SyncHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await syncHarness(dbc);
    c = client(h);
  });
  afterAll(() => h.close());

  const onlyTestState = { room: { timeline: { types: [TEST_STATE] }, state: { types: [TEST_STATE] }, ephemeral: { types: [] } }, presence: { types: [] } };

  test('state set in the timeline of an initial sync is not repeated in `state`', async () => {
    const user = await c.register();
    const filter = await c.filter(user, onlyTestState);
    const roomId = await c.createRoom(user);
    await c.putState(user, roomId, TEST_STATE, { my_key: 1 });
    const room = (await c.sync(user, { filter })).rooms.join[roomId];
    expect(room.state.events).toEqual([]);
    expect(room.timeline.events.map((e: Ev) => [e.type, e.content.my_key])).toEqual([[TEST_STATE, 1]]);
  });

  test('changes to state come in the timeline of an incremental sync, and in `state` of a gapped one', async () => {
    const user = await c.register();
    const filter = await c.filter(user, {
      room: { timeline: { types: [FILLER], limit: 1 }, state: { types: [TEST_STATE] }, ephemeral: { types: [] } },
      presence: { types: [] },
    });
    const roomId = await c.createRoom(user);
    await c.putState(user, roomId, TEST_STATE, { my_key: 1 }, 'this_state_changes');
    await c.putState(user, roomId, TEST_STATE, { my_key: 1 }, 'this_state_does_not_change');
    const first = await c.sync(user, { filter });
    expect(first.rooms.join[roomId].state.events).toHaveLength(2);
    await c.putState(user, roomId, TEST_STATE, { my_key: 2 }, 'this_state_changes');
    for (let i = 0; i < 5; i++) await c.send(user, roomId, { filler: i }, { type: FILLER });
    const room = (await c.sync(user, { filter, since: first.next_batch })).rooms.join[roomId];
    expect(room.timeline.limited).toBe(true);
    expect(room.state.events.map((e: Ev) => [e.state_key, e.content.my_key])).toEqual([['this_state_changes', 2]]);
    // prev_content of the replaced state, computed from our own state deltas.
    const sameFilter = await c.filter(user, onlyTestState);
    const again = await c.sync(user, { filter: sameFilter, since: first.next_batch });
    const change = again.rooms.join[roomId].timeline.events[0];
    expect(change.content.my_key).toBe(2);
    expect(change.unsigned.prev_content).toEqual({ my_key: 1 });
    expect(typeof change.unsigned.replaces_state).toBe('string');
  });

  test('a user who joins gets the full state in the next sync, even after a gap', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const filter = {
      room: { timeline: { types: [FILLER], limit: 1 }, state: { types: [TEST_STATE] }, ephemeral: { types: [] } },
      presence: { types: [] },
    };
    const fb = await c.filter(b, filter);
    const roomId = await c.createRoom(a);
    await c.putState(a, roomId, TEST_STATE, { my_key: 1 });
    await c.invite(a, roomId, b.userId);
    const first = await c.sync(b, { filter: fb });
    expect(Object.keys(first.rooms.invite)).toContain(roomId);
    await c.join(b, roomId);
    for (let i = 0; i < 5; i++) await c.send(a, roomId, { filler: i }, { type: FILLER });
    const room = (await c.sync(b, { filter: fb, since: first.next_batch })).rooms.join[roomId];
    expect(room.state.events.map((e: Ev) => [e.type, e.content.my_key])).toEqual([[TEST_STATE, 1]]);
    expect(room.timeline.limited).toBe(true);
  });

  test('a display name change filtered out of timeline and state leaves the room out of the sync', async () => {
    const user = await c.register();
    const filter = await c.filter(user, { room: { timeline: { types: [] }, state: { types: [TEST_STATE] }, ephemeral: { types: [] } }, presence: { types: [] } });
    const roomId = await c.createRoom(user);
    await c.putState(user, roomId, TEST_STATE, { my_key: 1 });
    const first = await c.sync(user, { filter });
    expect(first.rooms.join[roomId].state.events).toHaveLength(1);
    await c.putState(user, roomId, 'm.room.member', { membership: 'join', displayname: 'boris' }, user.userId);
    await c.text(user, roomId, 'a message to wait on');
    const again = await c.sync(user, { filter, since: first.next_batch });
    expect(again.rooms.join).toEqual({});
  });

  test('joining and leaving in one window puts the full state in the leave section (include_leave)', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const fb = await c.filter(b, {
      room: { timeline: { types: [] }, state: { types: [TEST_STATE] }, ephemeral: { types: [] }, include_leave: true },
      presence: { types: [] },
    });
    const roomId = await c.createRoom(a);
    await c.putState(a, roomId, TEST_STATE, { my_key: 1 });
    await c.invite(a, roomId, b.userId);
    const first = await c.sync(b, { filter: fb });
    await c.join(b, roomId);
    await c.leave(b, roomId);
    const room = (await c.sync(b, { filter: fb, since: first.next_batch })).rooms.leave[roomId];
    expect(room.state.events.map((e: Ev) => [e.type, e.content.my_key])).toEqual([[TEST_STATE, 1]]);
  });

  test('current state appears in the timeline even when set while the user could not see (private history)', async () => {
    const [creator, syncer, invitee] = [await c.register(), await c.register(), await c.register()];
    const roomId = await c.createRoom(creator, { preset: 'public_chat' });
    await c.join(syncer, roomId);
    await c.putState(creator, roomId, 'm.room.history_visibility', { history_visibility: 'joined' });
    await c.invite(creator, roomId, invitee.userId);
    const first = await c.sync(syncer);
    await c.leave(syncer, roomId);
    await c.join(invitee, roomId);
    for (let i = 0; i < 25; i++) await c.text(creator, roomId, `Message ${i}`);
    await c.join(syncer, roomId);
    const room = (await c.sync(syncer, { since: first.next_batch })).rooms.join[roomId];
    const join = room.timeline.events.find((e: Ev) => e.type === 'm.room.member' && e.state_key === invitee.userId);
    expect(join?.content.membership).toBe('join');
    // The messages sent while the syncer was away stay hidden.
    expect(room.timeline.events.some((e: Ev) => e.type === 'm.room.message')).toBe(false);
  });

  test('summary: member counts, and heroes only for rooms without a name (by user ID, at most 5)', async () => {
    const alice = await c.register('sa');
    const others = [];
    for (let i = 0; i < 6; i++) others.push(await c.register('sb'));
    const filter = await c.filter(alice, { room: { state: { lazy_load_members: true } } });
    const unnamed = await c.createRoom(alice, { preset: 'public_chat' });
    for (const o of others) await c.join(o, unnamed);
    const named = await c.createRoom(alice, { preset: 'public_chat', name: 'A room name' });
    await c.join(others[0]!, named);
    const body = await c.sync(alice, { filter });
    expect(body.rooms.join[unnamed].summary).toEqual({
      'm.joined_member_count': 7,
      'm.invited_member_count': 0,
      'm.heroes': others.map((o) => o.userId).sort().slice(0, 5),
    });
    expect(body.rooms.join[named].summary).toEqual({ 'm.joined_member_count': 2, 'm.invited_member_count': 0 });
    // Lazy loading sends the heroes' memberships, with the state unless the timeline has them.
    const room = body.rooms.join[unnamed];
    const members = [...room.state.events, ...room.timeline.events].filter((e: Ev) => e.type === 'm.room.member').map((e: Ev) => e.state_key);
    for (const hero of room.summary['m.heroes']) expect(members).toContain(hero);
  });

  test('use_state_after: state_after holds the state up to the end of the timeline, and `state` is omitted', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    const first = await c.sync(user);
    await c.putState(user, roomId, TEST_STATE, { my_key: 3 });
    const room = (await c.sync(user, { since: first.next_batch, use_state_after: true })).rooms.join[roomId];
    expect(room.state).toBeUndefined();
    expect(room.state_after.events.map((e: Ev) => [e.type, e.content.my_key])).toEqual([[TEST_STATE, 3]]);
  });
});

// The room server's queries: room aliases (Client-Server API, "Room aliases"), the published
// room directory ("Listing rooms in the room directory"), forgetting rooms ("POST
// /rooms/{roomId}/forget"), memberships, events by ID and NID, and event by timestamp ("GET
// /rooms/{roomId}/timestamp_to_event").
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { CreateRoomRequest } from '../../../src/roomserver/api.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { member, message, openHarness, roomRequest, SERVER, user, type Harness } from './harness.ts';

const alice = user('alice');
const bob = user('bob');

forEachDatabase('roomserver queries', (ctx) => {
  let h: Harness;
  let clock = 1_000_000;
  beforeAll(async () => {
    h = await openHarness(ctx.db(), { now: () => clock });
  });
  afterAll(() => h.close());

  test('aliases: set, taken (409), resolve with servers, list, creator, remove', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    await h.rs.setAlias(`#room:${SERVER}`, roomId, alice);
    const taken = await h.rs.setAlias(`#room:${SERVER}`, roomId, bob).catch((e) => e);
    expect([taken.errcode, taken.status]).toEqual(['M_UNKNOWN', 409]);
    expect((await h.rs.setAlias('#bad', roomId, alice).catch((e) => e)).errcode).toBe('M_INVALID_PARAM');
    expect((await h.rs.setAlias(`#x:${SERVER}`, '!nope:x', alice).catch((e) => e)).errcode).toBe('M_NOT_FOUND');
    expect(await h.rs.resolveAlias(`#room:${SERVER}`)).toEqual({ roomId, servers: [SERVER] });
    expect(await h.rs.aliasCreator(`#room:${SERVER}`)).toBe(alice);
    await h.rs.setAlias(`#other:${SERVER}`, roomId, bob);
    expect(await h.rs.aliasesForRoom(roomId)).toEqual([`#other:${SERVER}`, `#room:${SERVER}`]);
    expect(await h.rs.removeAlias(`#room:${SERVER}`)).toEqual({ roomId, creator: alice });
    expect(await h.rs.removeAlias(`#room:${SERVER}`)).toBeNull();
    expect(await h.rs.resolveAlias(`#room:${SERVER}`)).toBeNull();
  });

  test('publicRooms: visibility, sizes, filter, room types and since/limit pages both ways', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const extra: CreateRoomRequest['initialEvents'] = [
        { type: 'm.room.name', stateKey: '', content: { name: `Public ${i}` } },
        { type: 'm.room.topic', stateKey: '', content: { topic: i === 3 ? 'About Cheese' : 'nothing' } },
      ];
      const { roomId } = await h.rs.createRoom(roomRequest('10', alice, { extra, history: i === 0 ? 'world_readable' : 'shared' }));
      // Room i gets i extra members, so the order by size is 4, 3, 2, 1, 0.
      for (let j = 0; j < i; j++) await h.rs.sendEvent({ roomId, sender: user(`m${i}_${j}`), event: member(user(`m${i}_${j}`), 'join') });
      await h.rs.setVisibility(roomId, 'public');
      made.push(roomId);
    }
    const { roomId: space } = await h.rs.createRoom(roomRequest('10', alice, { createContent: { type: 'm.space' } }));
    await h.rs.setVisibility(space, 'public');
    const { roomId: hidden } = await h.rs.createRoom(roomRequest('10', alice));
    expect(await h.rs.visibility(hidden)).toBe('private');
    expect(await h.rs.visibility(space)).toBe('public');

    const all = await h.rs.publicRooms({ roomTypes: [null] });
    expect(all.chunk.map((r) => r.room_id)).toEqual([...made].reverse());
    expect(all.total_room_count_estimate).toBe(5);
    expect(all.chunk[4]).toMatchObject({ name: 'Public 0', num_joined_members: 1, world_readable: true, guest_can_join: false, join_rule: 'public' });

    const p1 = await h.rs.publicRooms({ limit: 2, roomTypes: [null] });
    expect(p1.chunk.map((r) => r.room_id)).toEqual([made[4], made[3]]);
    expect(p1.prev_batch).toBeUndefined();
    const p2 = await h.rs.publicRooms({ limit: 2, since: p1.next_batch, roomTypes: [null] });
    expect(p2.chunk.map((r) => r.room_id)).toEqual([made[2], made[1]]);
    const p3 = await h.rs.publicRooms({ limit: 2, since: p2.next_batch, roomTypes: [null] });
    expect(p3.chunk.map((r) => r.room_id)).toEqual([made[0]]);
    expect(p3.next_batch).toBeUndefined();
    const back = await h.rs.publicRooms({ limit: 2, since: p3.prev_batch, roomTypes: [null] });
    expect(back.chunk).toEqual(p2.chunk);

    expect((await h.rs.publicRooms({ filter: 'cheese' })).chunk.map((r) => r.room_id)).toEqual([made[3]]);
    const spaces = await h.rs.publicRooms({ roomTypes: ['m.space'] });
    expect(spaces.chunk.map((r) => [r.room_id, r.room_type])).toEqual([[space, 'm.space']]);
    expect((await h.rs.publicRooms({})).total_room_count_estimate).toBe(6);
    expect((await h.rs.publicRooms({ since: 'garbage' }).catch((e) => e)).errcode).toBe('M_INVALID_PARAM');

    await h.rs.setVisibility(made[0]!, 'private');
    expect((await h.rs.publicRooms({ roomTypes: [null] })).chunk).toHaveLength(4);
  });

  test('memberships, joined members, rooms for a user, forget', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    await h.rs.sendEvent({ roomId, sender: bob, event: member(bob, 'join') });
    expect(await h.rs.joinedMembers(roomId)).toEqual([alice, bob].sort());
    expect((await h.rs.roomsForUser(bob, ['join'])).map((r) => r.roomId)).toContain(roomId);
    // "If the user is currently joined to the room, they must leave the room before calling this API."
    const err = await h.rs.forget(roomId, bob).catch((e) => e);
    expect([err.errcode, err.status]).toEqual(['M_UNKNOWN', 400]);
    const leave = await h.rs.sendEvent({ roomId, sender: bob, event: member(bob, 'leave') });
    expect((await h.rs.roomsForUser(bob, ['leave'])).find((r) => r.roomId === roomId)).toEqual({ roomId, membership: 'leave', eventId: leave.eventId });
    expect(await h.rs.isForgotten(roomId, bob)).toBe(false);
    await h.rs.forget(roomId, bob);
    expect(await h.rs.isForgotten(roomId, bob)).toBe(true);
    // Joining again: the room is no longer forgotten.
    await h.rs.sendEvent({ roomId, sender: bob, event: member(bob, 'join') });
    expect(await h.rs.isForgotten(roomId, bob)).toBe(false);
    expect(await h.rs.membership(roomId, user('nobody'))).toBeNull();
  });

  test('events by ID and by NID, in the order asked; the event at a timestamp', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    const sent = [];
    for (let i = 0; i < 5; i++) {
      clock = 2_000_000 + i * 1000;
      sent.push(await h.rs.sendEvent({ roomId, sender: alice, event: message(`t${i}`) }));
    }
    const byNid = await h.rs.eventsByNid([sent[3]!.nid, sent[1]!.nid, 999_999_999]);
    expect(byNid.map((e) => e.eventId)).toEqual([sent[3]!.eventId, sent[1]!.eventId]);
    const byId = await h.rs.eventsById([sent[2]!.eventId, '$missing']);
    expect(byId.map((e) => e.nid)).toEqual([sent[2]!.nid]);
    expect(byId[0]!.roomId).toBe(roomId);
    expect(await h.rs.eventAtTimestamp(roomId, 2_001_500, 'f')).toEqual({ eventId: sent[2]!.eventId, originServerTs: 2_002_000 });
    expect(await h.rs.eventAtTimestamp(roomId, 2_001_500, 'b')).toEqual({ eventId: sent[1]!.eventId, originServerTs: 2_001_000 });
    expect(await h.rs.eventAtTimestamp(roomId, 9_000_000, 'f')).toBeNull();
  });
});

// Our side of the handshakes, stack B taking part in stack A's rooms through the federation API's
// perform methods (Server-Server API, "Joining Rooms", "Backfilling and retrieving missing
// events"): joins in every room version (v1–v2 reference events with hashes and take event IDs
// from the joining server), then history before the join backfilled from A, stored as 'old'
// events and published as old_room_event.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { STREAM } from '../../../src/bus/streams.ts';
import type { OutputRoomEvent } from '../../../src/roomserver/api.ts';
import { type Stack, startStack } from './harness.ts';

describe('perform: joins and backfill through another server', () => {
  let a: Stack;
  let b: Stack;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    a = await startStack({ seed: 61 });
    b = await startStack({ seed: 62 });
    alice = `@alice:${a.serverName}`;
    bob = `@bob:${b.serverName}`;
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  async function roomWithHistory(version: string, messages: number): Promise<string> {
    const { roomId } = await a.rs.createRoom({
      roomVersion: version,
      creator: alice,
      createContent: {},
      initialEvents: [
        { type: 'm.room.member', stateKey: alice, content: { membership: 'join' } },
        { type: 'm.room.power_levels', stateKey: '', content: { users: version === '12' ? {} : { [alice]: 100 } } },
        { type: 'm.room.join_rules', stateKey: '', content: { join_rule: 'public' } },
        { type: 'm.room.history_visibility', stateKey: '', content: { history_visibility: 'shared' } },
        { type: 'm.room.name', stateKey: '', content: { name: `v${version}` } },
      ],
    });
    for (let i = 0; i < messages; i++) {
      await a.rs.sendEvent({ roomId, sender: alice, event: { type: 'm.room.message', content: { msgtype: 'm.text', body: `m${i}` } } });
    }
    return roomId;
  }

  for (const version of ['1', '3', '10', '12']) {
    test(`room version ${version}: performJoin stores the room's state and our join; both servers have B's user joined`, async () => {
      const roomId = await roomWithHistory(version, 2);
      const r = await b.fed.api.performJoin({ roomId, userId: bob, servers: [a.serverName], content: { displayname: 'Bob' } });
      expect(r.roomId).toBe(roomId);
      expect((await b.rs.membership(roomId, bob))?.membership).toBe('join');
      expect((await b.rs.stateEvent(roomId, 'm.room.name', ''))?.json.content.name).toBe(`v${version}`);
      expect((await b.rs.joinedMembers(roomId)).sort()).toEqual([alice, bob].sort());
      expect((await b.rs.latestEvents(roomId)).eventIds).toEqual([r.eventId]);
      expect((await a.rs.membership(roomId, bob))?.membership).toBe('join');
      const [join] = await b.rs.eventsById([r.eventId]);
      expect(join!.json.content).toEqual({ displayname: 'Bob', membership: 'join' });
    });
  }

  test('backfill: history before our join comes from A as old events (old_room_event), oldest first', async () => {
    const roomId = await roomWithHistory('10', 5);
    const { eventId } = await b.fed.api.performJoin({ roomId, userId: bob, servers: [a.serverName], content: {} });
    const watch = await b.watch(STREAM.OutputRoomEvent);
    const got = await b.fed.api.backfill({ roomId, fromEventIds: [eventId], limit: 4 });
    expect(got.eventIds.length).toBe(3);
    const stored = await b.rs.eventsById(got.eventIds);
    expect(stored.map((e) => e.json.content.body)).toEqual(['m2', 'm3', 'm4']);
    for (let i = 0; i < 200 && watch.messages.length < 3; i++) await Bun.sleep(10);
    const kinds = watch.messages.map((m) => m.json<OutputRoomEvent>()).filter((m) => m.kind === 'old_room_event');
    expect(kinds.map((m) => (m.kind === 'old_room_event' ? m.event.eventId : ''))).toEqual(got.eventIds);
    // Backfilled history does not move the room forward.
    expect((await b.rs.latestEvents(roomId)).eventIds).toEqual([eventId]);
    // Further back, from the oldest we have now.
    const more = await b.fed.api.backfill({ roomId, fromEventIds: [got.eventIds[0]!], limit: 10 });
    expect((await b.rs.eventsById(more.eventIds)).map((e) => e.json.content.body)).toContain('m1');
    await watch.stop();
  });

  test('performJoin through a server that is not in the room fails over to the next one; with none left it is the last error', async () => {
    const roomId = await roomWithHistory('10', 0);
    const c = await startStack({ seed: 63, noSender: true });
    try {
      const r = await b.fed.api.performJoin({ roomId, userId: `@carl:${b.serverName}`, servers: [c.serverName, a.serverName], content: {} });
      expect(r.roomId).toBe(roomId);
      const e = await b.fed.api.performJoin({ roomId: `!none:${a.serverName}`, userId: bob, servers: [c.serverName], content: {} }).catch((x) => x);
      expect(e.errcode).toBe('M_NOT_FOUND');
    } finally {
      await c.close();
    }
  });
});

// The OutputRoomEvent consumer and our own indexes: the state we rebuild at any position agrees
// with the room server's snapshots; redelivered messages change nothing (the stream is at least
// once); purge_room forgets a room; tokens stay valid across a restart of the sync API
// (Client-Server API, "Syncing": `since`); wildcard type filters run in SQL on both engines.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { STREAM } from '../../../src/bus/streams.ts';
import type { OutputRoomEvent } from '../../../src/roomserver/api.ts';
import { selectByEventId } from '../../../src/syncapi/storage/output-room-events.ts';
import { stateAt, stateBetween } from '../../../src/syncapi/sync/room-state.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type SyncHarness, client, syncHarness } from './harness.ts';

type Ev = { type: string; event_id: string; content: Record<string, unknown> };

forEachDatabase('sync API consumer and indexes', (dbc) => {
  let h: SyncHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await syncHarness(dbc);
    c = client(h);
  });
  afterAll(() => h.close());

  test('the state at every event equals the room server\'s state after that event', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const roomId = await c.createRoom(a, { preset: 'public_chat', name: 'one' });
    await c.join(b, roomId);
    await c.putState(a, roomId, 'm.room.name', { name: 'two' });
    await c.text(b, roomId, 'hi');
    await c.putState(a, roomId, 'm.room.topic', { topic: 't' });
    await c.leave(b, roomId);
    await c.putState(a, roomId, 'x.custom', { k: 1 }, 'key');
    const ids = (await c.call('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=f&limit=100`, undefined, a.token)).body.chunk.map(
      (e: Ev) => e.event_id,
    );
    expect(ids.length).toBeGreaterThan(8);
    let previous = 0;
    for (const id of ids) {
      const row = (await selectByEventId(h.sync.ctx.db, id))!;
      const mine = (await stateAt(h.sync.ctx, roomId, row.pos)).map((s) => s.nid).sort((x, y) => x - y);
      const theirs = (await h.rs.stateAfterEvent(id))!.map((e) => e.nid).sort((x, y) => x - y);
      expect(mine).toEqual(theirs);
      // What changed since the previous event is this event itself, for a state event.
      const changed = await stateBetween(h.sync.ctx, roomId, previous, row.pos);
      if (previous > 0) expect(changed.map((s) => s.nid)).toEqual(row.stateKey !== null ? [row.nid] : []);
      previous = row.pos;
    }
  });

  test('a redelivered OutputRoomEvent is indexed once', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    const first = await c.sync(user);
    const eventId = await c.text(user, roomId, 'once');
    const [stored] = await h.rs.eventsById([eventId]);
    const before = await h.sync.api.currentToken();
    const again: OutputRoomEvent = {
      kind: 'new_room_event',
      roomId,
      roomVersion: stored!.roomVersion,
      event: stored!,
      addsStateEventIds: [],
      removesStateEventIds: [],
      latestEventIds: [eventId],
      historyVisibility: 'shared',
    };
    await h.users.bus.publish(STREAM.OutputRoomEvent, again, { room_id: roomId });
    const marker = await c.text(user, roomId, 'marker');
    expect(await h.sync.api.currentToken()).not.toBe(before);
    const body = await c.sync(user, { since: first.next_batch });
    expect(body.rooms.join[roomId].timeline.events.map((e: Ev) => e.event_id)).toEqual([eventId, marker]);
  });

  test('purge_room forgets the room', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    expect((await c.sync(user)).rooms.join[roomId]).toBeDefined();
    await h.users.bus.publish(STREAM.OutputRoomEvent, { kind: 'purge_room', roomId } satisfies OutputRoomEvent, { room_id: roomId });
    for (let i = 0; i < 100 && (await c.sync(user)).rooms.join[roomId]; i++) await Bun.sleep(10);
    expect((await c.sync(user)).rooms.join[roomId]).toBeUndefined();
  });

  test('tokens stay valid across a restart of the sync API; positions keep growing', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    const first = await c.sync(user);
    await h.restartSync();
    const after = await c.text(user, roomId, 'after the restart');
    const body = await c.sync(user, { since: first.next_batch });
    expect(body.rooms.join[roomId].timeline.events.map((e: Ev) => e.event_id)).toEqual([after]);
    expect(body.rooms.join[roomId].timeline.limited).toBe(false);
    const again = await c.sync(user, { since: body.next_batch });
    expect(again.rooms.join).toEqual({});
  });

  test('wildcard and negated type filters select the right events in SQL', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    await c.send(user, roomId, { n: 1 }, { type: 'a.made.up.one' });
    await c.send(user, roomId, { n: 2 }, { type: 'a.made.up.two' });
    await c.send(user, roomId, { n: 3 }, { type: 'a_made_up_three' });
    await c.text(user, roomId, 'plain');
    const filter = JSON.stringify({ room: { timeline: { types: ['a.made.*'], not_types: ['*.two'] }, state: { types: [] } } });
    const body = await c.sync(user, { filter });
    expect(body.rooms.join[roomId].timeline.events.map((e: Ev) => e.type)).toEqual(['a.made.up.one']);
  });
});

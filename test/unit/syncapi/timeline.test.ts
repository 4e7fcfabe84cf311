// Client-Server API, "Syncing" (GET /sync): joined rooms, timelines, `limited`, `prev_batch`,
// transaction IDs, long-polling; after SyTest tests/31sync/02sync.pl, 03joined.pl, 04timeline.pl
// and 08polling.pl, against the real room server and client API.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type SyncHarness, client, enc, syncHarness, v3 } from './harness.ts';

forEachDatabase('sync: timeline', (dbc) => {
  let h: SyncHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await syncHarness(dbc);
    c = client(h);
  });
  afterAll(() => h.close());

  test('initial sync lists a joined room with timeline, limited and prev_batch; an unchanged room is left out after', async () => {
    const user = await c.register();
    const filter = await c.filter(user, { room: { timeline: { limit: 10 } } });
    const roomId = await c.createRoom(user);
    const eventId = await c.text(user, roomId, 'hello');
    await c.indexed(eventId);
    const first = await c.sync(user, { filter });
    const room = first.rooms.join[roomId];
    expect(room.timeline).toMatchObject({ limited: false });
    expect(typeof room.timeline.prev_batch).toBe('string');
    expect(room.timeline.events.at(-1)).toMatchObject({ event_id: eventId, content: { body: 'hello' }, sender: user.userId });
    expect(room.timeline.events[0].type).toBe('m.room.create');
    expect(room.timeline.events.at(-1).room_id).toBeUndefined();
    expect(room.state.events).toEqual([]);
    const again = await c.sync(user, { filter, since: first.next_batch });
    expect(again.rooms.join[roomId]).toBeUndefined();
  });

  test('a limited timeline has the last N events, and prev_batch pages back through /messages', async () => {
    const user = await c.register();
    const filter = await c.filter(user, { room: { timeline: { limit: 2 } } });
    const roomId = await c.createRoom(user);
    const e1 = await c.text(user, roomId, 'one');
    const e2 = await c.text(user, roomId, 'two');
    const e3 = await c.text(user, roomId, 'three');
    await c.indexed(e3);
    const body = await c.sync(user, { filter });
    const tl = body.rooms.join[roomId].timeline;
    expect(tl.events.map((e: { event_id: string }) => e.event_id)).toEqual([e2, e3]);
    expect(tl.limited).toBe(true);
    // State at the timeline start: the full room state before e2, members included.
    const types = body.rooms.join[roomId].state.events.map((e: { type: string }) => e.type);
    expect(types).toContain('m.room.create');
    expect(types).toContain('m.room.member');
    const page = await c.call('GET', v3(`/rooms/${enc(roomId)}/messages?dir=b&limit=1&from=${enc(tl.prev_batch)}`), undefined, user.token);
    expect(page.status).toBe(200);
    expect(page.body.chunk.map((e: { event_id: string }) => e.event_id)).toEqual([e1]);
    expect(page.body.chunk[0].room_id).toBe(roomId);
    expect(typeof page.body.end).toBe('string');
  });

  test('the sending device sees unsigned.transaction_id; another device of the same user does not', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    const first = await c.sync(user);
    const eventId = await c.text(user, roomId, 'with txn', 'my_transaction_id');
    await c.indexed(eventId);
    const body = await c.sync(user, { since: first.next_batch });
    const tl = body.rooms.join[roomId].timeline;
    expect(tl.events).toHaveLength(1);
    expect(tl.events[0].unsigned.transaction_id).toBe('my_transaction_id');
    expect(tl.limited).toBe(false);
    expect(tl.events[0].unsigned.age).toBeGreaterThanOrEqual(0);
    const login = await c.call('POST', v3('/login'), { type: 'm.login.password', identifier: { type: 'm.id.user', user: user.userId }, password: user.password });
    const other = await c.sync({ ...user, token: login.body.access_token });
    const ev = other.rooms.join[roomId].timeline.events.find((e: { event_id: string }) => e.event_id === eventId);
    expect(ev.unsigned.transaction_id).toBeUndefined();
  });

  test('a long-polling sync returns as soon as a message arrives, and a leave wakes it too', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    const first = await c.sync(user);
    const started = performance.now();
    const waiting = c.sync(user, { since: first.next_batch, timeout: 10_000 });
    await Bun.sleep(50);
    const eventId = await c.text(user, roomId, 'wake up');
    const body = await waiting;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(body.rooms.join[roomId].timeline.events.map((e: { event_id: string }) => e.event_id)).toEqual([eventId]);
    const leaving = c.sync(user, { since: body.next_batch, timeout: 10_000 });
    await Bun.sleep(20);
    await c.leave(user, roomId);
    const left = await leaving;
    expect(left.rooms.leave[roomId].timeline.events).toHaveLength(1);
    expect(left.rooms.leave[roomId].timeline.events[0].content.membership).toBe('leave');
  });

  test('a sync with nothing new waits for its timeout and returns an empty response with a usable token', async () => {
    const user = await c.register();
    await c.createRoom(user);
    const first = await c.sync(user);
    const started = performance.now();
    const body = await c.sync(user, { since: first.next_batch, timeout: 200 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(body.rooms.join).toEqual({});
    expect(typeof body.next_batch).toBe('string');
  });

  test('a filtered timeline is limited only when more matching events exist (SyTest "A filtered timeline reaches its limit")', async () => {
    const user = await c.register();
    const filter = await c.filter(user, { room: { timeline: { limit: 1, types: ['m.room.message'] }, state: { types: [] } } });
    const roomId = await c.createRoom(user);
    const eventId = await c.text(user, roomId, 'My message');
    let last = '';
    for (let i = 0; i < 5; i++) last = await c.send(user, roomId, { filler: i }, { type: 'a.made.up.filler.type' });
    await c.indexed(last);
    const body = await c.sync(user, { filter });
    const room = body.rooms.join[roomId];
    expect(room.timeline.events.map((e: { event_id: string }) => e.event_id)).toEqual([eventId]);
    expect(room.timeline.limited).toBe(false);
    expect(room.state.events).toEqual([]);
  });

  test('full_state on an incremental sync returns all state and only the recent timeline', async () => {
    const user = await c.register();
    const filter = await c.filter(user, { room: { timeline: { limit: 1 }, state: { types: ['a.madeup.test.state'] } } });
    const roomId = await c.createRoom(user);
    await c.putState(user, roomId, 'a.madeup.test.state', { my_key: 1 }, 'this_state_does_not_change');
    await c.putState(user, roomId, 'a.madeup.test.state', { my_key: 1 }, 'this_state_changes');
    const first = await c.sync(user, { filter });
    await c.putState(user, roomId, 'a.madeup.test.state', { my_key: 2 }, 'this_state_changes');
    let last = '';
    for (let i = 0; i < 3; i++) last = await c.send(user, roomId, { filler: i }, { type: 'a.made.up.filler.type' });
    await c.indexed(last);
    const body = await c.sync(user, { filter, since: first.next_batch, full_state: true });
    const room = body.rooms.join[roomId];
    expect(room.timeline.events.map((e: { event_id: string }) => e.event_id)).toEqual([last]);
    const state = Object.fromEntries(room.state.events.map((e: { state_key: string; content: { my_key: number } }) => [e.state_key, e.content.my_key]));
    expect(state).toEqual({ this_state_does_not_change: 1, this_state_changes: 2 });
  });
});

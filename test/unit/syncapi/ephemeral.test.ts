// Client-Server API, "Typing Notifications", "Receipts", "Fully read markers" and "Client Config"
// (account data, tags) as /sync delivers them; after SyTest tests/10apidoc/35room-typing.pl,
// 37room-receipts.pl, 38room-read-marker.pl, tests/31sync/11typing.pl, 12receipts.pl,
// 14read-markers.pl, tests/30rooms/20typing.pl, 21receipts.pl, 42tags.pl and 44account_data.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type SyncHarness, client, enc, syncHarness, v3 } from './harness.ts';

type Ev = { type: string; content: Record<string, any> };
const FILLER = 'a.made.up.filler.type';
const ephemeralOnly = (types: string[]) => ({
  room: { timeline: { types: [] }, state: { types: [] }, ephemeral: { types } },
  presence: { types: [] },
});

forEachDatabase('sync: typing, receipts, read markers, account data', (dbc) => {
  let h: SyncHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await syncHarness(dbc);
    c = client(h);
  });
  afterAll(() => h.close());

  const typing = (user: { token: string; userId: string }, roomId: string, body: Record<string, unknown>) =>
    c.call('PUT', v3(`/rooms/${enc(roomId)}/typing/${enc(user.userId)}`), body, user.token);
  const receipt = (user: { token: string }, roomId: string, type: string, eventId: string, body: Record<string, unknown> = {}) =>
    c.call('POST', v3(`/rooms/${enc(roomId)}/receipt/${enc(type)}/${enc(eventId)}`), body, user.token);

  test('typing shows in initial, incremental and gapped syncs, stops when asked, and times out', async () => {
    const [user, other] = [await c.register(), await c.register()];
    const filter = await c.filter(user, ephemeralOnly(['m.typing']));
    const roomId = await c.createRoom(user, { preset: 'public_chat' });
    await c.join(other, roomId);
    const first = await c.sync(user, { filter });
    expect((await typing(user, roomId, { typing: true, timeout: 30000 })).status).toBe(200);
    for (let i = 0; i < 3; i++) await c.send(user, roomId, { filler: i }, { type: FILLER });
    for (const body of [await c.sync(user, { filter }), await c.sync(user, { filter, since: first.next_batch })]) {
      const events: Ev[] = body.rooms.join[roomId].ephemeral.events;
      expect(events).toEqual([{ type: 'm.typing', content: { user_ids: [user.userId] } }]);
    }
    const typingNow = await c.sync(user, { filter, since: first.next_batch });
    // Another member's long-poll wakes for the stop.
    const otherFirst = await c.sync(other, { filter: await c.filter(other, ephemeralOnly(['m.typing'])) });
    const waiting = c.sync(other, { since: otherFirst.next_batch, timeout: 5000 });
    await Bun.sleep(20);
    expect((await typing(user, roomId, { typing: false })).status).toBe(200);
    expect((await waiting).rooms.join[roomId].ephemeral.events).toEqual([{ type: 'm.typing', content: { user_ids: [] } }]);
    const stopped = await c.sync(user, { filter, since: typingNow.next_batch });
    expect(stopped.rooms.join[roomId].ephemeral.events).toEqual([{ type: 'm.typing', content: { user_ids: [] } }]);
    await typing(user, roomId, { typing: true, timeout: 100 });
    const on = await c.sync(user, { filter, since: stopped.next_batch });
    expect(on.rooms.join[roomId].ephemeral.events[0].content.user_ids).toEqual([user.userId]);
    const off = await c.sync(user, { filter, since: on.next_batch, timeout: 3000 });
    expect(off.rooms.join[roomId].ephemeral.events[0].content.user_ids).toEqual([]);
  });

  test('typing is refused for another user (403) and for a room the user is not in (403)', async () => {
    const [user, other] = [await c.register(), await c.register()];
    const roomId = await c.createRoom(user);
    const forOther = await c.call('PUT', v3(`/rooms/${enc(roomId)}/typing/${enc(other.userId)}`), { typing: true }, user.token);
    expect([forOther.status, forOther.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
    expect((await typing(other, roomId, { typing: true })).status).toBe(403);
    expect((await typing(user, roomId, {})).status).toBe(400);
  });

  test('read receipts come in initial and incremental syncs; they only move forward; private ones stay private', async () => {
    const [user, other] = [await c.register(), await c.register()];
    const filter = await c.filter(user, ephemeralOnly(['m.receipt']));
    const roomId = await c.createRoom(user, { preset: 'public_chat' });
    await c.join(other, roomId);
    const e1 = await c.text(user, roomId, 'hello');
    const first = await c.sync(user, { filter });
    expect((await receipt(user, roomId, 'm.read', e1)).status).toBe(200);
    for (const body of [await c.sync(user, { filter }), await c.sync(user, { filter, since: first.next_batch })]) {
      const r = body.rooms.join[roomId].ephemeral.events[0];
      expect(r.type).toBe('m.receipt');
      expect(typeof r.content[e1]['m.read'][user.userId].ts).toBe('number');
    }
    const e2 = await c.text(user, roomId, 'second');
    await receipt(user, roomId, 'm.read', e2);
    await receipt(user, roomId, 'm.read', e1);
    const latest = (await c.sync(user, { filter })).rooms.join[roomId].ephemeral.events[0].content;
    expect(Object.keys(latest)).toEqual([e2]);
    await receipt(other, roomId, 'm.read.private', e2);
    await receipt(other, roomId, 'm.read', e1, { thread_id: 'main' });
    const mine = (await c.sync(user, { filter })).rooms.join[roomId].ephemeral.events[0].content;
    expect(mine[e2]['m.read.private']).toBeUndefined();
    expect(mine[e1]['m.read'][other.userId].thread_id).toBe('main');
    const theirs = (await c.sync(other, { filter: await c.filter(other, ephemeralOnly(['m.receipt'])) })).rooms.join[roomId].ephemeral.events[0].content;
    expect(theirs[e2]['m.read.private'][other.userId]).toBeDefined();
  });

  test('receipts must be of a known type (400) for an event of the room', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    const e1 = await c.text(user, roomId, 'hello');
    expect((await receipt(user, roomId, 'not.m.read', e1)).status).toBe(400);
    expect((await receipt(user, roomId, 'm.read', '$unknown:test.example')).status).toBe(404);
  });

  test('read markers: m.fully_read comes as room account data, m.read as a receipt', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    const e1 = await c.text(user, roomId, 'hello');
    const first = await c.sync(user);
    const r = await c.call('POST', v3(`/rooms/${enc(roomId)}/read_markers`), { 'm.fully_read': e1, 'm.read': e1 }, user.token);
    expect(r.status).toBe(200);
    const body = await c.sync(user, { since: first.next_batch, timeout: 2000 });
    const room = body.rooms.join[roomId];
    const events = [...room.account_data.events];
    if (events.length === 0) events.push(...(await c.sync(user, { since: body.next_batch, timeout: 2000 })).rooms.join[roomId].account_data.events);
    expect(events).toEqual([{ type: 'm.fully_read', content: { event_id: e1 } }]);
    const initial = await c.sync(user);
    expect(initial.rooms.join[roomId].account_data.events).toEqual([{ type: 'm.fully_read', content: { event_id: e1 } }]);
    expect(initial.rooms.join[roomId].ephemeral.events[0].content[e1]['m.read'][user.userId]).toBeDefined();
  });

  test('account data and tags: latest in the initial sync, changes in incremental syncs', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    await c.call('PUT', v3(`/user/${enc(user.userId)}/account_data/my.test.type`), { cats_or_rats: 'cats' }, user.token);
    await c.call('PUT', v3(`/user/${enc(user.userId)}/rooms/${enc(roomId)}/account_data/m.tag`), { tags: { test_tag: { order: 1 } } }, user.token);
    await Bun.sleep(30);
    const first = await c.sync(user, { filter: '{"account_data":{"types":["my.test.type"]}}' });
    expect(first.account_data.events).toEqual([{ type: 'my.test.type', content: { cats_or_rats: 'cats' } }]);
    expect(first.rooms.join[roomId].account_data.events).toEqual([{ type: 'm.tag', content: { tags: { test_tag: { order: 1 } } } }]);
    await c.call('PUT', v3(`/user/${enc(user.userId)}/account_data/my.test.type`), { cats_or_rats: 'rats' }, user.token);
    await c.call('PUT', v3(`/user/${enc(user.userId)}/rooms/${enc(roomId)}/account_data/m.tag`), { tags: {} }, user.token);
    let got: Ev[] = [];
    let room: Ev[] = [];
    let since = first.next_batch;
    for (let i = 0; i < 5 && (got.length === 0 || room.length === 0); i++) {
      const body = await c.sync(user, { since, timeout: 1000 });
      since = body.next_batch;
      got = got.concat(body.account_data.events);
      room = room.concat(body.rooms.join[roomId]?.account_data.events ?? []);
    }
    expect(got).toEqual([{ type: 'my.test.type', content: { cats_or_rats: 'rats' } }]);
    expect(room).toEqual([{ type: 'm.tag', content: { tags: {} } }]);
  });
});

forEachDatabase('sync: unread notification counts', (dbc) => {
  let h: SyncHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await syncHarness(dbc, { push: true });
    c = client(h);
  });
  afterAll(() => h.close());

  // Client-Server API, "Receiving notifications": unread_notifications, cleared by a read receipt;
  // "Threading": with unread_thread_notifications the threads are counted apart.
  test('a message counts as unread until read; threads are counted apart when asked', async () => {
    const [alice, bob] = [await c.register(), await c.register()];
    const roomId = await c.createRoom(alice, { preset: 'public_chat' });
    await c.join(bob, roomId);
    const first = await c.sync(alice);
    const root = await c.text(bob, roomId, 'hello alice');
    await c.send(bob, roomId, { msgtype: 'm.text', body: 'in thread', 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
    const counted = async (params: Record<string, string>, check: (room: any) => boolean) => {
      for (let i = 0; i < 50; i++) {
        const room = (await c.sync(alice, params)).rooms.join[roomId];
        if (room && check(room)) return room;
        await Bun.sleep(20);
      }
      throw new Error('counts never arrived');
    };
    const room = await counted({ since: first.next_batch }, (r) => r.unread_notifications?.notification_count === 2);
    expect(room.unread_notifications).toEqual({ notification_count: 2, highlight_count: 0 });
    const split = await counted({ filter: JSON.stringify({ room: { timeline: { unread_thread_notifications: true } } }) }, (r) => r.unread_thread_notifications !== undefined);
    expect(split.unread_notifications.notification_count).toBe(1);
    expect(split.unread_thread_notifications[root].notification_count).toBe(1);
    const last = (await c.sync(alice)).rooms.join[roomId].timeline.events.at(-1).event_id;
    expect((await receipt(alice, roomId, 'm.read', last)).status).toBe(200);
    await counted({}, (r) => r.unread_notifications?.notification_count === 0);
  });

  const receipt = (user: { token: string }, roomId: string, type: string, eventId: string) =>
    c.call('POST', v3(`/rooms/${enc(roomId)}/receipt/${enc(type)}/${enc(eventId)}`), {}, user.token);
});

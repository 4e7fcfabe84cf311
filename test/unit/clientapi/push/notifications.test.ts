// GET /notifications (Client-Server API, "Listing Notifications") and the unread counts in
// /sync ("Receiving notifications"), through the real client, sync and user APIs; after
// SyTest's tests/61push/03_unread_count.pl and 09_notifications_api.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../../helpers/databases.ts';
import { type PushHarness, type TestUser, call, client, enc, eventually, pushHarness, v3 } from '../../userapi/push/harness.ts';

forEachDatabase('notifications API and unread counts in /sync', (dbc) => {
  let h: PushHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await pushHarness(dbc, { sync: true });
    c = client(h);
  });
  afterAll(() => h.close());

  /** Posts a receipt once the sync API knows the event (it answers 404 before). */
  const receipt = (user: TestUser, roomId: string, eventId: string) =>
    eventually(async () => {
      const r = await call(h.app, 'POST', v3(`/rooms/${enc(roomId)}/receipt/m.read/${enc(eventId)}`), {}, user.token);
      return r.status === 404 ? undefined : r;
    }, 'the sync API to know the event');
  const unread = async (user: TestUser, roomId: string, filter?: unknown) => {
    const q = filter === undefined ? '' : `?filter=${enc(JSON.stringify(filter))}`;
    const r = await call(h.app, 'GET', v3(`/sync${q}`), undefined, user.token);
    expect(r.status).toBe(200);
    const room = r.body.rooms?.join?.[roomId];
    return { counts: room?.unread_notifications, threads: room?.unread_thread_notifications };
  };

  test('a notifying message raises notification_count in /sync and a receipt brings it back to 0', async () => {
    const [alice, bob] = [await c.register(), await c.register()];
    const roomId = await c.roomWith(alice, bob);
    const e1 = await c.text(bob, roomId, 'Test message 1', { 'm.mentions': { user_ids: [alice.userId] } });
    await eventually(async () => (await unread(alice, roomId)).counts?.highlight_count === 1, 'the highlight in /sync');
    expect((await unread(alice, roomId)).counts).toEqual({ notification_count: 1, highlight_count: 1 });
    expect((await receipt(alice, roomId, e1)).status).toBe(200);
    await eventually(async () => (await unread(alice, roomId)).counts?.notification_count === 0, 'the count to drop');
    await c.text(bob, roomId, 'Test message 2');
    await eventually(async () => (await unread(alice, roomId)).counts?.notification_count === 1, 'the second message');
  });

  test('GET /notifications lists events with actions, read flags and pagination', async () => {
    const [alice, bob] = [await c.register(), await c.register()];
    const roomId = await c.roomWith(alice, bob);
    const ids = [await c.text(bob, roomId, 'one'), await c.text(bob, roomId, 'two', { 'm.mentions': { user_ids: [alice.userId] } })];
    const page = await eventually(async () => {
      const r = await call(h.app, 'GET', v3('/notifications'), undefined, alice.token);
      return r.body.notifications.length === 2 ? r.body : undefined;
    }, 'two notifications');
    const [newest, oldest] = page.notifications;
    expect(newest).toMatchObject({ room_id: roomId, read: false, profile_tag: null, ts: expect.any(Number) });
    expect(newest.actions).toEqual(['notify', { set_tweak: 'sound', value: 'default' }, { set_tweak: 'highlight' }]);
    expect(newest.event).toMatchObject({ event_id: ids[1], type: 'm.room.message', sender: bob.userId, content: { body: 'two' } });
    expect(newest.event.room_id).toBeUndefined();
    expect(oldest.event.event_id).toBe(ids[0]);
    expect(page.next_token).toBeUndefined();

    const first = await call(h.app, 'GET', v3('/notifications?limit=1'), undefined, alice.token);
    expect(first.body.notifications.map((n: any) => n.event.event_id)).toEqual([ids[1]]);
    const next = await call(h.app, 'GET', v3(`/notifications?limit=1&from=${first.body.next_token}`), undefined, alice.token);
    expect(next.body.notifications.map((n: any) => n.event.event_id)).toEqual([ids[0]]);
    const highlights = await call(h.app, 'GET', v3('/notifications?only=highlight'), undefined, alice.token);
    expect(highlights.body.notifications.map((n: any) => n.event.event_id)).toEqual([ids[1]]);
    expect((await call(h.app, 'GET', v3('/notifications?limit=x'), undefined, alice.token)).status).toBe(400);

    expect((await receipt(alice, roomId, ids[1]!)).status).toBe(200);
    await eventually(async () => {
      const r = await call(h.app, 'GET', v3('/notifications'), undefined, alice.token);
      return r.body.notifications.every((n: { read: boolean }) => n.read);
    }, 'both to be read');
  });
});

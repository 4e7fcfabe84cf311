// Client-Server API, "Filtering" (filter.yaml): POST and GET /user/{userId}/filter, filters by
// ID and inline in /sync, event_format and event_fields; after SyTest tests/31sync/01filter.pl
// and 13filtered_sync.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type SyncHarness, client, enc, syncHarness, v3 } from './harness.ts';

forEachDatabase('sync: filters', (dbc) => {
  let h: SyncHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await syncHarness(dbc);
    c = client(h);
  });
  afterAll(() => h.close());

  test('a filter can be created and downloaded by its owner only; the same filter gets the same ID', async () => {
    const [user, other] = [await c.register(), await c.register()];
    const id = await c.filter(user, { room: { timeline: { limit: 10 } } });
    expect(await c.filter(user, { room: { timeline: { limit: 10 } } })).toBe(id);
    const got = await c.call('GET', v3(`/user/${enc(user.userId)}/filter/${id}`), undefined, user.token);
    expect(got.body).toEqual({ room: { timeline: { limit: 10 } } });
    expect((await c.call('GET', v3(`/user/${enc(user.userId)}/filter/${id}`), undefined, other.token)).status).toBe(403);
    expect((await c.call('GET', v3(`/user/${enc(other.userId)}/filter/${id}`), undefined, other.token)).status).toBe(404);
    expect((await c.call('POST', v3(`/user/${enc(user.userId)}/filter`), {}, other.token)).status).toBe(403);
    const bad = await c.call('POST', v3(`/user/${enc(user.userId)}/filter`), { room: { timeline: { limit: 'x' } } }, user.token);
    expect([bad.status, bad.body.errcode]).toEqual([400, 'M_BAD_JSON']);
  });

  test('an inline JSON filter works as a query parameter (state member events only, no timeline)', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    const body = await c.sync(user, { filter: JSON.stringify({ room: { state: { types: ['m.room.member'] }, timeline: { limit: 0 } } }) });
    const room = body.rooms.join[roomId];
    expect(room.timeline.events).toEqual([]);
    expect(room.state.events.map((e: { type: string }) => e.type)).toEqual(['m.room.member']);
    const broken = await c.call('GET', v3(`/sync?filter=${enc('{nope')}`), undefined, user.token);
    expect(broken.status).toBe(400);
    const unknown = await c.call('GET', v3('/sync?filter=999999'), undefined, user.token);
    expect(unknown.status).toBe(404);
  });

  test('event_format federation returns PDUs; event_fields projects events', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    const eventId = await c.text(user, roomId, 'Test message');
    const fed = await c.sync(user, { filter: JSON.stringify({ event_format: 'federation', room: { timeline: { limit: 1 } } }) });
    const pdu = fed.rooms.join[roomId].timeline.events[0];
    for (const key of ['event_id', 'content', 'room_id', 'sender', 'origin_server_ts', 'type', 'prev_events', 'auth_events', 'depth', 'hashes', 'signatures']) {
      expect(pdu[key]).toBeDefined();
    }
    expect(pdu.event_id).toBe(eventId);
    const projected = await c.sync(user, { filter: JSON.stringify({ event_fields: ['type', 'content.body'], room: { timeline: { limit: 1 } } }) });
    expect(projected.rooms.join[roomId].timeline.events[0]).toEqual({ type: 'm.room.message', content: { body: 'Test message' } });
  });
});

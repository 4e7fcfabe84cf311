// MSC2753 peeking (NOTSPEC; SyTest tests/31sync/17peeking.pl): a world_readable room turns up
// under rooms.peek for the device that peeked, by room ID or alias, with its timeline from the
// start; other visibilities are refused with 403 M_FORBIDDEN.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { SERVER, type SyncHarness, client, enc, syncHarness, v3 } from './harness.ts';

forEachDatabase('sync: peeking (MSC2753)', (dbc) => {
  let h: SyncHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await syncHarness(dbc);
    c = client(h);
  });
  afterAll(() => h.close());

  test('a device peeks into a world_readable room; its other device does not see it; new messages follow', async () => {
    const [owner, peeker] = [await c.register(), await c.register()];
    const aliasName = `peek${Date.now()}`;
    const roomId = await c.createRoom(owner, { room_alias_name: aliasName });
    await c.putState(owner, roomId, 'm.room.history_visibility', { history_visibility: 'world_readable' });
    const login = await c.call('POST', v3('/login'), { type: 'm.login.password', identifier: { type: 'm.id.user', user: peeker.userId }, password: peeker.password });
    const device2 = { ...peeker, token: login.body.access_token as string };
    const first = await c.sync(peeker);
    const r = await c.call('POST', v3(`/peek/${enc(roomId)}`), {}, peeker.token);
    expect([r.status, r.body.room_id]).toEqual([200, roomId]);
    await c.text(owner, roomId, 'something to peek');
    const body = await c.sync(peeker, { since: first.next_batch });
    const room = body.rooms.peek[roomId];
    expect(room.timeline.events[0].type).toBe('m.room.create');
    expect(room.timeline.events.at(-1).content.body).toBe('something to peek');
    expect(room.state.events).toEqual([]);
    expect(body.rooms.join).toEqual({});
    const quiet = await c.sync(peeker, { since: body.next_batch });
    expect(quiet.rooms.peek?.[roomId]).toBeUndefined();
    expect((await c.sync(device2)).rooms.peek).toBeUndefined();
    await c.text(owner, roomId, 'something else to peek');
    const next = await c.sync(peeker, { since: body.next_batch });
    expect(next.rooms.peek[roomId].timeline.events.map((e: { content: { body: string } }) => e.content.body)).toEqual(['something else to peek']);
    // By alias too.
    const byAlias = await c.call('POST', v3(`/peek/${enc(`#${aliasName}:${SERVER}`)}`), {}, device2.token);
    expect([byAlias.status, byAlias.body.room_id]).toEqual([200, roomId]);
  });

  for (const visibility of ['shared', 'invited', 'joined']) {
    test(`a room with ${visibility} history cannot be peeked into (403)`, async () => {
      const [owner, peeker] = [await c.register(), await c.register()];
      const roomId = await c.createRoom(owner);
      await c.putState(owner, roomId, 'm.room.history_visibility', { history_visibility: visibility });
      const r = await c.call('POST', v3(`/peek/${enc(roomId)}`), {}, peeker.token);
      expect([r.status, r.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
    });
  }
});

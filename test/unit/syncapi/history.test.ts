// Client-Server API, "Room History Visibility" as /messages, /context, /relations and /threads
// apply it, and their pagination; after SyTest tests/30rooms/04messages.pl, 30history-visibility.pl,
// 50context.pl and tests/31sync/04timeline.pl (sync tokens in /messages).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type SyncHarness, type TestUser, client, enc, syncHarness } from './harness.ts';

type Ev = { type: string; event_id: string; sender: string; state_key?: string; content: Record<string, any>; unsigned?: Record<string, any> };
const v1 = (path: string) => `/_matrix/client/v1${path}`;
const v3 = (path: string) => `/_matrix/client/v3${path}`;

forEachDatabase('room history: visibility and pagination', (dbc) => {
  let h: SyncHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await syncHarness(dbc);
    c = client(h);
  });
  afterAll(() => h.close());

  const messages = (user: TestUser, roomId: string, params: Record<string, string | number>) =>
    c.call('GET', v3(`/rooms/${enc(roomId)}/messages?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`), undefined, user.token);

  test('history pages backwards 5 at a time from a sync token, and forwards from a next_batch', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    for (let i = 1; i <= 20; i++) await c.text(user, roomId, `Message number ${i}`);
    const token = (await c.sync(user)).next_batch;
    const page1 = await messages(user, roomId, { dir: 'b', limit: 5, from: token });
    expect(page1.body.chunk.map((e: Ev) => e.content.body)).toEqual([20, 19, 18, 17, 16].map((n) => `Message number ${n}`));
    const page2 = await messages(user, roomId, { dir: 'b', limit: 5, from: page1.body.end });
    expect(page2.body.chunk.map((e: Ev) => e.content.body)).toEqual([15, 14, 13, 12, 11].map((n) => `Message number ${n}`));
    const later = await c.text(user, roomId, 'after the sync');
    const forward = await messages(user, roomId, { dir: 'f', from: token });
    expect(forward.body.chunk.map((e: Ev) => e.event_id)).toEqual([later]);
    expect(typeof forward.body.end).toBe('string');
    // From the very start forwards, then without `from` backwards to the beginning: no `end`.
    const all = await messages(user, roomId, { dir: 'b', limit: 100 });
    expect(all.body.chunk.at(-1).type).toBe('m.room.create');
    expect(all.body.end).toBeUndefined();
    const missing = await c.call('GET', v3(`/rooms/${enc(roomId)}/messages`), undefined, user.token);
    expect(missing.status).toBe(400);
    const bad = await messages(user, roomId, { dir: 'b', from: 'garbage' });
    expect([bad.status, bad.body.errcode]).toEqual([400, 'M_INVALID_PARAM']);
  });

  test('/messages filters by type and lazily loads the senders\' memberships', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const roomId = await c.createRoom(a, { preset: 'public_chat' });
    await c.join(b, roomId);
    await c.text(b, roomId, 'from b');
    await c.send(a, roomId, { filler: 1 }, { type: 'a.made.up.filler.type' });
    const r = await messages(a, roomId, { dir: 'b', limit: 10, filter: JSON.stringify({ types: ['m.room.message'], lazy_load_members: true }) });
    expect(r.body.chunk.map((e: Ev) => e.content.body)).toEqual(['from b']);
    expect(r.body.state.map((e: Ev) => e.state_key)).toEqual([b.userId]);
  });

  for (const [visibility, seeBeforeJoin, seeAfterInvite, seeWithoutJoin] of [
    ['world_readable', true, true, true],
    ['shared', true, true, false],
    ['invited', false, true, false],
    ['joined', false, false, false],
  ] as const) {
    test(`history_visibility ${visibility} allows/forbids appropriately`, async () => {
      const [creator, joiner] = [await c.register(), await c.register()];
      const roomId = await c.createRoom(creator, { preset: 'private_chat' });
      await c.putState(creator, roomId, 'm.room.history_visibility', { history_visibility: visibility });
      const beforeJoin = await c.text(creator, roomId, 'Before join');
      const outside = await messages(joiner, roomId, { dir: 'b', limit: 10 });
      const outsideIds = outside.status === 200 ? outside.body.chunk.map((e: Ev) => e.event_id) : [];
      expect(outsideIds.includes(beforeJoin)).toBe(seeWithoutJoin);
      if (!seeWithoutJoin) expect(outside.status).toBe(403);
      await c.invite(creator, roomId, joiner.userId);
      const afterInvite = await c.text(creator, roomId, 'After invite');
      await c.join(joiner, roomId);
      const ids = (await messages(joiner, roomId, { dir: 'b', limit: 10 })).body.chunk.map((e: Ev) => e.event_id);
      expect(ids.includes(beforeJoin)).toBe(seeBeforeJoin);
      expect(ids.includes(afterInvite)).toBe(seeAfterInvite);
    });
  }

  test('after leaving, only what was visible before the leave stays visible', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const roomId = await c.createRoom(a, { preset: 'public_chat' });
    await c.join(b, roomId);
    const seen = await c.text(a, roomId, 'while b is in');
    await c.leave(b, roomId);
    const unseen = await c.text(a, roomId, 'after b left');
    const ids = (await messages(b, roomId, { dir: 'b', limit: 50 })).body.chunk.map((e: Ev) => e.event_id);
    expect(ids).toContain(seen);
    expect(ids).not.toContain(unseen);
  });

  test('/context: the event with one before and one after for limit 2, state, and 403 for outsiders', async () => {
    const [user, outsider] = [await c.register(), await c.register()];
    const roomId = await c.createRoom(user);
    const before = await c.text(user, roomId, 'event before');
    const middle = await c.text(user, roomId, 'hello, world');
    const after = await c.text(user, roomId, 'event after');
    const r = await c.call('GET', v3(`/rooms/${enc(roomId)}/context/${enc(middle)}?limit=2`), undefined, user.token);
    expect(r.status).toBe(200);
    expect(r.body.event.event_id).toBe(middle);
    expect(r.body.events_before.map((e: Ev) => e.event_id)).toEqual([before]);
    expect(r.body.events_after.map((e: Ev) => e.event_id)).toEqual([after]);
    expect(r.body.state.some((e: Ev) => e.type === 'm.room.create')).toBe(true);
    const page = await messages(user, roomId, { dir: 'b', limit: 1, from: r.body.start });
    expect(page.body.chunk[0].event_id).not.toBe(before);
    const lazy = await c.call('GET', v3(`/rooms/${enc(roomId)}/context/${enc(middle)}?limit=2&filter=${enc('{"lazy_load_members":true}')}`), undefined, user.token);
    expect(lazy.body.state.map((e: Ev) => e.state_key)).toEqual([user.userId]);
    const denied = await c.call('GET', v3(`/rooms/${enc(roomId)}/context/${enc(middle)}`), undefined, outsider.token);
    expect(denied.status).toBe(403);
    const unknown = await c.call('GET', v3(`/rooms/${enc(roomId)}/context/${enc('$nope')}`), undefined, user.token);
    expect(unknown.status).toBe(404);
  });

  test('/relations: children by rel_type and event type, newest first, paginated; recurse follows grandchildren', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    const root = await c.text(user, roomId, 'root');
    const thread = (body: string) => ({ msgtype: 'm.text', body, 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
    const r1 = await c.send(user, roomId, thread('reply 1'));
    const r2 = await c.send(user, roomId, thread('reply 2'));
    const react = await c.send(user, roomId, { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: '👍' } }, { type: 'm.reaction' });
    const grand = await c.send(user, roomId, { 'm.relates_to': { rel_type: 'm.annotation', event_id: r1, key: '👍' } }, { type: 'm.reaction' });
    const all = await c.call('GET', v1(`/rooms/${enc(roomId)}/relations/${enc(root)}`), undefined, user.token);
    expect(all.body.chunk.map((e: Ev) => e.event_id)).toEqual([react, r2, r1]);
    const threads = await c.call('GET', v1(`/rooms/${enc(roomId)}/relations/${enc(root)}/m.thread?limit=1`), undefined, user.token);
    expect(threads.body.chunk.map((e: Ev) => e.event_id)).toEqual([r2]);
    const next = await c.call('GET', v1(`/rooms/${enc(roomId)}/relations/${enc(root)}/m.thread?limit=1&from=${enc(threads.body.next_batch)}`), undefined, user.token);
    expect(next.body.chunk.map((e: Ev) => e.event_id)).toEqual([r1]);
    const typed = await c.call('GET', v1(`/rooms/${enc(roomId)}/relations/${enc(root)}/m.annotation/m.reaction`), undefined, user.token);
    expect(typed.body.chunk.map((e: Ev) => e.event_id)).toEqual([react]);
    const deep = await c.call('GET', v1(`/rooms/${enc(roomId)}/relations/${enc(root)}?recurse=true`), undefined, user.token);
    expect(deep.body.chunk.map((e: Ev) => e.event_id)).toEqual([grand, react, r2, r1]);
    expect(deep.body.recursion_depth).toBe(3);
    const missing = await c.call('GET', v1(`/rooms/${enc(roomId)}/relations/${enc('$unknown')}`), undefined, user.token);
    expect(missing.status).toBe(404);
  });

  test('/threads: roots by latest activity with their m.thread summary; include=participated', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const roomId = await c.createRoom(a, { preset: 'public_chat' });
    await c.join(b, roomId);
    const rootA = await c.text(a, roomId, 'root a');
    const rootB = await c.text(b, roomId, 'root b');
    const reply = (root: string, body: string) => ({ msgtype: 'm.text', body, 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
    await c.send(b, roomId, reply(rootA, 'b in a'));
    const latestB = await c.send(b, roomId, reply(rootB, 'b in b'));
    const r = await c.call('GET', v1(`/rooms/${enc(roomId)}/threads`), undefined, a.token);
    expect(r.body.chunk.map((e: Ev) => e.event_id)).toEqual([rootB, rootA]);
    expect(r.body.chunk[0].unsigned['m.relations']['m.thread']).toMatchObject({ count: 1, current_user_participated: false });
    expect(r.body.chunk[0].unsigned['m.relations']['m.thread'].latest_event.event_id).toBe(latestB);
    const mine = await c.call('GET', v1(`/rooms/${enc(roomId)}/threads?include=participated`), undefined, a.token);
    expect(mine.body.chunk.map((e: Ev) => e.event_id)).toEqual([rootA]);
    const paged = await c.call('GET', v1(`/rooms/${enc(roomId)}/threads?limit=1`), undefined, a.token);
    const rest = await c.call('GET', v1(`/rooms/${enc(roomId)}/threads?limit=1&from=${paged.body.next_batch}`), undefined, a.token);
    expect([...paged.body.chunk, ...rest.body.chunk].map((e: Ev) => e.event_id)).toEqual([rootB, rootA]);
  });

  test('a redacted event comes pruned with unsigned.redacted_because, and leaves the relations', async () => {
    const user = await c.register();
    const roomId = await c.createRoom(user);
    const root = await c.text(user, roomId, 'root');
    const react = await c.send(user, roomId, { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: 'x' } }, { type: 'm.reaction' });
    const r = await c.call('PUT', v3(`/rooms/${enc(roomId)}/redact/${enc(react)}/redact1`), { reason: 'oops' }, user.token);
    expect(r.status).toBe(200);
    await c.indexed(r.body.event_id);
    await Bun.sleep(30);
    const rel = await c.call('GET', v1(`/rooms/${enc(roomId)}/relations/${enc(root)}`), undefined, user.token);
    expect(rel.body.chunk).toEqual([]);
    const page = await messages(user, roomId, { dir: 'b', limit: 2 });
    const pruned = page.body.chunk.find((e: Ev) => e.event_id === react);
    expect(pruned.content).toEqual({});
    expect(pruned.unsigned.redacted_because.event_id).toBe(r.body.event_id);
  });
});

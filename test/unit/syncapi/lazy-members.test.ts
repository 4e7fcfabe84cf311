// Client-Server API, "Lazy-loading room members": with lazy_load_members the state carries only
// the memberships of the timeline's senders (and the user's own on a full state), never one the
// device already has unless include_redundant_members; a gappy sync still carries every
// membership change of the gap. After SyTest tests/31sync/15lazy-members.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type SyncHarness, type TestUser, client, syncHarness } from './harness.ts';

type Ev = { type: string; state_key?: string; content: Record<string, unknown> };

const FILLER = 'a.made.up.filler.type';
const members = (room: { state?: { events: Ev[] } } | undefined) =>
  Object.fromEntries((room?.state?.events ?? []).filter((e) => e.type === 'm.room.member').map((e) => [e.state_key, e.content.membership]));

forEachDatabase('sync: lazy-loading members', (dbc) => {
  let h: SyncHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await syncHarness(dbc);
    c = client(h);
  });
  afterAll(() => h.close());

  async function setup(lazy: Record<string, unknown> = { lazy_load_members: true }) {
    const [alice, bob, charlie] = [await c.register(), await c.register(), await c.register()];
    const filter = await c.filter(alice, { room: { state: lazy, timeline: { limit: 10 } } });
    const roomId = await c.createRoom(alice, { preset: 'public_chat', name: 'A room name' });
    await c.join(bob, roomId);
    await c.join(charlie, roomId);
    return { alice, bob, charlie, filter, roomId };
  }
  const fill = async (user: TestUser, roomId: string, n: number) => {
    for (let i = 1; i <= n; i++) await c.send(user, roomId, { filler: i }, { type: FILLER });
  };

  test('lazy_load_members and include_redundant_members must be booleans', async () => {
    const alice = await c.register();
    for (const bad of [{ lazy_load_members: 'true' }, { lazy_load_members: 1 }, { include_redundant_members: 'true' }, { include_redundant_members: 1 }]) {
      const r = await c.call('POST', `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/filter`, { room: { state: bad } }, alice.token);
      expect(r.status).toBe(400);
    }
  });

  test('an initial sync carries the memberships of the timeline senders and of the user only', async () => {
    const { alice, bob, charlie, filter, roomId } = await setup();
    await fill(bob, roomId, 10);
    await fill(charlie, roomId, 10);
    const body = await c.sync(alice, { filter });
    expect(members(body.rooms.join[roomId])).toEqual({ [alice.userId]: 'join', [charlie.userId]: 'join' });
    expect(body.rooms.join[roomId].state.events.map((e: Ev) => e.type)).toContain('m.room.name');
  });

  test('an incremental sync adds only new senders, and nothing the device already has', async () => {
    const { alice, bob, charlie, filter, roomId } = await setup();
    await fill(bob, roomId, 10);
    const first = await c.sync(alice, { filter });
    expect(members(first.rooms.join[roomId])).toEqual({ [alice.userId]: 'join', [bob.userId]: 'join' });
    await c.text(charlie, roomId, 'Message from charlie');
    const second = await c.sync(alice, { filter, since: first.next_batch });
    expect(members(second.rooms.join[roomId])).toEqual({ [charlie.userId]: 'join' });
    await c.text(bob, roomId, 'again bob');
    await c.text(charlie, roomId, 'again charlie');
    const third = await c.sync(alice, { filter, since: second.next_batch });
    expect(members(third.rooms.join[roomId])).toEqual({});
    const fourth = await c.sync(alice, { filter, since: third.next_batch });
    expect(fourth.rooms.join).toEqual({});
  });

  test('include_redundant_members sends them again', async () => {
    const { alice, bob, charlie, filter, roomId } = await setup({ lazy_load_members: true, include_redundant_members: true });
    await fill(bob, roomId, 10);
    await fill(charlie, roomId, 5);
    const first = await c.sync(alice, { filter });
    expect(members(first.rooms.join[roomId])).toEqual({ [alice.userId]: 'join', [bob.userId]: 'join', [charlie.userId]: 'join' });
    await c.text(bob, roomId, 'New message from bob');
    await c.text(charlie, roomId, 'New message from charlie');
    const second = await c.sync(alice, { filter, since: first.next_batch });
    expect(members(second.rooms.join[roomId])).toEqual({ [bob.userId]: 'join', [charlie.userId]: 'join' });
  });

  test('a gapped sync carries every membership change of the gap, and the new senders', async () => {
    const { alice, bob, charlie, filter, roomId } = await setup();
    const dave = await c.register();
    await fill(bob, roomId, 10);
    const first = await c.sync(alice, { filter });
    await c.join(dave, roomId);
    await fill(charlie, roomId, 20);
    const second = await c.sync(alice, { filter, since: first.next_batch });
    expect(second.rooms.join[roomId].timeline.limited).toBe(true);
    expect(members(second.rooms.join[roomId])).toEqual({ [charlie.userId]: 'join', [dave.userId]: 'join' });
    await c.leave(dave, roomId);
    await fill(charlie, roomId, 20);
    const third = await c.sync(alice, { filter, since: second.next_batch });
    expect(members(third.rooms.join[roomId])).toEqual({ [dave.userId]: 'leave' });
  });

  test('a leave in a sync that is not gapped comes in the timeline', async () => {
    const { alice, bob, charlie, filter, roomId } = await setup();
    await c.text(charlie, roomId, 'Hello world');
    await fill(bob, roomId, 10);
    const first = await c.sync(alice, { filter });
    await c.leave(charlie, roomId);
    await fill(bob, roomId, 5);
    const room = (await c.sync(alice, { filter, since: first.next_batch })).rooms.join[roomId];
    expect(room.timeline.events[0]).toMatchObject({ type: 'm.room.member', state_key: charlie.userId });
  });
});

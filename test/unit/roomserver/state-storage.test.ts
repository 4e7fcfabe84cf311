// State storage (DESIGN.md, "Scale"; dendrite-notes §1.2): state as numbered snapshots made of
// shared, hash-deduplicated blocks, so a growing room does not copy its state per event. Also the
// state after an event (Server-Server API, "Room State Resolution": the state after an event is
// the state before it plus the event itself).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { member, message, openHarness, roomRequest, user, type Harness } from './harness.ts';

const alice = user('alice');
const MEMBERS = 1000;

interface Counts {
  blocks: number;
  entries: number;
  snapshots: number;
}

forEachDatabase('roomserver state storage', (ctx) => {
  let h: Harness;
  let roomId: string;
  const joins: string[] = [];
  const counts = async (): Promise<Counts> => {
    const b = await ctx.db().get<{ n: number; e: number | null }>('SELECT COUNT(*) AS n, SUM(entry_count) AS e FROM roomserver_state_blocks');
    const s = await ctx.db().get<{ n: number }>('SELECT COUNT(*) AS n FROM roomserver_state_snapshots');
    return { blocks: b!.n, entries: b!.e ?? 0, snapshots: s!.n };
  };

  beforeAll(async () => {
    h = await openHarness(ctx.db());
    ({ roomId } = await h.rs.createRoom(roomRequest('10', alice)));
    for (let i = 0; i < MEMBERS; i++) {
      const u = user(`member${i}`);
      joins.push((await h.rs.sendEvent({ roomId, sender: u, event: member(u, 'join') })).eventId);
    }
  }, 120_000);
  afterAll(() => h.close());

  test(`${MEMBERS} membership events share state blocks instead of copying the state`, async () => {
    const c = await counts();
    // One snapshot per state event (5 initial + 1 create's own + the joins).
    expect(c.snapshots).toBeGreaterThanOrEqual(MEMBERS);
    expect(c.snapshots).toBeLessThanOrEqual(MEMBERS + 6);
    // Copying the whole state per event would store sum(5..1005) ≈ 505,000 entries.
    let naive = 0;
    for (let n = 1; n <= MEMBERS + 5; n++) naive += n;
    expect(c.entries).toBeLessThan(naive / 10);
    console.log(`[state storage] ${c.snapshots} snapshots, ${c.blocks} blocks, ${c.entries} entries stored (copying: ${naive})`);
    expect((await h.rs.currentState(roomId)).length).toBe(MEMBERS + 5);
    expect((await h.rs.joinedMembers(roomId)).length).toBe(MEMBERS + 1);
  });

  test('one more membership writes one block of a few dozen entries and one snapshot, not a copy', async () => {
    const before = await counts();
    const u = user('one-more');
    await h.rs.sendEvent({ roomId, sender: u, event: member(u, 'join') });
    const after = await counts();
    expect(after.snapshots - before.snapshots).toBe(1);
    expect(after.blocks - before.blocks).toBe(1);
    // The room has 1006 state entries; the new block holds one bucket of them.
    expect(after.entries - before.entries).toBeLessThan(200);
    await h.rs.sendEvent({ roomId, sender: u, event: member(u, 'leave') });
  });

  test('messages make no snapshot and no block', async () => {
    const before = await counts();
    for (let i = 0; i < 50; i++) await h.rs.sendEvent({ roomId, sender: alice, event: message(`m${i}`) });
    expect(await counts()).toEqual(before);
  });

  test('the state after an event holds the event and stays as it was when later events come', async () => {
    const mid = joins[499]!;
    const after = (await h.rs.stateAfterEvent(mid))!;
    expect(after.length).toBe(5 + 500);
    expect(after.map((e) => e.eventId)).toContain(mid);
    expect(after.map((e) => e.eventId)).not.toContain(joins[500]);
    const onlyMembers = (await h.rs.stateAfterEvent(mid, { types: ['m.room.member'] }))!;
    expect(onlyMembers.length).toBe(501);
    expect(await h.rs.stateAfterEvent('$unknown')).toBeNull();
  });

  test('a leave replaces the join in the same block: the member count and one lookup agree', async () => {
    const u = user('member7');
    await h.rs.sendEvent({ roomId, sender: u, event: member(u, 'leave') });
    expect((await h.rs.membership(roomId, u))?.membership).toBe('leave');
    expect((await h.rs.joinedMembers(roomId)).length).toBe(MEMBERS);
    expect((await h.rs.currentState(roomId)).length).toBe(MEMBERS + 6);
  });

  test('a room server started afresh (empty caches) reads the same state from the database', async () => {
    const again = await openHarness(ctx.db(), { cacheBytes: 64 * 1024 });
    try {
      const a = (await h.rs.currentState(roomId)).map((e) => e.eventId).sort();
      const b = (await again.rs.currentState(roomId)).map((e) => e.eventId).sort();
      expect(b).toEqual(a);
      expect((await again.rs.stateAfterEvent(joins[10]!))!.length).toBe(16);
      expect(await again.rs.latestEvents(roomId)).toEqual(await h.rs.latestEvents(roomId));
    } finally {
      await again.close();
    }
  });
});

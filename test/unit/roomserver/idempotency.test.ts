// Idempotent sends (SendEventRequest.idempotencyKey), which carry the client API's transaction IDs
// (Client-Server API, "Transaction identifiers": "the server should ... return the same response
// to a retransmitted request"): one event per (sender, key), also for concurrent repeats and after
// a restart; a refused send is not remembered; keys older than a day are forgotten.
import { afterEach, expect, test } from 'bun:test';
import { IDEMPOTENCY_RETENTION_MS } from '../../../src/roomserver/input/idempotency.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type Harness, message, openHarness, roomRequest, user } from './harness.ts';

const alice = user('alice');
const bob = user('bob');

forEachDatabase('roomserver idempotent sends', (ctx) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const count = async (roomId: string) => (await h!.rs.latestEvents(roomId)).depth;

  test('one event per sender and key: repeats, concurrent repeats and repeats after a restart answer it', async () => {
    const clock = { now: 1_800_000_000_000 };
    h = await openHarness(ctx.db(), { now: () => clock.now });
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice, { users: { [alice]: 100 } }));
    await h.rs.sendEvent({ roomId, sender: bob, event: { type: 'm.room.member', stateKey: bob, content: { membership: 'join' } } });
    const first = await h.rs.sendEvent({ roomId, sender: alice, event: message('hi'), idempotencyKey: 'k1' });
    const depth = await count(roomId);
    expect(await h.rs.sendEvent({ roomId, sender: alice, event: message('hi'), idempotencyKey: 'k1' })).toEqual(first);
    expect(await h.rs.sentEvent(alice, 'k1')).toEqual(first);
    expect(await h.rs.sentEvent(bob, 'k1')).toBeNull();
    const burst = await Promise.all([1, 2, 3].map(() => h!.rs.sendEvent({ roomId, sender: alice, event: message('b'), idempotencyKey: 'k2' })));
    expect(new Set(burst.map((r) => r.eventId)).size).toBe(1);
    // The same key of another sender is another send.
    const bobs = await h.rs.sendEvent({ roomId, sender: bob, event: message('hi'), idempotencyKey: 'k1' });
    expect(bobs.eventId).not.toBe(first.eventId);
    expect(await count(roomId)).toBe(depth + 2);

    // A new process (or another one on the database) remembers them through the table: the
    // repeat fails its insert and is answered from the row, even where it would be refused now.
    await h.close();
    h = await openHarness(ctx.db(), { now: () => clock.now });
    await h.rs.sendEvent({ roomId, sender: alice, event: { type: 'm.room.power_levels', stateKey: '', content: { users: { [alice]: 100 }, events_default: 100 } } });
    const depthAfter = await count(roomId);
    expect(await h.rs.sendEvent({ roomId, sender: alice, event: message('hi'), idempotencyKey: 'k1' })).toEqual(first);
    expect(await h.rs.sendEvent({ roomId, sender: bob, event: message('hi'), idempotencyKey: 'k1' })).toEqual(bobs);
    expect(await count(roomId)).toBe(depthAfter);
    await expect(h.rs.sendEvent({ roomId, sender: bob, event: message('refused'), idempotencyKey: 'k3' })).rejects.toMatchObject({ errcode: 'M_FORBIDDEN' });
    expect(await h.rs.sentEvent(bob, 'k3')).toBeNull();

    // A day and an hour later, the next keyed send deletes the old keys (a new process forgets
    // them: the one that wrote them may still hold them in memory, which does no harm).
    clock.now += IDEMPOTENCY_RETENTION_MS + 60 * 60 * 1000;
    await h.close();
    h = await openHarness(ctx.db(), { now: () => clock.now });
    const late = await h.rs.sendEvent({ roomId, sender: alice, event: message('late'), idempotencyKey: 'k4' });
    await h.close();
    h = await openHarness(ctx.db(), { now: () => clock.now });
    expect(await h.rs.sentEvent(alice, 'k4')).toEqual(late);
    expect(await h.rs.sentEvent(alice, 'k1')).toBeNull();
    const again = await h.rs.sendEvent({ roomId, sender: alice, event: message('hi'), idempotencyKey: 'k1' });
    expect(again.eventId).not.toBe(first.eventId);
  });
});

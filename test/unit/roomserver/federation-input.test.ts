// Events built by other servers (Server-Server API, "Checks performed on receipt of a PDU"):
// forks resolved by state resolution (room versions, "State resolution"), outliers and
// backfilled events that do not move the forward extremities, soft failure ("Soft failure"),
// rejection by the auth rules, and events whose auth events are not known yet.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { computeEventId } from '../../../src/protocol/events/hashes.ts';
import { roomVersion } from '../../../src/protocol/room-versions.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { member, message, openHarness, roomRequest, user, type Harness } from './harness.ts';
import { RemoteServer } from './remote.ts';

const alice = user('alice');
const remote = new RemoteServer('remote.test');
const rob = remote.user('rob');

forEachDatabase('roomserver federation input', (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(ctx.db());
  });
  afterAll(() => h.close());

  /** A public room where rob (remote) has joined and may set state (power 50). */
  async function sharedRoom(version: string): Promise<{ roomId: string; latest: () => Promise<string[]> }> {
    const users = version === '12' ? { [rob]: 50 } : { [alice]: 100, [rob]: 50 };
    const { roomId } = await h.rs.createRoom(roomRequest(version, alice, { users }));
    const latest = async () => (await h.rs.latestEvents(roomId)).eventIds;
    const join = await remote.event(h.rs, roomId, { sender: rob, ...member(rob, 'join'), prevEvents: await latest() });
    const [r] = await h.rs.inputRoomEvents([{ kind: 'new', pdu: join }]);
    expect(r!.status).toBe('accepted');
    return { roomId, latest };
  }

  const topic = (t: string) => ({ type: 'm.room.topic', stateKey: '', content: { topic: t } });

  describe.each(['1', '10', '12'])('room version %s', (version) => {
    test('two events with the same prev event fork the room; state resolution picks the current state', async () => {
      const { roomId, latest } = await sharedRoom(version);
      const [p] = await latest();
      // A is newer than B (origin_server_ts), but arrives first.
      const a = await remote.event(h.rs, roomId, { sender: rob, ...topic('A'), prevEvents: [p!], ts: 3_000_000 });
      const b = await remote.event(h.rs, roomId, { sender: rob, ...topic('B'), prevEvents: [p!], ts: 2_000_000 });
      const results = await h.rs.inputRoomEvents([
        { kind: 'new', pdu: a, sendAsServer: '' },
        { kind: 'new', pdu: b },
      ]);
      expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
      const [aId, bId] = results.map((r) => r.eventId);
      expect((await latest()).sort()).toEqual([aId!, bId!].sort());
      const current = (await h.rs.stateEvent(roomId, 'm.room.topic', ''))!;
      if (version !== '1') {
        // v2 and v2.1: conflicted non-power events are applied in mainline order, then by
        // origin_server_ts: A (the later one) is applied last and wins, though it came first.
        expect(current.eventId).toBe(aId!);
      } else {
        expect([aId, bId]).toContain(current.eventId);
      }
      // Our next event names both extremities and merges the fork.
      const merged = await h.rs.sendEvent({ roomId, sender: alice, event: message('merge') });
      const [stored] = await h.rs.eventsById([merged.eventId]);
      const prevIds = stored!.json.prev_events.map((x) => (typeof x === 'string' ? x : x[0]));
      expect(prevIds.sort()).toEqual([aId!, bId!].sort());
      expect(await latest()).toEqual([merged.eventId]);
      expect((await h.rs.stateEvent(roomId, 'm.room.topic', ''))!.eventId).toBe(current.eventId);
    });
  });

  test('with more than 20 forward extremities our event names the 20 deepest (PDU schema limit)', async () => {
    const { roomId, latest } = await sharedRoom('10');
    const [p] = await latest();
    const forks = [];
    for (let i = 0; i < 23; i++) {
      forks.push({ kind: 'new' as const, pdu: await remote.event(h.rs, roomId, { sender: rob, ...message(`fork ${i}`), prevEvents: [p!] }) });
    }
    await h.rs.inputRoomEvents(forks);
    expect(await latest()).toHaveLength(23);
    const sent = await h.rs.sendEvent({ roomId, sender: alice, event: message('after many forks') });
    const [e] = await h.rs.eventsById([sent.eventId]);
    expect(e!.json.prev_events).toHaveLength(20);
    expect(await latest()).toHaveLength(4);
    expect(await latest()).toContain(sent.eventId);
  });

  test('outliers and backfilled events do not move the forward extremities; backfilled ones are published as old_room_event', async () => {
    const { roomId, latest } = await sharedRoom('10');
    const before = await latest();
    const published = (await h.settled()).length;
    const ghost = remote.user('ghost');
    const outlier = await remote.event(h.rs, roomId, { sender: ghost, ...member(ghost, 'join'), prevEvents: before });
    const [o] = await h.rs.inputRoomEvents([{ kind: 'outlier', pdu: outlier }]);
    expect(o!.status).toBe('accepted');
    expect(await latest()).toEqual(before);
    expect(await h.rs.stateAfterEvent(o!.eventId)).toBeNull();
    expect((await h.rs.eventsById([o!.eventId]))[0]!.eventId).toBe(o!.eventId);
    expect(await h.rs.membership(roomId, ghost)).toBeNull();

    const old = await remote.event(h.rs, roomId, { sender: rob, ...message('history'), prevEvents: before });
    const [b] = await h.rs.inputRoomEvents([{ kind: 'old', pdu: old }]);
    expect(b!.status).toBe('accepted');
    expect(await latest()).toEqual(before);
    expect((await h.rs.stateAfterEvent(b!.eventId))!.length).toBeGreaterThan(0);

    // The outlier arriving again as a live event takes its place in the DAG.
    const [again] = await h.rs.inputRoomEvents([{ kind: 'new', pdu: outlier }]);
    expect(again!.nid).toBe(o!.nid);
    expect(await latest()).toEqual([o!.eventId]);
    expect((await h.rs.membership(roomId, ghost))?.membership).toBe('join');
    await Bun.sleep(20);
    const kinds = h.got.slice(published).map((m) => (m.kind === 'new_room_event' ? m.event.eventId : m.kind === 'old_room_event' ? `old:${m.event.eventId}` : m.kind));
    // The backfilled event is published as history (old_room_event), the outlier only when it goes live.
    expect(kinds).toEqual([`old:${b!.eventId}`, o!.eventId]);
    // Sent again: a duplicate, nothing happens.
    expect((await h.rs.inputRoomEvents([{ kind: 'new', pdu: outlier }]))[0]!.status).toBe('duplicate');
  });

  test('soft failure: an event that passes its own state but not the current state is kept from clients', async () => {
    const { roomId, latest } = await sharedRoom('10');
    const [beforeBan] = await latest();
    await h.rs.sendEvent({ roomId, sender: alice, event: member(rob, 'ban') });
    const published = (await h.settled()).length;
    // rob's server still points at the event before the ban: valid there, banned now.
    const evading = await remote.event(h.rs, roomId, { sender: rob, ...message('still here'), prevEvents: [beforeBan!] });
    const [r] = await h.rs.inputRoomEvents([{ kind: 'new', pdu: evading }]);
    expect(r!.status).toBe('soft_failed');
    expect(r!.reason).toBeDefined();
    expect((await latest()).includes(r!.eventId)).toBe(false);
    await Bun.sleep(20);
    expect(h.got.length).toBe(published);
  });

  test('rejection: an event the auth rules refuse is stored as rejected, outside state and timeline', async () => {
    const { roomId, latest } = await sharedRoom('10');
    const before = await latest();
    const nobody = remote.user('nobody');
    const pdu = await remote.event(h.rs, roomId, { sender: nobody, ...topic('not yours'), prevEvents: before });
    const [r] = await h.rs.inputRoomEvents([{ kind: 'new', pdu }]);
    expect(r!.status).toBe('rejected');
    expect(r!.reason).toBeDefined();
    expect(await latest()).toEqual(before);
    expect(await h.rs.eventsById([r!.eventId])).toEqual([]);
    expect(await h.rs.stateEvent(roomId, 'm.room.topic', '')).toBeNull();
  });

  test('a redaction that arrives before its target is applied when the target arrives (v3+ "Handling redactions")', async () => {
    const { roomId, latest } = await sharedRoom('10');
    const [p] = await latest();
    const target = await remote.event(h.rs, roomId, { sender: rob, ...message('to be redacted'), prevEvents: [p!] });
    const targetId = computeEventId(target, roomVersion('10')!);
    const redaction = await remote.event(h.rs, roomId, { sender: rob, type: 'm.room.redaction', content: {}, prevEvents: [p!], redacts: targetId });
    const [r] = await h.rs.inputRoomEvents([{ kind: 'new', pdu: redaction }]);
    expect(r!.status).toBe('accepted');
    expect(await h.rs.eventsById([targetId])).toEqual([]);
    const [t] = await h.rs.inputRoomEvents([{ kind: 'new', pdu: target }]);
    expect(t!.eventId).toBe(targetId);
    expect(t!.status).toBe('accepted');
    const [stored] = await h.rs.eventsById([targetId]);
    expect(stored!.json.content).toEqual({});
    expect(stored!.redactedBecause).toBe(r!.eventId);
  });

  test('an event whose auth or prev events are not stored is not stored: they are "missing"', async () => {
    const { roomId, latest } = await sharedRoom('10');
    const unknown = '$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const pdu = await remote.event(h.rs, roomId, { sender: rob, ...message('x'), prevEvents: await latest() });
    pdu.auth_events = [...pdu.auth_events, unknown];
    const [r] = await h.rs.inputRoomEvents([{ kind: 'new', pdu }]);
    expect(r).toMatchObject({ status: 'missing', missing: [unknown] });
    expect(await h.rs.eventsById([r!.eventId])).toEqual([]);
    const orphan = await remote.event(h.rs, roomId, { sender: rob, ...message('y'), prevEvents: await latest() });
    orphan.prev_events = [unknown];
    const [o] = await h.rs.inputRoomEvents([{ kind: 'new', pdu: orphan }]);
    expect(o).toMatchObject({ status: 'missing', missing: [unknown] });
  });
});

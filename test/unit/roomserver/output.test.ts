// The OutputRoomEvent stream (src/roomserver/api.ts; DESIGN.md, "How a message flows"): one
// new_room_event per stored event, in storage order, with the current-state delta it caused, the
// forward extremities after it, the sender's transaction and the history visibility in force.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { openBus } from '../../../src/bus/open.ts';
import type { OutputRoomEvent } from '../../../src/roomserver/api.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { member, message, openHarness, roomRequest, SERVER, user, type Harness } from './harness.ts';

const alice = user('alice');
const bob = user('bob');
type NewRoomEvent = Extract<OutputRoomEvent, { kind: 'new_room_event' }>;

forEachDatabase('roomserver OutputRoomEvent', (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(ctx.db());
  });
  afterAll(() => h.close());

  /** Messages of one room from index `from` on, once `n` of them arrived. */
  const roomMessages = async (roomId: string, n: number): Promise<NewRoomEvent[]> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const mine = h.got.filter((m): m is NewRoomEvent => m.kind === 'new_room_event' && m.roomId === roomId);
      if (mine.length >= n) return mine;
      if (Date.now() > deadline) throw new Error(`expected ${n} messages for ${roomId}, got ${mine.length}`);
      await Bun.sleep(5);
    }
  };

  test('createRoom: one message per event, in order, each adding itself to the current state', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('11', alice));
    const msgs = await roomMessages(roomId, 5);
    expect(msgs.map((m) => m.event.json.type)).toEqual([
      'm.room.create',
      'm.room.member',
      'm.room.power_levels',
      'm.room.join_rules',
      'm.room.history_visibility',
    ]);
    for (const m of msgs) {
      expect(m.addsStateEventIds).toEqual([m.event.eventId]);
      expect(m.removesStateEventIds).toEqual([]);
      expect(m.latestEventIds).toEqual([m.event.eventId]);
      expect(m.sendAsServer).toBe(SERVER);
      expect(m.roomVersion).toBe('11');
    }
    const nids = msgs.map((m) => m.event.nid);
    expect([...nids].sort((a, b) => a - b)).toEqual(nids);
  });

  test('state deltas: a replaced state event is removed, a message changes no state', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    const t1 = await h.rs.sendEvent({ roomId, sender: alice, event: { type: 'm.room.topic', stateKey: '', content: { topic: '1' } } });
    const t2 = await h.rs.sendEvent({ roomId, sender: alice, event: { type: 'm.room.topic', stateKey: '', content: { topic: '2' } } });
    const txn = { deviceId: 'DEV', txnId: 'txn1' };
    const msg = await h.rs.sendEvent({ roomId, sender: alice, event: message('hi'), txn });
    const join = await h.rs.sendEvent({ roomId, sender: bob, event: member(bob, 'join') });
    const leave = await h.rs.sendEvent({ roomId, sender: bob, event: member(bob, 'leave') });
    const msgs = (await roomMessages(roomId, 10)).slice(5);
    expect(msgs.map((m) => m.event.eventId)).toEqual([t1.eventId, t2.eventId, msg.eventId, join.eventId, leave.eventId]);
    expect(msgs[0]!.addsStateEventIds).toEqual([t1.eventId]);
    expect(msgs[1]!.addsStateEventIds).toEqual([t2.eventId]);
    expect(msgs[1]!.removesStateEventIds).toEqual([t1.eventId]);
    expect(msgs[2]!.addsStateEventIds).toEqual([]);
    expect(msgs[2]!.removesStateEventIds).toEqual([]);
    expect(msgs[2]!.txn).toEqual(txn);
    expect(msgs[1]!.txn).toBeUndefined();
    expect(msgs[4]!.addsStateEventIds).toEqual([leave.eventId]);
    expect(msgs[4]!.removesStateEventIds).toEqual([join.eventId]);
    expect(msgs[4]!.latestEventIds).toEqual([leave.eventId]);
    expect(msgs[2]!.event.json.content.body).toBe('hi');
  });

  test('history visibility: the value in the state before the event', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice, { history: 'shared' }));
    const hv = await h.rs.sendEvent({ roomId, sender: alice, event: { type: 'm.room.history_visibility', stateKey: '', content: { history_visibility: 'joined' } } });
    const msg = await h.rs.sendEvent({ roomId, sender: alice, event: message('after') });
    const msgs = await roomMessages(roomId, 7);
    expect(msgs.find((m) => m.event.eventId === hv.eventId)!.historyVisibility).toBe('shared');
    expect(msgs.find((m) => m.event.eventId === msg.eventId)!.historyVisibility).toBe('joined');
  });

  test('rooms sending side by side: each room keeps its order on the stream', async () => {
    const rooms = await Promise.all([0, 1, 2, 3].map(() => h.rs.createRoom(roomRequest('10', alice))));
    await Promise.all(
      rooms.map(async ({ roomId }) => {
        for (let i = 0; i < 20; i++) await h.rs.sendEvent({ roomId, sender: alice, event: message(`${i}`) });
      }),
    );
    for (const { roomId } of rooms) {
      const bodies = (await roomMessages(roomId, 25)).slice(5).map((m) => m.event.json.content.body);
      expect(bodies).toEqual(Array.from({ length: 20 }, (_, i) => `${i}`));
    }
  });
});

forEachDatabase('roomserver OutputRoomEvent when the bus fails', (ctx) => {
  test('sends succeed while the bus refuses; the stored messages follow in order once it is back', async () => {
    const bus = await openBus(
      { addresses: [], storage_path: '', topic_prefix: 'Failing', in_memory: true, disable_tls_validation: false, credentials_path: '' },
      stderrLogger('error', 'test'),
    );
    const publish = bus.publish.bind(bus);
    let failing = false;
    bus.publish = (subject, data, headers) => (failing ? Promise.reject(new Error('bus down')) : publish(subject, data, headers));
    const h = await openHarness(ctx.db(), { bus });
    try {
      const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
      failing = true;
      const sent = [];
      for (let i = 0; i < 5; i++) sent.push((await h.rs.sendEvent({ roomId, sender: alice, event: message(`while down ${i}`) })).eventId);
      failing = false;
      sent.push((await h.rs.sendEvent({ roomId, sender: alice, event: message('back') })).eventId);
      await h.until(11);
      const ids = h.got.flatMap((m) => (m.kind === 'new_room_event' && m.event.json.type === 'm.room.message' ? [m.event.eventId] : []));
      // In order; a message may appear twice (at least once), never out of order.
      const firsts = ids.filter((id, i) => ids.indexOf(id) === i);
      expect(firsts).toEqual(sent);
    } finally {
      await h.close();
      await bus.close();
    }
  });
});

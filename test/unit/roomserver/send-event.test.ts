// Sending events (Client-Server API, "PUT /rooms/{roomId}/send" and "/state"), refused by the
// authorisation rules of the room version (rooms/v*.md, "Authorisation rules") with M_FORBIDDEN,
// and by the size limits (Client-Server API, "Size limits") with M_TOO_LARGE.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { ALL_VERSIONS, member, message, openHarness, roomRequest, user, type Harness } from './harness.ts';

const alice = user('alice');
const bob = user('bob');
const carol = user('carol');

async function refusal(p: Promise<unknown>): Promise<{ errcode: string; message: string }> {
  const err = await p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e) => e,
  );
  return { errcode: err.errcode, message: err.message };
}

forEachDatabase('roomserver sendEvent', (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(ctx.db());
  });
  afterAll(() => h.close());

  test('messages and state events: state replaces state, messages are not state', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    const first = await h.rs.sendEvent({ roomId, sender: alice, event: { type: 'm.room.topic', stateKey: '', content: { topic: 'one' } } });
    const second = await h.rs.sendEvent({ roomId, sender: alice, event: { type: 'm.room.topic', stateKey: '', content: { topic: 'two' } } });
    const msg = await h.rs.sendEvent({ roomId, sender: alice, event: message('hi') });
    expect((await h.rs.stateEvent(roomId, 'm.room.topic', ''))?.eventId).toBe(second.eventId);
    expect((await h.rs.currentState(roomId)).map((e) => e.eventId)).not.toContain(msg.eventId);
    expect((await h.rs.currentState(roomId)).map((e) => e.eventId)).not.toContain(first.eventId);
    expect(second.nid).toBeGreaterThan(first.nid);
    expect((await h.rs.latestEvents(roomId)).eventIds).toEqual([msg.eventId]);
  });

  test('rule "the sender is not joined": a non-member cannot send', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    const r = await refusal(h.rs.sendEvent({ roomId, sender: bob, event: message('hi') }));
    expect(r.errcode).toBe('M_FORBIDDEN');
    expect(r.message).toContain('not joined');
  });

  test('rule "required power level": a joined user without power cannot set the name', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    await h.rs.sendEvent({ roomId, sender: bob, event: member(bob, 'join') });
    const r = await refusal(h.rs.sendEvent({ roomId, sender: bob, event: { type: 'm.room.name', stateKey: '', content: { name: 'x' } } }));
    expect(r.errcode).toBe('M_FORBIDDEN');
    expect(r.message).toContain('power level');
    // Nothing was stored: the name is unset and the extremity unchanged.
    expect(await h.rs.stateEvent(roomId, 'm.room.name', '')).toBeNull();
  });

  test('membership rules: a banned user cannot join', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    await h.rs.sendEvent({ roomId, sender: alice, event: member(carol, 'ban') });
    const r = await refusal(h.rs.sendEvent({ roomId, sender: carol, event: member(carol, 'join') }));
    expect(r.errcode).toBe('M_FORBIDDEN');
    expect((await h.rs.membership(roomId, carol))?.membership).toBe('ban');
  });

  test('membership rules: invite-only rooms refuse joins without an invite', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice, { joinRule: 'invite' }));
    expect((await refusal(h.rs.sendEvent({ roomId, sender: bob, event: member(bob, 'join') }))).errcode).toBe('M_FORBIDDEN');
    await h.rs.sendEvent({ roomId, sender: alice, event: member(bob, 'invite') });
    await h.rs.sendEvent({ roomId, sender: bob, event: member(bob, 'join') });
    expect((await h.rs.membership(roomId, bob))?.membership).toBe('join');
  });

  describe.each(ALL_VERSIONS)('room version %s', (version) => {
    const v = Number(version);
    test(`knocking ${v >= 7 ? 'is allowed (v7+)' : 'does not exist before v7'}`, async () => {
      const { roomId } = await h.rs.createRoom(roomRequest(version, alice, { joinRule: 'knock' }));
      const knock = h.rs.sendEvent({ roomId, sender: bob, event: member(bob, 'knock') });
      if (v >= 7) {
        await knock;
        expect((await h.rs.membership(roomId, bob))?.membership).toBe('knock');
      } else {
        expect((await refusal(knock)).errcode).toBe('M_FORBIDDEN');
      }
    });

    test(`restricted joins ${v >= 8 ? 'are vouched for by a local user who can invite (v8+)' : 'do not exist before v8'}`, async () => {
      const { roomId: space } = await h.rs.createRoom(roomRequest(version, alice));
      await h.rs.sendEvent({ roomId: space, sender: bob, event: member(bob, 'join') });
      const rules = { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: space }] };
      const { roomId } = await h.rs.createRoom(roomRequest(version, alice, { joinRule: rules }));
      const join = h.rs.sendEvent({ roomId, sender: bob, event: member(bob, 'join') });
      if (v < 8) {
        expect((await refusal(join)).errcode).toBe('M_FORBIDDEN');
        return;
      }
      const { eventId } = await join;
      const [stored] = await h.rs.eventsById([eventId]);
      expect(stored!.json.content.join_authorised_via_users_server).toBe(alice);
      // carol is in none of the allowed rooms.
      expect((await refusal(h.rs.sendEvent({ roomId, sender: carol, event: member(carol, 'join') }))).errcode).toBe('M_FORBIDDEN');
    });
  });

  test('size limits: an event over 65536 bytes, or a type over 255 bytes, is M_TOO_LARGE', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    const big = await refusal(h.rs.sendEvent({ roomId, sender: alice, event: message('x'.repeat(66_000)) }));
    expect(big.errcode).toBe('M_TOO_LARGE');
    const longType = await refusal(h.rs.sendEvent({ roomId, sender: alice, event: { type: 't'.repeat(256), content: {} } }));
    expect(longType.errcode).toBe('M_TOO_LARGE');
    const longKey = await refusal(h.rs.sendEvent({ roomId, sender: alice, event: { type: 'm.x', stateKey: 'k'.repeat(256), content: {} } }));
    expect(longKey.errcode).toBe('M_TOO_LARGE');
    // Just under the limit is fine.
    await h.rs.sendEvent({ roomId, sender: alice, event: message('x'.repeat(64_000)) });
  });

  test('an unknown room is M_NOT_FOUND; a sender of another server is M_FORBIDDEN', async () => {
    expect((await refusal(h.rs.sendEvent({ roomId: '!nope:rs.test', sender: alice, event: message('x') }))).errcode).toBe('M_NOT_FOUND');
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    expect((await refusal(h.rs.sendEvent({ roomId, sender: '@eve:other.test', event: message('x') }))).errcode).toBe('M_FORBIDDEN');
  });

  test('events of one room are stored in the order they were sent, even when sent all at once', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    const sent = await Promise.all(Array.from({ length: 50 }, (_, i) => h.rs.sendEvent({ roomId, sender: alice, event: message(`m${i}`) })));
    const stored = await h.rs.eventsByNid(sent.map((s) => s.nid));
    for (let i = 1; i < stored.length; i++) {
      expect(stored[i]!.json.prev_events).toEqual([stored[i - 1]!.eventId]);
      expect(stored[i]!.json.content.body).toBe(`m${i}`);
    }
  });
});

// Redactions (Client-Server API, "Redactions"; room versions, "Redactions" and "Handling
// redactions"): an applied redaction replaces the stored event by its redacted copy, per the
// room version's algorithm, readers get it with redactedBecause, and a redacted_event message
// follows the redaction's new_room_event.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { redactEvent } from '../../../src/protocol/redaction.ts';
import { roomVersion } from '../../../src/protocol/room-versions.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { ALL_VERSIONS, member, message, openHarness, roomRequest, user, type Harness } from './harness.ts';

const alice = user('alice');
const bob = user('bob');
const carol = user('carol');

forEachDatabase('roomserver redactions', (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(ctx.db());
  });
  afterAll(() => h.close());

  const redact = (roomId: string, sender: string, target: string) =>
    h.rs.sendEvent({ roomId, sender, event: { type: 'm.room.redaction', content: { reason: 'spam' }, redacts: target } });

  describe.each(ALL_VERSIONS)('room version %s', (version) => {
    test('a redaction prunes its target with the version\'s algorithm', async () => {
      const rv = roomVersion(version)!;
      const { roomId } = await h.rs.createRoom(roomRequest(version, alice));
      await h.rs.sendEvent({ roomId, sender: bob, event: member(bob, 'join', { displayname: 'Bob', avatar_url: 'mxc://x/y' }) });
      const msg = await h.rs.sendEvent({ roomId, sender: bob, event: message('secret') });
      const memberEvent = (await h.rs.stateEvent(roomId, 'm.room.member', bob))!;
      const originals = await h.rs.eventsById([msg.eventId, memberEvent.eventId]);
      const published = (await h.settled()).length;

      // bob redacts his own message; alice (power 100) redacts bob's membership event.
      const r1 = await redact(roomId, bob, msg.eventId);
      const r2 = await redact(roomId, alice, memberEvent.eventId);
      const [pm, pj] = await h.rs.eventsById([msg.eventId, memberEvent.eventId]);
      expect(pm!.json).toEqual(redactEvent(originals[0]!.json, rv));
      expect(pm!.json.content).toEqual({});
      expect(pm!.redactedBecause).toBe(r1.eventId);
      expect(pj!.json).toEqual(redactEvent(originals[1]!.json, rv));
      expect(pj!.json.content.membership).toBe('join');
      expect(pj!.json.content.displayname).toBeUndefined();
      expect(pj!.redactedBecause).toBe(r2.eventId);
      // "a redacted join event will still result in the user being considered joined"
      expect((await h.rs.membership(roomId, bob))?.membership).toBe('join');

      // v11+: `redacts` lives in the content of the redaction event.
      const [redaction] = await h.rs.eventsById([r1.eventId]);
      if (rv.redactsInContent) expect(redaction!.json.content.redacts).toBe(msg.eventId);
      else expect(redaction!.json.redacts).toBe(msg.eventId);

      await h.until(published + 4);
      expect(h.got.slice(published).map((m) => m.kind)).toEqual(['new_room_event', 'redacted_event', 'new_room_event', 'redacted_event']);
      expect(h.got[published + 1]).toEqual({ kind: 'redacted_event', roomId, redactedEventId: msg.eventId, redactionEventId: r1.eventId });
    });
  });

  test('a user without the redact level cannot redact someone else\'s event', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    await h.rs.sendEvent({ roomId, sender: bob, event: member(bob, 'join') });
    await h.rs.sendEvent({ roomId, sender: carol, event: member(carol, 'join') });
    const msg = await h.rs.sendEvent({ roomId, sender: bob, event: message('mine') });
    const err = await redact(roomId, carol, msg.eventId).catch((e) => e);
    expect(err.errcode).toBe('M_FORBIDDEN');
    expect((await h.rs.eventsById([msg.eventId]))[0]!.json.content.body).toBe('mine');
  });

  test('a redaction of an unknown event is stored and waits; the redacted copy survives a restart', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    const pending = await redact(roomId, alice, '$unknownunknownunknownunknownunknownunknown0');
    expect((await h.rs.eventsById([pending.eventId])).length).toBe(1);
    const msg = await h.rs.sendEvent({ roomId, sender: alice, event: message('gone soon') });
    await redact(roomId, alice, msg.eventId);
    const again = await openHarness(ctx.db());
    try {
      const [stored] = await again.rs.eventsById([msg.eventId]);
      expect(stored!.json.content).toEqual({});
      expect(stored!.redactedBecause).toBeDefined();
      // The original body is gone from the database, not only from what readers are shown.
      const row = await ctx.db().get<{ event_json: string }>(
        'SELECT event_json FROM roomserver_events WHERE event_id = $1',
        [msg.eventId],
      );
      expect(row!.event_json).not.toContain('gone soon');
    } finally {
      await again.close();
    }
  });
});

// The room server's side of the federation membership handshakes (Server-Server API, "Joining
// Rooms", "Inviting to a room", "Leaving Rooms (Rejecting Invites)"): templates for another
// server's make_join / make_leave / make_knock, and out-of-band membership events (an invite to a
// room this server is not in, and the rejection sent through another server).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { MatrixError } from '../../../src/http/errors.ts';
import { buildEvent } from '../../../src/protocol/events/build.ts';
import { nativeEd25519 } from '../../../src/protocol/signing/native.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { member, openHarness, roomRequest, SERVER, user, type Harness } from './harness.ts';
import { RemoteServer } from './remote.ts';

const alice = user('alice');
const remote = new RemoteServer('remote.test');
const rob = remote.user('rob');
/** An event ID of the v4+ format for events this server never sees. */
const fakeId = (c: string) => `$${c.repeat(43)}`;

forEachDatabase('roomserver membership handshakes', (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(ctx.db());
  });
  afterAll(() => h.close());

  test('eventTemplate: the join another server\'s user would send now, unsigned, with origin ("Joining Rooms", make_join)', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice));
    const latest = await h.rs.latestEvents(roomId);
    const t = await h.rs.eventTemplate({ roomId, sender: rob, event: member(rob, 'join') });
    expect(t.roomVersion).toBe('10');
    expect(t.event).toMatchObject({ room_id: roomId, sender: rob, state_key: rob, type: 'm.room.member', origin: SERVER, content: { membership: 'join' } });
    expect(t.event.prev_events).toEqual(latest.eventIds);
    expect(t.event.depth).toBe(latest.depth + 1);
    expect(t.event.auth_events.length).toBeGreaterThanOrEqual(3);
    for (const k of ['signatures', 'hashes', 'event_id', 'unsigned']) expect(t.event).not.toHaveProperty(k);
    // Nothing was stored.
    expect((await h.rs.latestEvents(roomId)).eventIds).toEqual(latest.eventIds);
  });

  test('eventTemplate refuses what the auth rules refuse (an uninvited join to an invite-only room: M_FORBIDDEN) and unknown rooms (M_NOT_FOUND)', async () => {
    const { roomId } = await h.rs.createRoom(roomRequest('10', alice, { joinRule: 'invite' }));
    const err = await h.rs.eventTemplate({ roomId, sender: rob, event: member(rob, 'join') }).catch((e) => e);
    expect(err).toBeInstanceOf(MatrixError);
    expect((err as MatrixError).errcode).toBe('M_FORBIDDEN');
    const missing = await h.rs.eventTemplate({ roomId: '!nowhere:remote.test', sender: rob, event: member(rob, 'join') }).catch((e) => e);
    expect((missing as MatrixError).errcode).toBe('M_NOT_FOUND');
  });

  test('eventTemplate of a restricted join names a local user who may invite (join_authorised_via_users_server)', async () => {
    const { roomId: space } = await h.rs.createRoom(roomRequest('10', alice));
    const robJoin = await remote.event(h.rs, space, { sender: rob, ...member(rob, 'join'), prevEvents: (await h.rs.latestEvents(space)).eventIds });
    expect((await h.rs.inputRoomEvents([{ kind: 'new', pdu: robJoin }]))[0]!.status).toBe('accepted');
    const { roomId } = await h.rs.createRoom(
      roomRequest('10', alice, { joinRule: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: space }] } }),
    );
    const t = await h.rs.eventTemplate({ roomId, sender: rob, event: member(rob, 'join') });
    expect(t.event.content.join_authorised_via_users_server).toBe(alice);
  });

  test('an out-of-band invite to an unknown room becomes the user\'s membership and is published; the rejection replaces it', async () => {
    const bob = user('bob');
    const roomId = '!elsewhere:remote.test';
    const signer = nativeEd25519.signer(new Uint8Array(32).fill(9));
    const build = (membership: string, sender: string, origin: string, unsigned?: Record<string, unknown>) =>
      buildEvent(
        {
          roomVersion: '10',
          roomId,
          sender,
          type: 'm.room.member',
          stateKey: bob,
          content: { membership },
          prevEvents: [fakeId('p')],
          authEvents: [fakeId('c'), fakeId('l')],
          depth: 7,
          originServerTs: Date.now(),
          unsigned: unsigned as never,
        },
        origin,
        'ed25519:k',
        signer,
      ).pdu;
    const before = (await h.settled()).length;
    const invite = build('invite', rob, 'remote.test', { invite_room_state: [{ type: 'm.room.name', state_key: '', content: { name: 'Far' }, sender: rob }] });
    const r = await h.rs.inputOutOfBandMembership({ pdu: invite, roomVersion: '10' });
    expect(r.status).toBe('accepted');
    expect(await h.rs.roomVersion(roomId)).toBe('10');
    expect((await h.rs.membership(roomId, bob))?.membership).toBe('invite');
    expect(await h.rs.roomsForUser(bob, ['invite'])).toEqual([{ roomId, membership: 'invite', eventId: r.eventId }]);
    // Stored with its unsigned invite_room_state, for the invitee's /sync.
    expect((await h.rs.eventsById([r.eventId]))[0]!.json.unsigned?.invite_room_state).toBeDefined();
    const got = await h.until(before + 1);
    const msg = got[before]!;
    expect(msg.kind).toBe('new_room_event');
    if (msg.kind === 'new_room_event') expect(msg.addsStateEventIds).toEqual([r.eventId]);
    expect((await h.rs.inputOutOfBandMembership({ pdu: invite, roomVersion: '10' })).status).toBe('duplicate');

    const leave = build('leave', bob, SERVER);
    const l = await h.rs.inputOutOfBandMembership({ pdu: leave, roomVersion: '10' });
    expect(l.status).toBe('accepted');
    expect((await h.rs.membership(roomId, bob))?.membership).toBe('leave');
    expect(await h.rs.roomsForUser(bob, ['invite'])).toEqual([]);
    const after = await h.until(before + 2);
    const m2 = after[before + 1]!;
    if (m2.kind === 'new_room_event') expect(m2.removesStateEventIds).toEqual([r.eventId]);
    // Only membership events of our own users can be stored this way.
    const other = await h.rs.inputOutOfBandMembership({ pdu: { ...invite, state_key: rob }, roomVersion: '10' }).catch((e) => e);
    expect(other).toBeInstanceOf(MatrixError);
  });
});

// Client-Server API, "Creation" (POST /createRoom) as the room server does it: the create event
// then the initial events, atomically, for every room version 1–12 (rooms/v1.md … v12.md).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { MatrixError } from '../../../src/http/errors.ts';
import { checkContentHash, computeEventId } from '../../../src/protocol/events/hashes.ts';
import { verifyEventSignatures } from '../../../src/protocol/events/signatures.ts';
import { roomVersion } from '../../../src/protocol/room-versions.ts';
import { nativeEd25519 } from '../../../src/protocol/signing/native.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { ALL_VERSIONS, KEY_ID, message, openHarness, roomRequest, SEED, SERVER, user, type Harness } from './harness.ts';

const alice = user('alice');

forEachDatabase('roomserver createRoom', (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(ctx.db());
  });
  afterAll(() => h.close());

  describe.each(ALL_VERSIONS)('room version %s', (version) => {
    test('the room exists with its initial state, and its events are hashed and signed by us', async () => {
      const rv = roomVersion(version)!;
      const { roomId } = await h.rs.createRoom(roomRequest(version, alice, { extra: [{ type: 'm.room.name', stateKey: '', content: { name: 'Room' } }] }));
      // Appendices, "Room IDs": v12 rooms are named by the create event's reference hash.
      if (version === '12') expect(roomId).toMatch(/^![A-Za-z0-9_-]{43}$/);
      else expect(roomId).toMatch(new RegExp(`^![A-Za-z]{18}:${SERVER.replace('.', '\\.')}$`));
      expect(await h.rs.roomVersion(roomId)).toBe(version);

      const state = await h.rs.currentState(roomId);
      expect(state.map((e) => e.json.type).sort()).toEqual(
        ['m.room.create', 'm.room.history_visibility', 'm.room.join_rules', 'm.room.member', 'm.room.name', 'm.room.power_levels'].sort(),
      );
      const create = state.find((e) => e.json.type === 'm.room.create')!;
      expect(create.json.content.room_version).toBe(version);
      // v11+: "the creator is the sender of the create event"; v1–10 write content.creator.
      if (rv.creatorIsSender) expect(create.json.content.creator).toBeUndefined();
      else expect(create.json.content.creator).toBe(alice);
      if (version === '12') {
        expect(create.json.room_id).toBeUndefined();
        expect(create.eventId).toBe(`$${roomId.slice(1)}`);
      }

      const publicKey = nativeEd25519.signer(SEED).publicKey;
      for (const e of state) {
        expect(checkContentHash(e.json, rv)).toBe(true);
        expect(computeEventId(e.json, rv)).toBe(e.eventId);
        const sig = verifyEventSignatures(e.json, rv, (server, keyId) => (server === SERVER && keyId === KEY_ID ? publicKey : undefined));
        expect(sig.ok).toBe(true);
      }

      // The events form a chain: one forward extremity, depth growing by one.
      const latest = await h.rs.latestEvents(roomId);
      expect(latest.eventIds).toHaveLength(1);
      expect(latest.depth).toBe(6);
      expect((await h.rs.membership(roomId, alice))?.membership).toBe('join');
      const sent = await h.rs.sendEvent({ roomId, sender: alice, event: message('hello') });
      const [stored] = await h.rs.eventsById([sent.eventId]);
      expect(stored!.json.prev_events.map((p) => (typeof p === 'string' ? p : p[0]))).toEqual(latest.eventIds);
      expect(stored!.json.depth).toBe(7);
    });
  });

  test('an unknown room version is M_UNSUPPORTED_ROOM_VERSION (400)', async () => {
    const err = await h.rs.createRoom(roomRequest('99', alice)).catch((e) => e);
    expect(err).toBeInstanceOf(MatrixError);
    expect(err.errcode).toBe('M_UNSUPPORTED_ROOM_VERSION');
    expect(err.status).toBe(400);
  });

  test('a refused initial event leaves no room behind (the events are stored atomically)', async () => {
    const before = await h.rs.roomsForUser(alice, ['join']);
    const bob = user('bob');
    // bob is not in the room: his topic is refused by the auth rules.
    const req = roomRequest('10', alice, { extra: [{ type: 'm.room.topic', stateKey: '', content: { topic: 't' }, sender: bob }] });
    const err = await h.rs.createRoom(req).catch((e) => e);
    expect(err.errcode).toBe('M_FORBIDDEN');
    expect(await h.rs.roomsForUser(alice, ['join'])).toEqual(before);
  });

  test('a creator from another server is refused: we cannot sign for them', async () => {
    const err = await h.rs.createRoom(roomRequest('10', '@mallory:elsewhere.test')).catch((e) => e);
    expect(err.errcode).toBe('M_FORBIDDEN');
  });
});

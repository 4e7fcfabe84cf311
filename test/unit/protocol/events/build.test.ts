// Server-Server API, "Adding hashes and signatures to outgoing events"; the event format of each
// room version (pdu_v1 … pdu_v12); rooms/v11 "Moving the redacts property"; rooms/v12 "Event format".
import { describe, expect, test } from 'bun:test';
import {
  addEventSignature,
  buildEvent,
  checkContentHash,
  computeEventId,
  InvalidEventError,
  parseEvent,
  roomIdFromCreateEvent,
  verifyEventSignatures,
} from '../../../../src/protocol/events/index.ts';
import { canonicalJson } from '../../../../src/protocol/canonical-json.ts';
import { ROOM_VERSIONS } from '../../../../src/protocol/room-versions.ts';
import { nobleEd25519 } from '../../../../src/protocol/signing/index.ts';
import { KEY_ID, message, ORIGIN, PUBLIC_KEY, SEED, signer, someRef, version } from './fixtures.ts';

const lookup = (server: string, keyId: string) => (server === ORIGIN && keyId === KEY_ID ? PUBLIC_KEY : undefined);

describe('every room version: built events are hashed, signed and parse back', () => {
  for (const v of ROOM_VERSIONS.values()) {
    test(`room version ${v.id}`, () => {
      const { pdu, event, canonical } = message(v.id, { body: 'hello', msgtype: 'm.text' }, { unsigned: { transaction_id: 't1' } });
      expect(checkContentHash(pdu, v)).toBe(true);
      expect(canonical).toBe(canonicalJson(pdu, { lenientNumbers: !v.strictCanonicalJson }));
      expect(verifyEventSignatures(pdu, v, lookup)).toEqual({ ok: true });
      expect(computeEventId(pdu, v)).toBe(event.eventId);
      const parsed = parseEvent(JSON.parse(JSON.stringify(pdu)), v.id);
      expect(parsed.eventId).toBe(event.eventId);
      expect({ ...parsed, json: null }).toEqual({ ...event, json: null });
      expect(pdu.unsigned).toEqual({ transaction_id: 't1' });
      expect(pdu.origin).toBeUndefined(); // not part of the PDU schemas any more
      expect(event.prevEventIds).toHaveLength(1);
      expect(event.authEventIds).toHaveLength(2);
    });
  }
});

describe('room version formats', () => {
  test('v1–v2: `$localpart:origin` event IDs in the JSON, [id, hashes] references', () => {
    const { pdu, event } = message('2');
    expect(pdu.event_id).toBe('$local1:domain');
    expect(pdu.prev_events).toEqual([someRef(version('2'), 0)]);
    expect(event.prevEventIds).toEqual(['$ev0:domain']);
    const random = message('1', undefined, { eventIdLocalpart: undefined });
    expect(random.event.eventId).toMatch(/^\$[A-Za-z0-9_-]{16}:domain$/);
    expect(() => message('1', undefined, { prevEvents: ['$plain:domain'] })).toThrow(TypeError);
  });
  test('v3+: no event_id in the JSON; [id, hashes] references are reduced to IDs', () => {
    const { pdu } = message('4', undefined, { prevEvents: [[`$${'B'.repeat(43)}`, { sha256: 'x' }]] });
    expect(pdu.event_id).toBeUndefined();
    expect(pdu.prev_events).toEqual([`$${'B'.repeat(43)}`]);
  });
  test('redacts: top level up to v10, in content from v11', () => {
    const target = `$${'T'.repeat(43)}`;
    const v10 = message('10', { reason: 'spam' }, { type: 'm.room.redaction', redacts: target });
    expect(v10.pdu.redacts).toBe(target);
    expect(v10.pdu.content).toEqual({ reason: 'spam' });
    expect(v10.event.redacts).toBe(target);
    const v11 = message('11', { reason: 'spam' }, { type: 'm.room.redaction', redacts: target });
    expect(v11.pdu.redacts).toBeUndefined();
    expect(v11.pdu.content).toEqual({ reason: 'spam', redacts: target });
    expect(v11.event.redacts).toBe(target);
  });
  test('state events carry state_key; the empty string is a state key', () => {
    const { pdu, event } = message('11', { name: 'Room' }, { type: 'm.room.name', stateKey: '' });
    expect(pdu.state_key).toBe('');
    expect(event.stateKey).toBe('');
    expect(message('11').event.stateKey).toBeUndefined();
  });
  test('v12 create: no room_id; the room ID is derived; later events use it', () => {
    const v = version('12');
    const create = buildEvent(
      { roomVersion: '12', sender: '@alice:domain', type: 'm.room.create', stateKey: '', content: { room_version: '12' }, prevEvents: [], authEvents: [], depth: 1, originServerTs: 1 },
      ORIGIN,
      KEY_ID,
      signer,
    );
    expect(create.pdu.room_id).toBeUndefined();
    expect(create.event.roomId).toBe(`!${create.event.eventId.slice(1)}`);
    expect(roomIdFromCreateEvent(create.pdu, v)).toBe(create.event.roomId);
    const next = message('12', undefined, { roomId: create.event.roomId, authEvents: [] });
    expect(next.event.roomId).toBe(create.event.roomId);
    expect(() => message('12', undefined, { roomId: undefined })).toThrow(TypeError);
    expect(() => message('11', undefined, { roomId: undefined, type: 'm.room.create', stateKey: '' })).toThrow(TypeError);
  });
});

describe('building refuses what parsing would refuse', () => {
  test('"The complete event MUST NOT be larger than 65536 bytes"', () => {
    expect(() => message('11', { body: 'x'.repeat(66000) })).toThrow(InvalidEventError);
  });
  test('state_key and type "MUST NOT exceed 255 bytes"', () => {
    expect(() => message('11', {}, { type: 'm.room.name', stateKey: 'é'.repeat(128) })).toThrow('state_key is longer than 255 bytes');
    expect(() => message('11', {}, { type: 't'.repeat(256) })).toThrow('type is longer than 255 bytes');
  });
  test('v6+: no floats in content; v1–v5 tolerate them', () => {
    expect(() => message('6', { n: 0.5 })).toThrow('not canonical JSON');
    expect(message('5', { n: 0.5 }).pdu.content).toEqual({ n: 0.5 });
  });
  test('senders, room IDs and references must be valid', () => {
    expect(() => message('11', {}, { sender: 'alice' })).toThrow(InvalidEventError);
    expect(() => message('11', {}, { roomId: '!nodomain' })).toThrow('room_id');
    expect(() => message('11', {}, { prevEvents: Array.from({ length: 21 }, () => someRef(version('11'))) })).toThrow('more than 20');
  });
});

describe('signatures', () => {
  test('deterministic: both ed25519 implementations build the same event', () => {
    const a = message('11');
    const b = buildEvent(
      { roomVersion: '11', roomId: '!room:domain', sender: '@alice:domain', type: 'm.room.message', content: { body: 'hi', msgtype: 'm.text' }, prevEvents: [someRef(version('11'), 0)], authEvents: [someRef(version('11'), 1), someRef(version('11'), 2)], depth: 5, originServerTs: 1_700_000_000_000 },
      ORIGIN,
      KEY_ID,
      nobleEd25519.signer(SEED),
    );
    expect(b.pdu).toEqual(a.pdu);
  });
  test('addEventSignature adds a second server without touching hashes or the first signature', () => {
    const { pdu, event } = message('9');
    const other = nobleEd25519.signer(new Uint8Array(32).fill(3));
    const cosigned = addEventSignature(pdu, version('9'), 'other.org', 'ed25519:o', other);
    expect(cosigned.hashes).toEqual(pdu.hashes);
    expect(cosigned.signatures.domain).toEqual(pdu.signatures.domain);
    expect(Object.keys(cosigned.signatures).sort()).toEqual(['domain', 'other.org']);
    expect(computeEventId(cosigned, version('9'))).toBe(event.eventId);
  });
});

// Server-Server API, "Signing Events": "Calculating the content hash for an event", "Calculating
// the reference hash for an event"; Appendices, "Cryptographic Test Vectors" > "Event Signing";
// rooms/v1, v3, v4 "Event IDs"; rooms/v12 "Event format" (room ID from the create event).
import { describe, expect, test } from 'bun:test';
import { CanonicalJsonError } from '../../../../src/protocol/canonical-json.ts';
import type { PduJson } from '../../../../src/protocol/event.ts';
import {
  checkContentHash,
  computeEventId,
  contentHash,
  eventReference,
  hashAndSign,
  referenceHash,
  roomIdFromCreateEvent,
} from '../../../../src/protocol/events/index.ts';
import { nobleEd25519 } from '../../../../src/protocol/signing/index.ts';
import { KEY_ID, message, ORIGIN, SEED, signer, version } from './fixtures.ts';

describe('Appendices "Event Signing" vectors', () => {
  const minimal = (): PduJson =>
    ({
      room_id: '!x:domain',
      sender: '@a:domain',
      origin: 'domain',
      origin_server_ts: 1000000,
      signatures: {},
      hashes: {},
      type: 'X',
      content: {},
      prev_events: [],
      auth_events: [],
      depth: 3,
      unsigned: { age_ts: 1000000 },
    }) as unknown as PduJson;
  const redactable = (): PduJson =>
    ({
      content: { body: 'Here is the message content' },
      event_id: '$0:domain',
      origin: 'domain',
      origin_server_ts: 1000000,
      type: 'm.room.message',
      room_id: '!r:domain',
      sender: '@u:domain',
      signatures: {},
      unsigned: { age_ts: 1000000 },
    }) as unknown as PduJson;

  // `origin` is signed up to room version 10 (v11 redaction drops it), so v1–v10 all give the vectors.
  for (const id of ['1', '3', '6', '10']) {
    for (const impl of [signer, nobleEd25519.signer(SEED)]) {
      test(`minimal event, room version ${id}, ${impl === signer ? 'native' : 'noble'}`, () => {
        const { pdu } = hashAndSign(minimal(), version(id), 'domain', KEY_ID, impl);
        expect(pdu.hashes).toEqual({ sha256: '5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos' });
        expect(pdu.signatures).toEqual({
          domain: { 'ed25519:1': 'KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg' },
        });
        expect(pdu.unsigned).toEqual({ age_ts: 1000000 });
      });
      test(`event with redactable content, room version ${id}, ${impl === signer ? 'native' : 'noble'}`, () => {
        const { pdu } = hashAndSign(redactable(), version(id), 'domain', KEY_ID, impl);
        expect(pdu.hashes).toEqual({ sha256: 'onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g' });
        expect(pdu.signatures).toEqual({
          domain: { 'ed25519:1': 'Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA' },
        });
      });
    }
  }
  test('room version 11 drops `origin` before signing, so the signature differs but the hash does not', () => {
    const { pdu } = hashAndSign(minimal(), version('11'), 'domain', KEY_ID, signer);
    expect(pdu.hashes.sha256).toBe('5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos');
    expect(pdu.signatures.domain?.[KEY_ID]).not.toBe('KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg');
  });
});

// A real room version 5 create event signed by jki.re (a Synapse server), as published in
// gomatrixserverlib's event ID tests: an outside check that our hashes agree with Synapse's.
const JKI_CREATE = `{"auth_events": [], "prev_events": [], "type": "m.room.create", "room_id": "!uXDCzlYgCTHtiWCkEx:jki.re", "sender": "@erikj:jki.re", "content": {"room_version": "5", "predecessor": {"room_id": "!gdRMqOrTFdOCYHNwOo:half-shot.uk", "event_id": "$LP7ROBc4b+cMc1UE9haIz8q5AK2AIW4eJ90FfKLvyZI"}, "creator": "@erikj:jki.re"}, "depth": 1, "prev_state": [], "state_key": "", "origin": "jki.re", "origin_server_ts": 1560284621137, "hashes": {"sha256": "IX6zuNiJpJPNf70BLleL3HSCpjKeq9Uhu7uUpyDjBmc"}, "signatures": {"jki.re": {"ed25519:auto": "O4IyFfF2PPtGp5uaDm8t57dZbdh8vc8Q64LgCwvzYRVItAMI0uisfiAFaxkVT7MRpzh6N2QNN5NMRXZKmgPYDA"}}, "unsigned": {"age": 1321650}}`;

describe('a real Synapse event', () => {
  const pdu = JSON.parse(JKI_CREATE) as PduJson;
  test('its content hash checks', () => {
    expect(checkContentHash(pdu, version('5'))).toBe(true);
    expect(contentHash(pdu, version('5'))).toBe('IX6zuNiJpJPNf70BLleL3HSCpjKeq9Uhu7uUpyDjBmc');
  });
  test('its event ID is the reference hash: base64 in v3, URL-safe from v4', () => {
    expect(computeEventId(pdu, version('3'))).toBe('$RrGxF28UrHLmoASHndYb9Jb/1SFww2ptmtur9INS438');
    expect(computeEventId(pdu, version('5'))).toBe('$RrGxF28UrHLmoASHndYb9Jb_1SFww2ptmtur9INS438');
  });
});

describe('content hash', () => {
  const { pdu } = message('10');
  const v = version('10');
  test('covers the whole event but unsigned, signatures and hashes', () => {
    expect(checkContentHash(pdu, v)).toBe(true);
    expect(checkContentHash({ ...pdu, unsigned: { age: 1 }, signatures: {} }, v)).toBe(true);
    expect(checkContentHash({ ...pdu, content: { body: 'changed' } }, v)).toBe(false);
    expect(checkContentHash({ ...pdu, extra: 1 }, v)).toBe(false);
  });
  test('the received hash is compared after base64 decoding (padding accepted)', () => {
    expect(checkContentHash({ ...pdu, hashes: { sha256: `${pdu.hashes.sha256}=` } }, v)).toBe(true);
    expect(checkContentHash({ ...pdu, hashes: { sha256: 'AAAA' } }, v)).toBe(false);
    expect(checkContentHash({ ...pdu, hashes: { sha256: '!' } }, v)).toBe(false);
    expect(checkContentHash({ ...pdu, hashes: {} as { sha256: string } }, v)).toBe(false);
  });
  test('v6+ refuse non-canonical numbers; v1–v5 hash them', () => {
    const float = { ...pdu, content: { n: 1.5 } };
    expect(() => contentHash(float, version('6'))).toThrow(CanonicalJsonError);
    expect(contentHash(float, version('5'))).toMatch(/^[A-Za-z0-9+/]{43}$/);
  });
});

describe('reference hash and event IDs', () => {
  test('unsigned and signatures do not change the event ID; hashes and kept keys do', () => {
    const { pdu, event } = message('11');
    const v = version('11');
    expect(computeEventId(pdu, v)).toBe(event.eventId);
    expect(computeEventId({ ...pdu, unsigned: { age: 9 }, signatures: { x: { 'ed25519:1': 'y' } } }, v)).toBe(event.eventId);
    expect(computeEventId({ ...pdu, hashes: { sha256: 'other' } }, v)).not.toBe(event.eventId);
    expect(computeEventId({ ...pdu, depth: 6 }, v)).not.toBe(event.eventId);
    // Content of a message is redacted away, so only its hash (in `hashes`) ties it to the ID.
    expect(computeEventId({ ...pdu, content: { body: 'other' } }, v)).toBe(event.eventId);
  });
  test('formats: v1–v2 as written; v3 "$" + 43 base64; v4+ "$" + 43 URL-safe', () => {
    expect(message('1').event.eventId).toBe(`$local1:${ORIGIN}`);
    expect(message('3').event.eventId).toMatch(/^\$[A-Za-z0-9+/]{43}$/);
    for (const id of ['4', '9', '11', '12']) expect(message(id).event.eventId).toMatch(/^\$[A-Za-z0-9_-]{43}$/);
    expect(() => computeEventId({ ...message('1').pdu, event_id: undefined }, version('1'))).toThrow();
  });
  test('eventReference: [event_id, {sha256}] pairs in v1–v2, IDs later', () => {
    const v1 = message('1');
    expect(eventReference(v1.pdu, version('1'))).toEqual([v1.event.eventId, { sha256: Buffer.from(referenceHash(v1.pdu, version('1'))).toString('base64').replace(/=+$/, '') }]);
    const v4 = message('4');
    expect(eventReference(v4.pdu, version('4'))).toBe(v4.event.eventId);
  });
  test('v12: the room ID is "!" and the create event\'s URL-safe reference hash', () => {
    const v = version('12');
    const create = hashAndSign(
      { type: 'm.room.create', state_key: '', sender: '@alice:domain', content: { room_version: '12' }, origin_server_ts: 1, depth: 1, prev_events: [], auth_events: [], hashes: { sha256: '' }, signatures: {} },
      v,
      ORIGIN,
      KEY_ID,
      signer,
    );
    const roomId = roomIdFromCreateEvent(create.pdu, v);
    expect(roomId).toMatch(/^![A-Za-z0-9_-]{43}$/);
    expect(roomId.slice(1)).toBe(create.eventId.slice(1));
  });
});

// Server-Server API, "Checks performed on receipt of a PDU" step 1 (the event format of the room
// version: pdu_v1 … pdu_v12); Client-Server API, "Size limits"; rooms/v6 "Canonical JSON".
import { describe, expect, test } from 'bun:test';
import { canonicalJson } from '../../../../src/protocol/canonical-json.ts';
import type { PduJson } from '../../../../src/protocol/event.ts';
import { InvalidEventError, MAX_EVENT_BYTES, parseEvent } from '../../../../src/protocol/events/index.ts';
import { message, someRef, version } from './fixtures.ts';

/** The reason parseEvent gives for `json`, or 'ok'. */
function reason(json: unknown, roomVersion: string): string {
  try {
    parseEvent(json, roomVersion);
    return 'ok';
  } catch (err) {
    if (err instanceof InvalidEventError) return err.reason;
    throw err;
  }
}

const with_ = (pdu: PduJson, changes: Record<string, unknown>): Record<string, unknown> => ({ ...pdu, ...changes });
const without = (pdu: PduJson, key: string): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...pdu };
  delete copy[key];
  return copy;
};

describe('fields every PDU needs (pdu_base)', () => {
  const { pdu } = message('11');
  test('a valid event parses', () => expect(reason(pdu, '11')).toBe('ok'));
  test('not an object', () => {
    expect(reason([], '11')).toBe('event is not a JSON object');
    expect(reason(null, '11')).toBe('event is not a JSON object');
  });
  for (const field of ['type', 'sender', 'content', 'origin_server_ts', 'depth', 'hashes', 'signatures', 'room_id', 'prev_events', 'auth_events']) {
    test(`missing ${field}`, () => expect(reason(without(pdu, field), '11')).not.toBe('ok'));
  }
  test('wrong types', () => {
    expect(reason(with_(pdu, { type: 5 }), '11')).toBe('type is missing or not a string');
    expect(reason(with_(pdu, { content: [] }), '11')).toBe('content is not an object');
    expect(reason(with_(pdu, { origin_server_ts: '1' }), '11')).toBe('origin_server_ts is missing or not an integer');
    expect(reason(with_(pdu, { depth: 1.5 }), '5')).toBe('depth is missing or not an integer');
    expect(reason(with_(pdu, { depth: -1 }), '11')).toBe('depth is negative');
    expect(reason(with_(pdu, { hashes: { sha256: 1 } }), '11')).toBe('hashes.sha256 is not a string');
    expect(reason(with_(pdu, { signatures: { domain: 'x' } }), '11')).toContain('signatures must map');
    expect(reason(with_(pdu, { signatures: { domain: { 'ed25519:1': 5 } } }), '11')).toContain('signatures must map');
    expect(reason(with_(pdu, { unsigned: 'x' }), '11')).toBe('unsigned is not an object');
    expect(reason(with_(pdu, { state_key: 5 }), '11')).toBe('state_key is not a string');
  });
  test('unknown room version', () => expect(reason(pdu, '99')).toBe('unknown room version "99"'));
});

describe('"Size limits"', () => {
  const { pdu } = message('11');
  test('sender, type and state_key limits', () => {
    expect(reason(with_(pdu, { sender: `@${'a'.repeat(250)}:domain` }), '11')).toBe('sender: user ID is longer than 255 bytes');
    expect(reason(with_(pdu, { sender: 'alice' }), '11')).toBe('sender: user ID must start with "@"');
    expect(reason(with_(pdu, { type: 'x'.repeat(255) }), '11')).toBe('ok');
    expect(reason(with_(pdu, { type: 'x'.repeat(256) }), '11')).toBe('type is longer than 255 bytes');
    expect(reason(with_(pdu, { state_key: 'x'.repeat(255) }), '11')).toBe('ok');
    expect(reason(with_(pdu, { state_key: '€'.repeat(86) }), '11')).toBe('state_key is longer than 255 bytes');
  });
  test('the complete event: 65536 bytes of canonical JSON pass, 65537 do not', () => {
    const sized = (total: number) => {
      const probe = with_(pdu, { content: { pad: '' } });
      const room = total - Buffer.byteLength(canonicalJson(probe));
      return with_(pdu, { content: { pad: 'é'.repeat(Math.floor(room / 2)) + 'x'.repeat(room % 2) } });
    };
    expect(Buffer.byteLength(canonicalJson(sized(MAX_EVENT_BYTES)))).toBe(MAX_EVENT_BYTES);
    expect(reason(sized(MAX_EVENT_BYTES), '11')).toBe('ok');
    expect(reason(sized(MAX_EVENT_BYTES + 1), '11')).toBe('event is larger than 65536 bytes');
  });
  test('signatures and unsigned count towards the size', () => {
    const padded = (extra: Record<string, unknown>) => {
      const room = MAX_EVENT_BYTES - Buffer.byteLength(canonicalJson(pdu));
      return { ...pdu, ...extra, unsigned: { pad: 'x'.repeat(room) } };
    };
    expect(reason(padded({}), '11')).toBe('event is larger than 65536 bytes');
  });
});

describe('references per room version', () => {
  test('v1–v2: [event_id, hashes] pairs of `$x:server` IDs', () => {
    const { pdu } = message('1');
    expect(reason(with_(pdu, { prev_events: ['$a:domain'] }), '1')).toBe('prev_events entries must be [event_id, hashes] pairs');
    expect(reason(with_(pdu, { prev_events: [['$a:domain']] }), '1')).toBe('prev_events entries must be [event_id, hashes] pairs');
    expect(reason(with_(pdu, { prev_events: [[`$${'A'.repeat(43)}`, {}]] }), '1')).toContain('prev_events: event ID has no ":server" part');
    expect(reason(with_(pdu, { auth_events: [[5, {}]] }), '1')).toBe('auth_events holds a non-string event ID');
  });
  test('v3: standard base64 hashes; v4+: URL-safe', () => {
    const { pdu } = message('3');
    expect(reason(with_(pdu, { prev_events: [`$${'+'.repeat(43)}`] }), '3')).toBe('ok');
    expect(reason(with_(pdu, { prev_events: [`$${'-'.repeat(43)}`] }), '3')).toContain('prev_events: event ID must be');
    const v4 = message('4').pdu;
    expect(reason(with_(v4, { prev_events: [`$${'+'.repeat(43)}`] }), '4')).toContain('prev_events: event ID must be');
    expect(reason(with_(v4, { prev_events: [['$a:domain', {}]] }), '4')).toBe('prev_events holds a non-string event ID');
  });
  test('at most 20 prev_events and 10 auth_events', () => {
    const v = version('10');
    const { pdu } = message('10');
    const refs = (n: number) => Array.from({ length: n }, (_, i) => someRef(v, i % 10));
    expect(reason(with_(pdu, { prev_events: refs(20), auth_events: refs(10) }), '10')).toBe('ok');
    expect(reason(with_(pdu, { prev_events: refs(21) }), '10')).toBe('prev_events has more than 20 entries');
    expect(reason(with_(pdu, { auth_events: refs(11) }), '10')).toBe('auth_events has more than 10 entries');
  });
  test('v1–v2 need a valid event_id; later versions compute it', () => {
    const { pdu } = message('2');
    expect(reason(without(pdu, 'event_id'), '2')).toBe('event_id is missing or not a string');
    expect(reason(with_(pdu, { event_id: 'abc' }), '2')).toBe('event_id: event ID must start with "$"');
  });
});

describe('room IDs per room version', () => {
  test('v1–v11 need !opaque:domain; v12 needs the hash form', () => {
    expect(reason(with_(message('11').pdu, { room_id: `!${'A'.repeat(43)}` }), '11')).toContain('room_id');
    expect(reason(with_(message('12').pdu, { room_id: '!room:domain' }), '12')).toContain('room_id');
  });
  test('v12: only m.room.create may leave out room_id', () => {
    const { pdu } = message('12');
    expect(reason(without(pdu, 'room_id'), '12')).toBe('room_id is missing or not a string');
    const create = parseEvent(with_(without(pdu, 'room_id') as PduJson, { type: 'm.room.create', state_key: '', prev_events: [], auth_events: [] }), '12');
    expect(create.roomId).toBe(`!${create.eventId.slice(1)}`);
  });
});

describe('rooms/v6 "Canonical JSON": strict from v6, lenient before', () => {
  const v5 = message('5').pdu;
  const v6 = message('6').pdu;
  test('floats and integers beyond 2^53-1 are refused in v6+', () => {
    expect(reason(with_(v6, { content: { a: [1, 2.5] } }), '6')).toBe('event is not canonical JSON: float 2.5 is not allowed at content.a[1]');
    expect(reason(with_(v6, { depth: 2 ** 53 }), '6')).toContain('outside');
  });
  test('and accepted in v1–v5', () => {
    expect(reason(with_(v5, { content: { a: 2.5 } }), '5')).toBe('ok');
    expect(reason(with_(v5, { depth: 2 ** 60 }), '5')).toBe('ok');
  });
});

describe('the EventView', () => {
  test('v1 pairs become IDs; redacts from the top level (v1–v10) or content (v11+)', () => {
    const target = `$${'T'.repeat(43)}`;
    const v1 = parseEvent(message('1').pdu, '1');
    expect(v1.prevEventIds).toEqual(['$ev0:domain']);
    expect(v1.authEventIds).toEqual(['$ev1:domain', '$ev2:domain']);
    expect(parseEvent(with_(message('10').pdu, { redacts: target }), '10').redacts).toBe(target);
    expect(parseEvent(with_(message('11').pdu, { redacts: target }), '11').redacts).toBeUndefined();
    expect(parseEvent(with_(message('11').pdu, { content: { redacts: target } }), '11').redacts).toBe(target);
    expect(reason(with_(message('10').pdu, { redacts: 5 }), '10')).toBe('redacts is not a string');
  });
  test('fields and the exact JSON are exposed', () => {
    const { pdu } = message('11');
    const view = parseEvent(pdu, version('11'));
    expect(view).toMatchObject({ roomId: '!room:domain', roomVersion: '11', type: 'm.room.message', sender: '@alice:domain', depth: 5, stateKey: undefined });
    expect(view.json).toBe(pdu);
  });
});

// Authorisation rule 1, "If type is m.room.create", of room versions 1–12.

import { describe, expect, test } from 'bun:test';
import { checkAuth } from '../../../../src/protocol/auth/check-auth.ts';
import type { JsonObject } from '../../../../src/protocol/event.ts';
import { makeEvent, rv, testVerifier } from './fixtures.ts';

const ALL = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];
const none = () => undefined;

function createEvent(version: string, over: { content?: JsonObject; prev?: string[]; roomId?: string; sender?: string; withRoomId?: boolean } = {}) {
  const v12 = version === '12';
  return makeEvent(version, {
    eventId: '$create',
    roomId: over.roomId ?? (v12 ? '!create' : '!room:example.com'),
    type: 'm.room.create',
    stateKey: '',
    sender: over.sender ?? '@alice:example.com',
    content: over.content ?? { room_version: version, ...(Number(version) <= 10 ? { creator: '@alice:example.com' } : {}) },
    prevEventIds: over.prev ?? [],
    omitRoomIdInJson: v12 && !over.withRoomId,
  });
}

const allowed = (version: string, event: ReturnType<typeof createEvent>) => checkAuth(event, none, rv(version), testVerifier).allowed;

describe('rule 1: m.room.create', () => {
  test('a well-formed create event is allowed in every version', () => {
    for (const version of ALL) expect(allowed(version, createEvent(version))).toBe(true);
  });

  test('1.1 "If it has any prev_events, reject."', () => {
    for (const version of ALL) expect(allowed(version, createEvent(version, { prev: ['$x'] }))).toBe(false);
  });

  test('1.2 (v1–v11) "If the domain of the room_id does not match the domain of the sender, reject."', () => {
    for (const version of ALL.slice(0, 11)) {
      expect(allowed(version, createEvent(version, { roomId: '!room:other.org' }))).toBe(false);
      expect(allowed(version, createEvent(version, { roomId: '!room:example.com:8448' }))).toBe(false);
    }
  });

  test('1.2 (v12) "If the event has a room_id, reject."', () => {
    expect(allowed('12', createEvent('12', { withRoomId: true }))).toBe(false);
    // the domain rule no longer applies: v12 room IDs have no domain
    expect(allowed('12', createEvent('12', { sender: '@alice:elsewhere.org' }))).toBe(true);
  });

  test('1.3 "If content.room_version is present and is not a recognised version, reject."', () => {
    for (const version of ALL) {
      const base: JsonObject = Number(version) <= 10 ? { creator: '@alice:example.com' } : {};
      expect(allowed(version, createEvent(version, { content: { ...base, room_version: '99' } }))).toBe(false);
      expect(allowed(version, createEvent(version, { content: { ...base, room_version: 9 } }))).toBe(false);
      expect(allowed(version, createEvent(version, { content: { ...base } }))).toBe(true); // absent: version 1
    }
  });

  test('1.4 (v1–v10) "If content has no creator property, reject."; v11 dropped the rule', () => {
    for (const version of ALL.slice(0, 10)) {
      expect(allowed(version, createEvent(version, { content: { room_version: version } }))).toBe(false);
    }
    expect(allowed('11', createEvent('11', { content: { room_version: '11' } }))).toBe(true);
    expect(allowed('12', createEvent('12', { content: { room_version: '12' } }))).toBe(true);
  });

  test('1.4 (v12) additional_creators must be an array of user IDs', () => {
    const withExtra = (extra: unknown) => createEvent('12', { content: { room_version: '12', additional_creators: extra as never } });
    expect(allowed('12', withExtra(['@bob:example.com', '@carol:other.org:8448']))).toBe(true);
    expect(allowed('12', withExtra([]))).toBe(true);
    expect(allowed('12', withExtra('@bob:example.com'))).toBe(false);
    expect(allowed('12', withExtra(['bob']))).toBe(false);
    expect(allowed('12', withExtra(['@bob:example.com', 7]))).toBe(false);
    expect(allowed('12', withExtra(['@bob']))).toBe(false); // no server name
    expect(allowed('12', withExtra(['@:example.com']))).toBe(true); // historical: empty localparts are accepted
    // before v12 the field means nothing and is not checked
    expect(allowed('11', createEvent('11', { content: { room_version: '11', additional_creators: 'junk' } }))).toBe(true);
  });
});

describe('rule 1 applies by type: "If type is m.room.create"', () => {
  test('an m.room.create with another state_key that follows other events is rejected', () => {
    for (const version of ['1', '10', '12']) {
      const event = makeEvent(version, {
        eventId: '$x',
        roomId: version === '12' ? '!create' : '!room:example.com',
        type: 'm.room.create',
        stateKey: 'other',
        sender: '@alice:example.com',
        content: { creator: '@alice:example.com' },
        prevEventIds: ['$e1'],
      });
      expect(checkAuth(event, none, rv(version), testVerifier).allowed).toBe(false);
    }
  });
});

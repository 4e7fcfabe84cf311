// The redaction algorithm of each room version: content/rooms/fragments/v1-redactions.md,
// v6-redactions.md, rooms/v8.md "Redactions", v9-redactions.md, v11-redactions.md.
import { describe, expect, test } from 'bun:test';
import type { PduJson } from '../../../src/protocol/event.ts';
import { redactEvent } from '../../../src/protocol/redaction.ts';
import { ROOM_VERSIONS, roomVersion } from '../../../src/protocol/room-versions.ts';

const base = {
  event_id: '$e:h',
  room_id: '!r:h',
  sender: '@u:h',
  origin: 'h',
  origin_server_ts: 1,
  depth: 3,
  prev_events: [],
  auth_events: [],
  prev_state: [],
  membership: 'join',
  hashes: { sha256: 'x' },
  signatures: { h: { 'ed25519:1': 'y' } },
  unsigned: { age: 10 },
  redacts: '$other:h',
  extra: 'dropped',
};
const ev = (type: string, content: Record<string, unknown>, stateKey?: string): PduJson =>
  ({ ...base, type, content, ...(stateKey === undefined ? {} : { state_key: stateKey }) }) as PduJson;

const powerLevels = {
  ban: 50,
  events: { 'm.room.name': 50 },
  events_default: 0,
  invite: 0,
  kick: 50,
  notifications: { room: 50 },
  redact: 50,
  state_default: 50,
  users: { '@u:h': 100 },
  users_default: 0,
};

test('room versions map to the generation their page includes', () => {
  const generations = Object.fromEntries([...ROOM_VERSIONS.values()].map((v) => [v.id, v.redaction]));
  expect(generations).toEqual({
    1: 'v1', 2: 'v1', 3: 'v1', 4: 'v1', 5: 'v1',
    6: 'v6', 7: 'v6',
    8: 'v8',
    9: 'v9', 10: 'v9',
    11: 'v11', 12: 'v11',
  });
});

describe('v1 (rooms 1–5)', () => {
  test('top level keeps the listed keys only: unsigned, redacts and unknown keys go', () => {
    const out = redactEvent(ev('m.room.message', { body: 'hi' }), 'v1');
    expect(Object.keys(out).sort()).toEqual(
      ['auth_events', 'content', 'depth', 'event_id', 'hashes', 'membership', 'origin', 'origin_server_ts', 'prev_events', 'prev_state', 'room_id', 'sender', 'signatures', 'type'].sort(),
    );
    expect(out.content).toEqual({});
  });
  test('state_key is kept', () => {
    expect(redactEvent(ev('m.room.topic', { topic: 't' }, ''), 'v1').state_key).toBe('');
  });
  test('content keys per type', () => {
    expect(redactEvent(ev('m.room.member', { membership: 'join', displayname: 'U', join_authorised_via_users_server: '@a:h' }, '@u:h'), 'v1').content).toEqual({ membership: 'join' });
    expect(redactEvent(ev('m.room.create', { creator: '@u:h', room_version: '1', 'm.federate': false }, ''), 'v1').content).toEqual({ creator: '@u:h' });
    expect(redactEvent(ev('m.room.join_rules', { join_rule: 'restricted', allow: [] }, ''), 'v1').content).toEqual({ join_rule: 'restricted' });
    const { invite: _i, notifications: _n, ...pl } = powerLevels;
    expect(redactEvent(ev('m.room.power_levels', powerLevels, ''), 'v1').content).toEqual(pl);
    expect(redactEvent(ev('m.room.aliases', { aliases: ['#a:h'], x: 1 }, 'h'), 'v1').content).toEqual({ aliases: ['#a:h'] });
    expect(redactEvent(ev('m.room.history_visibility', { history_visibility: 'shared', x: 1 }, ''), 'v1').content).toEqual({ history_visibility: 'shared' });
  });
  test('the input is not changed', () => {
    const input = ev('m.room.member', { membership: 'join', displayname: 'U' }, '@u:h');
    redactEvent(input, 'v1');
    expect(input.content).toEqual({ membership: 'join', displayname: 'U' });
    expect(input.unsigned).toEqual({ age: 10 });
  });
});

describe('v6 (rooms 6–7): m.room.aliases loses its special case', () => {
  test('aliases content is emptied', () => {
    expect(redactEvent(ev('m.room.aliases', { aliases: ['#a:h'] }, 'h'), roomVersion('6') ?? 'v6').content).toEqual({});
    expect(redactEvent(ev('m.room.aliases', { aliases: ['#a:h'] }, 'h'), 'v1').content).toEqual({ aliases: ['#a:h'] });
  });
});

describe('v8 (room 8): join_rules keeps allow', () => {
  test('allow kept, but member still drops join_authorised_via_users_server', () => {
    expect(redactEvent(ev('m.room.join_rules', { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: '!a:h' }], x: 1 }, ''), 'v8').content)
      .toEqual({ join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: '!a:h' }] });
    expect(redactEvent(ev('m.room.member', { membership: 'join', join_authorised_via_users_server: '@a:h' }, '@u:h'), 'v8').content).toEqual({ membership: 'join' });
  });
});

describe('v9 (rooms 9–10): member keeps join_authorised_via_users_server', () => {
  test('kept alongside membership', () => {
    const content = { membership: 'join', join_authorised_via_users_server: '@a:h', displayname: 'x' };
    expect(redactEvent(ev('m.room.member', content, '@u:h'), roomVersion('10') ?? 'v9').content).toEqual({ membership: 'join', join_authorised_via_users_server: '@a:h' });
  });
});

describe('v11 (rooms 11–12)', () => {
  test('top-level origin, membership and prev_state are no longer kept', () => {
    const out = redactEvent(ev('m.room.message', { body: 'x' }), 'v11');
    expect(Object.keys(out).sort()).toEqual(
      ['auth_events', 'content', 'depth', 'event_id', 'hashes', 'origin_server_ts', 'prev_events', 'room_id', 'sender', 'signatures', 'type'].sort(),
    );
  });
  test('m.room.create keeps all of its content', () => {
    const content = { room_version: '11', 'm.federate': false, predecessor: { room_id: '!o:h' }, additional_creators: ['@b:h'] };
    expect(redactEvent(ev('m.room.create', content, ''), 'v11').content).toEqual(content);
  });
  test('m.room.power_levels also keeps invite', () => {
    const { notifications: _n, ...pl } = powerLevels;
    expect(redactEvent(ev('m.room.power_levels', powerLevels, ''), 'v11').content).toEqual(pl);
  });
  test('m.room.redaction keeps content.redacts', () => {
    expect(redactEvent(ev('m.room.redaction', { redacts: '$x', reason: 'spam' }), 'v11').content).toEqual({ redacts: '$x' });
    expect(redactEvent(ev('m.room.redaction', { redacts: '$x', reason: 'spam' }), 'v9').content).toEqual({});
  });
  test('m.room.member keeps only the signed part of third_party_invite', () => {
    const signed = { mxid: '@u:h', token: 't', signatures: { 'id.h': { 'ed25519:0': 's' } } };
    const content = { membership: 'invite', third_party_invite: { display_name: 'U', signed }, join_authorised_via_users_server: '@a:h', avatar_url: 'mxc://h/a' };
    expect(redactEvent(ev('m.room.member', content, '@u:h'), 'v11').content).toEqual({
      membership: 'invite',
      join_authorised_via_users_server: '@a:h',
      third_party_invite: { signed },
    });
    expect(redactEvent(ev('m.room.member', content, '@u:h'), 'v9').content).toEqual({ membership: 'invite', join_authorised_via_users_server: '@a:h' });
    expect(redactEvent(ev('m.room.member', { membership: 'invite', third_party_invite: { display_name: 'U' } }, '@u:h'), 'v11').content).toEqual({ membership: 'invite', third_party_invite: {} });
    expect(redactEvent(ev('m.room.member', { membership: 'invite', third_party_invite: 'junk' }, '@u:h'), 'v11').content).toEqual({ membership: 'invite' });
  });
  test('a content key that merely shares a name with a prototype property is not kept', () => {
    expect(redactEvent(ev('toString', { a: 1 }), 'v11').content).toEqual({});
  });
});

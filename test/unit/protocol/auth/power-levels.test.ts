// Power levels: Client-Server API "m.room.power_levels" (defaults), Server-Server API
// "Definitions" (invite/kick/ban/redact levels), room versions v1 "m.room.power_levels events
// accept values as strings" / "... as floats", v10 "Values in m.room.power_levels events must be
// integers", v12 room creators.

import { describe, expect, test } from 'bun:test';
import {
  namedLevel,
  notificationLevel,
  parsePowerLevelsContent,
  parsePowerLevelValue,
  roomCreators,
  roomPowerLevels,
  sendLevel,
  userLevel,
} from '../../../../src/protocol/power-levels.ts';
import { makeEvent, rv } from './fixtures.ts';

const create = (version: string, content: Record<string, unknown> = {}, sender = '@alice:example.com') =>
  makeEvent(version, { eventId: '$create', type: 'm.room.create', stateKey: '', sender, content: content as never });
const pl = (version: string, content: Record<string, unknown>) =>
  makeEvent(version, { eventId: '$pl', type: 'm.room.power_levels', stateKey: '', sender: '@alice:example.com', content: content as never });

describe('parsePowerLevelValue per room version', () => {
  test('v1 "accept values as strings": sign, leading zeroes, surrounding whitespace', () => {
    for (const [raw, value] of [['100', 100], ['000100', 100], ['+100', 100], ['-100', -100], [' 100 ', 100], [' 00100 ', 100], [' +100 ', 100], [' -100 ', -100]] as const) {
      expect(parsePowerLevelValue(raw, rv('1'))).toBe(value);
    }
    for (const raw of ['50.5', '1e3', '', ' ', '+-1', '0x10', 'ten']) expect(parsePowerLevelValue(raw, rv('1'))).toBeUndefined();
  });

  test('v1–v5 "accept values as floats": truncated at the decimal point; Infinity and NaN rejected', () => {
    expect(parsePowerLevelValue(50.57, rv('5'))).toBe(50);
    expect(parsePowerLevelValue(5.114698e4, rv('1'))).toBe(51146);
    expect(parsePowerLevelValue(-1.5, rv('3'))).toBe(-1);
    expect(parsePowerLevelValue(Infinity, rv('1'))).toBeUndefined();
    expect(parsePowerLevelValue(Number.NaN, rv('1'))).toBeUndefined();
  });

  test('v6–v9: strings still accepted, floats are not (canonical JSON)', () => {
    expect(parsePowerLevelValue('50', rv('9'))).toBe(50);
    expect(parsePowerLevelValue(50.5, rv('6'))).toBeUndefined();
  });

  test('v10+ "power levels MUST NOT be represented as strings"', () => {
    for (const version of ['10', '11', '12']) {
      expect(parsePowerLevelValue('50', rv(version))).toBeUndefined();
      expect(parsePowerLevelValue(50, rv(version))).toBe(50);
      expect(parsePowerLevelValue(null, rv(version))).toBeUndefined();
      expect(parsePowerLevelValue(true, rv(version))).toBeUndefined();
    }
  });
});

describe('parsePowerLevelsContent', () => {
  test('absent properties stay absent (rule "added, changed or removed" compares presence)', () => {
    const parsed = parsePowerLevelsContent({ ban: 60 }, rv('10'));
    expect(parsed.ok && parsed.content.levels).toEqual({ ban: 60 });
  });

  test('v10 rules 9.1–9.3: non-integer levels, non-object events, invalid users keys are rejected', () => {
    expect(parsePowerLevelsContent({ kick: '50' }, rv('10')).ok).toBe(false);
    expect(parsePowerLevelsContent({ events: [] }, rv('10')).ok).toBe(false);
    expect(parsePowerLevelsContent({ notifications: { room: '50' } }, rv('10')).ok).toBe(false);
    expect(parsePowerLevelsContent({ users: { alice: 50 } }, rv('10')).ok).toBe(false);
    expect(parsePowerLevelsContent({ users: { '@alice:example.com': 50 } }, rv('10')).ok).toBe(true);
  });

  test('v1 rule 10.1: users values may be integer strings', () => {
    const parsed = parsePowerLevelsContent({ users: { '@a:x.org': '75' } }, rv('1'));
    expect(parsed.ok && parsed.content.users.get('@a:x.org')).toBe(75);
  });

  test('lenient parse (events already in the room) skips malformed values', () => {
    const parsed = parsePowerLevelsContent({ ban: 'x', kick: 10, users: { '@a:x.org': 'y', '@b:x.org': 5 } }, rv('10'), false);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.content.levels).toEqual({ kick: 10 });
    expect([...parsed.content.users]).toEqual([['@b:x.org', 5]]);
  });

  test('v1–v5 do not check notifications (added to the rules in v6)', () => {
    expect(parsePowerLevelsContent({ notifications: { room: 'loud' } }, rv('5')).ok).toBe(true);
    expect(parsePowerLevelsContent({ notifications: { room: 'loud' } }, rv('6')).ok).toBe(false);
  });
});

describe('defaults (Client-Server API, m.room.power_levels; Server-Server API, "Definitions")', () => {
  test('no power levels event: the creator has 100 and everyone else 0 (v1–v11)', () => {
    for (const version of ['1', '6', '10']) {
      const levels = roomPowerLevels(undefined, create(version, { creator: '@alice:example.com' }), rv(version));
      expect(userLevel(levels, '@alice:example.com')).toBe(100);
      expect(userLevel(levels, '@bob:example.com')).toBe(0);
    }
    const v11 = roomPowerLevels(undefined, create('11'), rv('11'));
    expect(userLevel(v11, '@alice:example.com')).toBe(100);
  });

  test('v1–v10 name the creator in content.creator, not the sender', () => {
    const levels = roomPowerLevels(undefined, create('10', { creator: '@carol:example.com' }), rv('10'));
    expect(userLevel(levels, '@alice:example.com')).toBe(0);
    expect(userLevel(levels, '@carol:example.com')).toBe(100);
  });

  test('levels default: state_default 50, events_default 0, ban/kick/redact 50, invite 0, users_default 0', () => {
    for (const plEvent of [undefined, pl('10', {})]) {
      const levels = roomPowerLevels(plEvent, create('10', { creator: '@alice:example.com' }), rv('10'));
      expect(sendLevel(levels, 'm.room.topic', true)).toBe(50);
      expect(sendLevel(levels, 'm.room.message', false)).toBe(0);
      expect([namedLevel(levels, 'ban'), namedLevel(levels, 'kick'), namedLevel(levels, 'redact'), namedLevel(levels, 'invite')]).toEqual([50, 50, 50, 0]);
      expect(notificationLevel(levels, 'room')).toBe(50);
    }
    const levels = roomPowerLevels(pl('10', {}), create('10', { creator: '@alice:example.com' }), rv('10'));
    expect(userLevel(levels, '@alice:example.com')).toBe(0); // the event is there: no creator bonus
  });

  test('events overrides the defaults; users_default applies to unlisted users', () => {
    const levels = roomPowerLevels(
      pl('10', { events: { 'm.room.topic': 10, 'm.reaction': 5 }, events_default: 1, state_default: 60, users_default: 3, users: { '@bob:example.com': 70 } }),
      create('10'),
      rv('10'),
    );
    expect(sendLevel(levels, 'm.room.topic', true)).toBe(10);
    expect(sendLevel(levels, 'm.reaction', false)).toBe(5);
    expect(sendLevel(levels, 'm.room.name', true)).toBe(60);
    expect(sendLevel(levels, 'm.room.message', false)).toBe(1);
    expect(userLevel(levels, '@bob:example.com')).toBe(70);
    expect(userLevel(levels, '@zed:example.com')).toBe(3);
  });
});

describe('v12 room creators ("The power level of room creators is infinitely high")', () => {
  const v12Create = create('12', { additional_creators: ['@bob:example.com'] });

  test('creators are the sender of m.room.create plus additional_creators', () => {
    expect([...roomCreators(v12Create, rv('12'))].sort()).toEqual(['@alice:example.com', '@bob:example.com']);
    // additional_creators means nothing before v12
    expect([...roomCreators(create('11', { additional_creators: ['@bob:example.com'] }), rv('11'))]).toEqual(['@alice:example.com']);
  });

  test('creators have Infinity with or without a power levels event; others follow it', () => {
    for (const plEvent of [undefined, pl('12', { users: { '@carol:example.com': 100 }, users_default: 5 })]) {
      const levels = roomPowerLevels(plEvent, v12Create, rv('12'));
      expect(userLevel(levels, '@alice:example.com')).toBe(Infinity);
      expect(userLevel(levels, '@bob:example.com')).toBe(Infinity);
    }
    expect(userLevel(roomPowerLevels(undefined, v12Create, rv('12')), '@carol:example.com')).toBe(0);
    expect(userLevel(roomPowerLevels(pl('12', { users: { '@carol:example.com': 100 } }), v12Create, rv('12')), '@carol:example.com')).toBe(100);
  });

  test('in v11 the creator is an ordinary user once power levels exist', () => {
    const levels = roomPowerLevels(pl('11', { users: {} }), create('11'), rv('11'));
    expect(userLevel(levels, '@alice:example.com')).toBe(0);
  });
});

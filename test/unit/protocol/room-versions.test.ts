// Room Versions (content/rooms/_index.md and each rooms/vN.md): the table of rules that differ.
import { expect, test } from 'bun:test';
import { DEFAULT_ROOM_VERSION, ROOM_VERSIONS, roomVersion } from '../../../src/protocol/room-versions.ts';

const column = <K extends keyof NonNullable<ReturnType<typeof roomVersion>>>(key: K) =>
  [...ROOM_VERSIONS.values()].map((v) => v[key]);

test('versions 1–12 exist, all **Stable**; "Servers SHOULD use room version 12 as the default"', () => {
  expect([...ROOM_VERSIONS.keys()]).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
  expect(column('stable').every(Boolean)).toBe(true);
  expect(DEFAULT_ROOM_VERSION).toBe('12');
  expect(roomVersion('13')).toBeUndefined();
});

test('event IDs: v1–v2 chosen by the origin, v3 base64 reference hash, v4+ URL-safe (rooms/v3, v4 "Event IDs")', () => {
  expect(column('eventIdFormat')).toEqual(['server', 'server', 'base64', ...Array(9).fill('urlsafe')]);
});

test('state resolution: v1 for room 1, v2 for 2–11, v2.1 for 12 (rooms/v2, rooms/v12)', () => {
  expect(column('stateRes')).toEqual(['v1', ...Array(10).fill('v2'), 'v2.1']);
});

test('v5 "Signing key validity period" and v6 "Canonical JSON" apply from then on', () => {
  expect(column('enforceKeyValidity')).toEqual([false, false, false, false, ...Array(8).fill(true)]);
  expect(column('strictCanonicalJson')).toEqual([...Array(5).fill(false), ...Array(7).fill(true)]);
});

test('feature flags switch on at the version that introduced them', () => {
  const from = (n: number) => Array.from({ length: 12 }, (_, i) => i + 1 >= n);
  expect(column('knocking')).toEqual(from(7));
  expect(column('restrictedJoins')).toEqual(from(8));
  expect(column('knockRestricted')).toEqual(from(10));
  expect(column('integerPowerLevels')).toEqual(from(10));
  expect(column('creatorIsSender')).toEqual(from(11));
  expect(column('redactsInContent')).toEqual(from(11));
  expect(column('roomIdFromCreateEvent')).toEqual(from(12));
  expect(column('privilegedCreators')).toEqual(from(12));
  expect(column('notificationsPowerLevels')).toEqual(from(6));
  expect(column('specialAliasesAuth')).toEqual(from(6).map((x) => !x));
  expect(column('redactionAuthRule')).toEqual(from(3).map((x) => !x));
});

// The pure parts of the sync API: sync and topological tokens (Client-Server API, "Syncing":
// `since`/`next_batch`), filters (Client-Server API, "Filtering": validation, `*` wildcards,
// event_fields), history visibility rules ("Room History Visibility", "Server behaviour"), the
// notifier that wakes long-polls, and the in-memory typing state ("Typing Notifications").
import { describe, expect, test } from 'bun:test';
import { MatrixError } from '../../../src/http/errors.ts';
import { deviceListPositionOf } from '../../../src/syncapi/api.ts';
import type { MembershipRow } from '../../../src/syncapi/storage/memberships.ts';
import type { EventRow } from '../../../src/syncapi/storage/output-room-events.ts';
import { eventMatches, parseFilter } from '../../../src/syncapi/sync/filter.ts';
import { project, splitField } from '../../../src/syncapi/sync/format.ts';
import { Notifier } from '../../../src/syncapi/sync/notifier.ts';
import { formatSyncToken, formatTopoToken, parseRoomToken, parseSyncToken, zeroToken } from '../../../src/syncapi/sync/token.ts';
import { TypingState } from '../../../src/syncapi/sync/typing-state.ts';
import { canSee, moreOpen } from '../../../src/syncapi/sync/visibility.ts';

describe('tokens', () => {
  test('a sync token round-trips, and a shorter (older) token reads missing positions as 0', () => {
    const t = { ...zeroToken(), pdu: 12, typing: 1795000000000, receipt: 3, toDevice: 9, presence: 4 };
    expect(parseSyncToken(formatSyncToken(t))).toEqual(t);
    expect(parseSyncToken('s5_6_7')).toEqual({ ...zeroToken(), pdu: 5, typing: 6, receipt: 7 });
  });

  test('malformed tokens are M_INVALID_PARAM', () => {
    for (const bad of ['x1', 's1_a', 's' + '1_'.repeat(12) + '1', 's-1', '']) {
      expect(() => parseSyncToken(bad)).toThrow(MatrixError);
    }
    expect(() => parseRoomToken('t1')).toThrow(MatrixError);
  });

  test('room tokens: topological points and sync positions', () => {
    expect(parseRoomToken(formatTopoToken({ depth: 7, pos: 42 }))).toEqual({ kind: 'topo', topo: { depth: 7, pos: 42 } });
    expect(parseRoomToken('s99_1_2')).toEqual({ kind: 'stream', pdu: 99 });
  });
});

describe('filters', () => {
  test('booleans must be booleans and limits integers (M_BAD_JSON)', () => {
    expect(() => parseFilter({ room: { state: { lazy_load_members: 'true' } } })).toThrow(MatrixError);
    expect(() => parseFilter({ room: { timeline: { limit: 'ten' } } })).toThrow(MatrixError);
    expect(() => parseFilter({ event_format: 'xml' })).toThrow(MatrixError);
    expect(parseFilter({ room: { timeline: { limit: 10 } } }).room.timeline.limit).toBe(10);
  });

  test('types and not_types with `*` wildcards, senders, rooms, contains_url', () => {
    const f = parseFilter({ room: { timeline: { types: ['m.room.*', 'x.exact'], not_types: ['m.room.member'], not_senders: ['@bad:x'] } } }).room.timeline;
    expect(eventMatches(f, { type: 'm.room.message', sender: '@a:x' })).toBe(true);
    expect(eventMatches(f, { type: 'x.exact', sender: '@a:x' })).toBe(true);
    expect(eventMatches(f, { type: 'x.exactly', sender: '@a:x' })).toBe(false);
    expect(eventMatches(f, { type: 'm.room.member', sender: '@a:x' })).toBe(false);
    expect(eventMatches(f, { type: 'm.room.message', sender: '@bad:x' })).toBe(false);
    const urls = parseFilter({ room: { timeline: { contains_url: true, rooms: ['!a:x'] } } }).room.timeline;
    expect(eventMatches(urls, { type: 't', sender: 's', roomId: '!a:x', containsUrl: true })).toBe(true);
    expect(eventMatches(urls, { type: 't', sender: 's', roomId: '!a:x', containsUrl: false })).toBe(false);
    expect(eventMatches(urls, { type: 't', sender: 's', roomId: '!b:x', containsUrl: true })).toBe(false);
  });

  test('event_fields keeps the listed paths, with \\. escaping a dot', () => {
    expect(splitField('content.m\\.relates_to.rel_type')).toEqual(['content', 'm.relates_to', 'rel_type']);
    const ev = { type: 't', sender: 's', content: { body: 'b', 'm.relates_to': { rel_type: 'r' }, other: 1 } };
    expect(project(ev, ['type', 'content.body', 'content.m\\.relates_to.rel_type', 'missing.x'])).toEqual({
      type: 't',
      content: { body: 'b', 'm.relates_to': { rel_type: 'r' } },
    });
  });
});

describe('history visibility', () => {
  const me = '@me:x';
  const ev = (pos: number, historyVisibility: string, extra: Partial<EventRow> = {}): EventRow => ({
    pos,
    roomId: '!r:x',
    nid: pos,
    eventId: `$${pos}`,
    type: 'm.room.message',
    sender: '@other:x',
    stateKey: null,
    depth: pos,
    historyVisibility,
    containsUrl: false,
    relType: null,
    relatesTo: null,
    txnDeviceId: null,
    txnId: null,
    replacesNid: null,
    ...extra,
  });
  const m = (pos: number, membership: string): MembershipRow => ({ roomId: '!r:x', userId: me, pos, membership, nid: pos, eventId: `$${pos}`, sender: me });
  const invitedThenJoined = [m(10, 'invite'), m(20, 'join')];

  test('shared: everything, for someone who joins later; nothing for who never joins', () => {
    expect(canSee(me, ev(5, 'shared'), invitedThenJoined)).toBe(true);
    expect(canSee(me, ev(5, 'shared'), [])).toBe(false);
  });
  test('invited: from the invite on; joined: from the join on; after leaving: nothing new', () => {
    expect(canSee(me, ev(5, 'invited'), invitedThenJoined)).toBe(false);
    expect(canSee(me, ev(15, 'invited'), invitedThenJoined)).toBe(true);
    expect(canSee(me, ev(15, 'joined'), invitedThenJoined)).toBe(false);
    expect(canSee(me, ev(25, 'joined'), invitedThenJoined)).toBe(true);
    expect(canSee(me, ev(35, 'shared'), [...invitedThenJoined, m(30, 'leave')])).toBe(false);
  });
  test('world_readable: anyone; own membership events: on the membership before or after', () => {
    expect(canSee(me, ev(5, 'world_readable'), [])).toBe(true);
    expect(canSee(me, ev(20, 'joined', { type: 'm.room.member', stateKey: me }), invitedThenJoined)).toBe(true);
    expect(moreOpen('joined', 'world_readable')).toBe('world_readable');
    expect(moreOpen('bogus', 'joined')).toBe('shared');
  });
});

describe('notifier', () => {
  test('a waiter wakes on its user, not on others; a wake between version() and wait() is not lost', async () => {
    const n = new Notifier();
    n.addRoomMember('!r', '@a');
    const v = n.version('@a');
    const vb = n.version('@b');
    const waiting = n.wait('@a', v, 5000);
    const other = n.wait('@b', vb, 50);
    n.wakeRoom('!r');
    expect(await waiting).toBe(true);
    expect(await other).toBe(false);
    const v2 = n.version('@a');
    n.wakeUsers(['@a']);
    expect(await n.wait('@a', v2, 5000)).toBe(true);
  });

  test('1,000 waiting requests cost memory, not CPU, and all wake at once', async () => {
    const n = new Notifier();
    const users = Array.from({ length: 1000 }, (_, i) => `@u${i}`);
    for (const u of users) n.addRoomMember('!big', u);
    const waits = users.map((u) => n.wait(u, n.version(u), 60_000));
    expect(n.waiting()).toBe(1000);
    const cpu = process.cpuUsage();
    await Bun.sleep(200);
    const used = process.cpuUsage(cpu);
    // Idle waiting: well under 20 ms of CPU in 200 ms (no polling loop).
    expect((used.user + used.system) / 1000).toBeLessThan(20);
    n.wakeRoom('!big');
    expect((await Promise.all(waits)).every(Boolean)).toBe(true);
    expect(n.waiting()).toBe(0);
  });

  test('an aborted request stops waiting', async () => {
    const n = new Notifier();
    const ac = new AbortController();
    const w = n.wait('@a', n.version('@a'), 60_000, ac.signal);
    ac.abort();
    expect(await w).toBe(false);
    expect(n.waiting()).toBe(0);
  });
});

describe('typing state', () => {
  test('start, renew (no change), stop, and time out, each change at a new position', async () => {
    const changes: [string, number][] = [];
    const t = new TypingState((room, pos) => changes.push([room, pos]), 1000);
    expect(t.set('!r', '@a', true, 50)).toBe(true);
    expect(t.set('!r', '@a', true, 50)).toBe(false);
    expect(t.typingUsers('!r')).toEqual(['@a']);
    expect(t.set('!r', '@b', true, 10_000)).toBe(true);
    expect(t.set('!r', '@b', false, 0)).toBe(true);
    await Bun.sleep(120);
    expect(t.typingUsers('!r')).toEqual([]);
    expect(changes.map(([, p]) => p)).toEqual([1001, 1002, 1003, 1004]);
    expect(t.roomPosition('!r')).toBe(1004);
    t.close();
  });
});

describe('deviceListPositionOf (for GET /keys/changes)', () => {
  test('reads the device-list slot of a sync token; anything else is not a sync token', () => {
    expect(deviceListPositionOf(formatSyncToken({ ...zeroToken(), deviceList: 17, pdu: 3 }))).toBe(17);
    expect(deviceListPositionOf('s5_6')).toBe(0);
    expect(deviceListPositionOf('17')).toBeUndefined();
    expect(deviceListPositionOf('t1_2')).toBeUndefined();
  });
});

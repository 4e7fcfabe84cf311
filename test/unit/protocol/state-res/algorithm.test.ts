// The parts of state resolution v2/v2.1 on small hand-built auth DAGs (rooms/v2 and rooms/v12
// "Definitions"): auth difference, conflicted state subgraph, reverse topological power ordering,
// mainline ordering, and iterative auth checks with rejected auth events.

import { describe, expect, test } from 'bun:test';
import { stateKeyOf, type EventView, type JsonObject } from '../../../../src/protocol/event.ts';
import { authChainDifference, conflictedStateSubgraph } from '../../../../src/protocol/state-res/auth-difference.ts';
import { iterativeAuthChecks } from '../../../../src/protocol/state-res/iterative-auth.ts';
import { mainlineSort } from '../../../../src/protocol/state-res/mainline.ts';
import { reverseTopologicalPowerSort } from '../../../../src/protocol/state-res/power-sort.ts';
import { isPowerEvent } from '../../../../src/protocol/state-res/v2.ts';
import { makeEvent, rv, testVerifier } from '../auth/fixtures.ts';

const alice = '@alice:example.com';
const bob = '@bob:example.com';

/** A tiny event store; `e(id, fields)` adds a v10 event in !room:example.com. */
function store(version = '10') {
  const events = new Map<string, EventView>();
  const e = (id: string, f: { type?: string; stateKey?: string; sender?: string; content?: JsonObject; auth?: string[]; ts?: number }) => {
    const event = makeEvent(version, {
      eventId: id,
      type: f.type ?? 'm.room.topic',
      stateKey: f.stateKey ?? '',
      sender: f.sender ?? alice,
      content: f.content ?? {},
      authEventIds: f.auth ?? [],
      originServerTs: f.ts ?? 0,
    });
    events.set(id, event);
    return event;
  };
  return { events, e, get: (id: string) => events.get(id) };
}

describe('"Auth difference": ∪C_i − ∩C_i', () => {
  test('events reachable from only some state sets; shared history is excluded', () => {
    const { e, get } = store();
    e('$c', { type: 'm.room.create', content: { creator: alice } });
    e('$m', { type: 'm.room.member', stateKey: alice, auth: ['$c'], content: { membership: 'join' } });
    e('$p0', { type: 'm.room.power_levels', auth: ['$c', '$m'] });
    e('$p1', { type: 'm.room.power_levels', auth: ['$c', '$m', '$p0'] });
    e('$t', { auth: ['$c', '$m', '$p1'] });
    const s1 = new Map([['k1', '$c'], ['k2', '$p0']]);
    const s2 = new Map([['k1', '$c'], ['k2', '$t']]);
    // C1 = {c, p0, m}; C2 = {c, t, p1, p0, m}: the difference is {t, p1}
    expect([...authChainDifference([s1, s2], get, rv('10'))].sort()).toEqual(['$p1', '$t']);
    expect(authChainDifference([s1, s1], get, rv('10')).size).toBe(0);
  });
});

describe('"Conflicted state subgraph" (v2.1): all auth paths between conflicted events', () => {
  const { e, get } = store('12');
  e('$c', { type: 'm.room.create' });
  e('$p0', { type: 'm.room.power_levels', auth: ['$c'] });
  e('$p1', { type: 'm.room.power_levels', auth: ['$c', '$p0'] });
  e('$p2', { type: 'm.room.power_levels', auth: ['$c', '$p1'] });
  e('$j', { type: 'm.room.join_rules', auth: ['$c'] });
  e('$m', { type: 'm.room.member', stateKey: bob, sender: bob, auth: ['$c', '$p2', '$j'] });

  test('the events between two conflicted events are included, side branches are not', () => {
    expect([...conflictedStateSubgraph(new Set(['$p0', '$m']), get, rv('12'))].sort()).toEqual(['$m', '$p0', '$p1', '$p2']);
  });

  test('conflicted events with no path between them are just themselves', () => {
    expect([...conflictedStateSubgraph(new Set(['$j', '$p1']), get, rv('12'))].sort()).toEqual(['$j', '$p1']);
  });
});

describe('"Reverse topological power ordering"', () => {
  test('auth events come first; among ready events: higher sender power, then earlier ts, then smaller event_id', () => {
    const { e, get } = store();
    e('$c', { type: 'm.room.create', content: { creator: alice }, ts: 0 });
    e('$pl', { type: 'm.room.power_levels', content: { users: { [alice]: 100, [bob]: 50 } }, auth: ['$c'], ts: 1 });
    e('$y', { type: 'm.room.join_rules', sender: bob, auth: ['$c', '$pl'], ts: 1 });
    e('$x', { type: 'm.room.join_rules', sender: alice, auth: ['$c', '$pl'], ts: 5 });
    e('$z', { type: 'm.room.power_levels', sender: alice, auth: ['$c', '$pl', '$y'], ts: 0 });
    e('$w2', { type: 'm.room.join_rules', sender: bob, auth: ['$c', '$pl'], ts: 7 });
    e('$w1', { type: 'm.room.join_rules', sender: bob, auth: ['$c', '$pl'], ts: 7 });
    const full = new Set(['$x', '$y', '$z', '$w1', '$w2']);
    // $z (alice, ts 0) must wait for $y; $w1 < $w2 by event_id at equal power and ts
    expect(reverseTopologicalPowerSort(full, full, get, rv('10'))).toEqual(['$x', '$y', '$z', '$w1', '$w2']);
  });

  test('v12: a creator sorts before a user at the highest integer level (v11: by the levels alone)', () => {
    for (const [version, expected] of [['12', ['$a', '$b']], ['11', ['$b', '$a']]] as const) {
      const { e, get } = store(version);
      // In v12 the create event is implied by the room ID (!room:example.com → $room:example.com).
      e('$room:example.com', { type: 'm.room.create', sender: alice, ts: 0 });
      const implicitCreate = version === '12' ? [] : ['$room:example.com'];
      e('$pl', { type: 'm.room.power_levels', content: { users: { [bob]: 9007199254740991 } }, auth: implicitCreate, ts: 1 });
      e('$b', { type: 'm.room.join_rules', sender: bob, auth: [...implicitCreate, '$pl'], ts: 1 });
      e('$a', { type: 'm.room.join_rules', sender: alice, auth: [...implicitCreate, '$pl'], ts: 9 });
      const full = new Set(['$a', '$b']);
      expect(reverseTopologicalPowerSort(full, full, get, rv(version))).toEqual([...expected]);
    }
  });
});

describe('"Mainline ordering"', () => {
  test('greater mainline position first (∞ for none), then origin_server_ts, then event_id', () => {
    const { e, get } = store();
    e('$p0', { type: 'm.room.power_levels' });
    e('$p1', { type: 'm.room.power_levels', auth: ['$p0'] });
    e('$p2', { type: 'm.room.power_levels', auth: ['$p1'] });
    e('$q', { type: 'm.room.power_levels', auth: ['$p0'] }); // a side branch joining at P2 = $p0
    e('$e1', { auth: ['$p0'], ts: 5 });
    e('$e2', { auth: ['$p2'], ts: 1 });
    e('$e3', { auth: ['$p1'], ts: 1 });
    e('$e4', { auth: [], ts: 99 });
    e('$e5', { auth: ['$q'], ts: 4 });
    e('$e6', { auth: ['$q'], ts: 4 });
    const sorted = mainlineSort(['$e1', '$e2', '$e3', '$e4', '$e5', '$e6'], '$p2', get, rv('10'));
    expect(sorted).toEqual(['$e4', '$e5', '$e6', '$e1', '$e3', '$e2']);
  });

  test('without a power levels event every position is ∞: origin_server_ts order', () => {
    const { e, get } = store();
    e('$a', { ts: 3 });
    e('$b', { ts: 1 });
    expect(mainlineSort(['$a', '$b'], undefined, get, rv('10'))).toEqual(['$b', '$a']);
  });
});

describe('power events', () => {
  test('power levels, join rules, kicks and bans (not self-leaves), and the create event', () => {
    const ev = (type: string, sender: string, stateKey: string, content: JsonObject = {}) =>
      makeEvent('10', { eventId: '$x', type, sender, stateKey, content });
    expect(isPowerEvent(ev('m.room.power_levels', alice, ''))).toBe(true);
    expect(isPowerEvent(ev('m.room.join_rules', alice, ''))).toBe(true);
    expect(isPowerEvent(ev('m.room.member', alice, bob, { membership: 'ban' }))).toBe(true);
    expect(isPowerEvent(ev('m.room.member', alice, bob, { membership: 'leave' }))).toBe(true);
    expect(isPowerEvent(ev('m.room.member', bob, bob, { membership: 'leave' }))).toBe(false);
    expect(isPowerEvent(ev('m.room.member', alice, bob, { membership: 'invite' }))).toBe(false);
    expect(isPowerEvent(ev('m.room.topic', alice, ''))).toBe(false);
    expect(isPowerEvent(ev('m.room.create', alice, ''))).toBe(true);
  });
});

describe('"Iterative auth checks": missing keys come from the event\'s auth events, unless rejected', () => {
  test('a rejected auth event is not used', () => {
    const { e, get } = store();
    e('$c', { type: 'm.room.create', content: { creator: alice } });
    e('$m', { type: 'm.room.member', stateKey: alice, auth: ['$c'], content: { membership: 'join' } });
    e('$t', { auth: ['$c', '$m'] });
    const opts = { roomVersion: rv('10'), getEvent: get, verifier: testVerifier };
    const start = () => new Map([[stateKeyOf('m.room.create', ''), '$c']]);
    expect(iterativeAuthChecks(['$t'], start(), opts).get(stateKeyOf('m.room.topic', ''))).toBe('$t');
    const rejected = iterativeAuthChecks(['$t'], start(), { ...opts, isRejected: (id) => id === '$m' });
    expect(rejected.get(stateKeyOf('m.room.topic', ''))).toBeUndefined();
  });

  test('the state wins over the auth events when it has the key', () => {
    const { e, get } = store();
    e('$c', { type: 'm.room.create', content: { creator: alice } });
    e('$m', { type: 'm.room.member', stateKey: alice, auth: ['$c'], content: { membership: 'join' } });
    e('$left', { type: 'm.room.member', stateKey: alice, auth: ['$c', '$m'], content: { membership: 'leave' } });
    e('$t', { auth: ['$c', '$m'] });
    const state = new Map([[stateKeyOf('m.room.create', ''), '$c'], [stateKeyOf('m.room.member', alice), '$left']]);
    const out = iterativeAuthChecks(['$t'], state, { roomVersion: rv('10'), getEvent: get, verifier: testVerifier });
    expect(out.get(stateKeyOf('m.room.topic', ''))).toBeUndefined();
  });
});

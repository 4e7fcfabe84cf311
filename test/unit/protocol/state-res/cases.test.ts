// State resolution across forks, written from the spec text (rooms/v2 "State resolution",
// rooms/v12 "State resolution"): power level ties, ban vs join races, restricted joins, knocks,
// third-party invites, conflicting ordinary state, and a v12 creator who cannot be demoted.

import { describe, expect, test } from 'bun:test';
import { stateKeyOf, type JsonObject } from '../../../../src/protocol/event.ts';
import { resolveState } from '../../../../src/protocol/state-res/index.ts';
import { TestRoom, testVerifier } from '../auth/fixtures.ts';

const V2_PLUS = ['2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];
const alice = '@alice:example.com';
const bob = '@bob:example.com';
const carol = '@carol:example.com';

function resolve(...forks: TestRoom[]): Map<string, string> {
  const r = forks[0]!;
  return resolveState(forks.map((f) => f.state), { roomVersion: r.rv, getEvent: r.getEvent, verifier: testVerifier });
}
const at = (state: Map<string, string>, type: string, stateKey = '') => state.get(stateKeyOf(type, stateKey));

/** alice (admin; the creator in v12) and bob (given level), public unless told, bob joined. */
function room(version: string, opts: { bob?: number; joinRule?: string; levels?: JsonObject } = {}) {
  const r = new TestRoom(version, alice);
  r.join(alice);
  const users: JsonObject = version === '12' ? {} : { [alice]: 100 };
  r.stateEvent(alice, 'm.room.power_levels', { users: { ...users, [bob]: opts.bob ?? 50 }, ...opts.levels });
  r.stateEvent(alice, 'm.room.join_rules', { join_rule: opts.joinRule ?? 'public' });
  if (opts.joinRule === undefined || opts.joinRule === 'public') r.join(bob);
  else {
    r.member(alice, bob, 'invite');
    r.join(bob);
  }
  return r;
}
const plContent = (version: string, users: JsonObject, extra: JsonObject = {}): JsonObject => ({
  users: { ...(version === '12' ? {} : { [alice]: 100 }), ...users },
  ...extra,
});

describe('power level ties: "the senders have the same power level, but x\'s origin_server_ts is less"', () => {
  test.each(V2_PLUS)('v%s: equal power, the later origin_server_ts is applied last and wins', (version) => {
    for (const [tsA, tsB, winner] of [[10, 20, 'B'], [30, 20, 'A']] as const) {
      const base = room(version, { bob: 100 });
      const a = base.fork();
      const b = base.fork();
      const evA = a.send({ type: 'm.room.power_levels', stateKey: '', sender: version === '12' ? bob : alice, content: plContent(version, { [bob]: 100 }, { ban: 70 }), ts: tsA });
      const evB = b.send({ type: 'm.room.power_levels', stateKey: '', sender: bob, content: plContent(version, { [bob]: 100 }, { kick: 70 }), ts: tsB });
      expect(at(resolve(a, b), 'm.room.power_levels')).toBe(winner === 'A' ? evA.eventId : evB.eventId);
    }
  });

  test.each(V2_PLUS)('v%s: equal power and timestamp: the greater event_id is applied last', (version) => {
    const base = room(version, { bob: 100 });
    const a = base.fork();
    const b = base.fork();
    const sender = version === '12' ? bob : alice;
    const evA = a.send({ type: 'm.room.power_levels', stateKey: '', sender, content: plContent(version, { [bob]: 100 }, { ban: 70 }), ts: 50 });
    const evB = b.send({ type: 'm.room.power_levels', stateKey: '', sender: bob, content: plContent(version, { [bob]: 100 }, { kick: 70 }), ts: 50 });
    const later = evA.eventId > evB.eventId ? evA : evB;
    expect(at(resolve(a, b), 'm.room.power_levels')).toBe(later.eventId);
  });

  test.each(V2_PLUS)('v%s: the more powerful sender goes first, so the weaker sender\'s change is checked after it', (version) => {
    const base = room(version, { bob: 50 });
    const a = base.fork();
    const b = base.fork();
    // alice demotes bob (early timestamp would not save bob's change: power decides first)
    const demote = a.send({ type: 'm.room.power_levels', stateKey: '', sender: alice, content: plContent(version, { [bob]: 0 }), ts: 100 });
    b.send({ type: 'm.room.power_levels', stateKey: '', sender: bob, content: plContent(version, { [bob]: 50, [carol]: 50 }), ts: 1 });
    expect(at(resolve(a, b), 'm.room.power_levels')).toBe(demote.eventId);
  });
});

describe('ban vs join races', () => {
  test.each(V2_PLUS)('v%s: a concurrent ban beats the target\'s join', (version) => {
    const base = room(version);
    const a = base.fork();
    const b = base.fork();
    const ban = a.member(alice, carol, 'ban');
    b.join(carol);
    expect(at(resolve(a, b), 'm.room.member', carol)).toBe(ban.eventId);
    expect(at(resolve(b, a), 'm.room.member', carol)).toBe(ban.eventId); // order of the state sets does not matter
  });

  test.each(V2_PLUS)('v%s: a concurrent ban beats the target\'s later profile change and their topic', (version) => {
    const base = room(version, { levels: { events: { 'm.room.topic': 0 } } });
    base.join(carol);
    const a = base.fork();
    const b = base.fork();
    const ban = a.member(alice, carol, 'ban');
    b.member(carol, carol, 'join', { displayname: 'Carol' });
    const topicBefore = at(base.state, 'm.room.topic');
    b.stateEvent(carol, 'm.room.topic', { topic: 'carol was here' });
    const resolved = resolve(a, b);
    expect(at(resolved, 'm.room.member', carol)).toBe(ban.eventId);
    expect(at(resolved, 'm.room.topic')).toBe(topicBefore);
  });

  test.each(V2_PLUS)('v%s: a kick by a moderator who is demoted concurrently does not stand', (version) => {
    const base = room(version);
    base.join(carol);
    const a = base.fork();
    const b = base.fork();
    a.send({ type: 'm.room.power_levels', stateKey: '', sender: alice, content: plContent(version, { [bob]: 0 }) });
    const carolJoin = at(base.state, 'm.room.member', carol);
    b.member(bob, carol, 'leave');
    expect(at(resolve(a, b), 'm.room.member', carol)).toBe(carolJoin);
  });
});

describe('restricted joins across forks (v8+)', () => {
  test.each(['8', '9', '10', '11', '12'])('v%s: a join authorised by a user whose invite power is revoked concurrently is dropped', (version) => {
    const base = room(version, { joinRule: 'restricted', bob: 50, levels: { invite: 50 } });
    const a = base.fork();
    const b = base.fork();
    a.send({ type: 'm.room.power_levels', stateKey: '', sender: alice, content: plContent(version, { [bob]: 50 }, { invite: 100 }) });
    b.send({ type: 'm.room.member', stateKey: carol, sender: carol, content: { membership: 'join', join_authorised_via_users_server: bob }, signedBy: ['example.com'] });
    expect(at(resolve(a, b), 'm.room.member', carol)).toBeUndefined();
  });

  test.each(['8', '12'])('v%s: with no revocation the authorised join stands', (version) => {
    const base = room(version, { joinRule: 'restricted', bob: 50, levels: { invite: 50 } });
    const a = base.fork();
    const b = base.fork();
    a.stateEvent(alice, 'm.room.topic', { topic: 'unrelated' });
    const join = b.send({ type: 'm.room.member', stateKey: carol, sender: carol, content: { membership: 'join', join_authorised_via_users_server: bob }, signedBy: ['example.com'] });
    expect(at(resolve(a, b), 'm.room.member', carol)).toBe(join.eventId);
  });
});

describe('knocks across forks (v7+)', () => {
  test.each(['7', '8', '10', '12'])('v%s: a knock is dropped when the join rule changes away from knock concurrently', (version) => {
    const base = room(version, { joinRule: 'knock' });
    const a = base.fork();
    const b = base.fork();
    const rules = a.stateEvent(alice, 'm.room.join_rules', { join_rule: 'invite' });
    b.send({ type: 'm.room.member', stateKey: carol, sender: carol, content: { membership: 'knock' } });
    const resolved = resolve(a, b);
    expect(at(resolved, 'm.room.join_rules')).toBe(rules.eventId);
    expect(at(resolved, 'm.room.member', carol)).toBeUndefined();
  });
});

describe('third-party invites across forks', () => {
  const signed = { mxid: carol, token: 'tok', signatures: { 'id.example.org': { 'ed25519:0': 'sig:K1' } } };
  test.each(['2', '6', '10', '12'])('v%s: the revocation and the invite are ordered by origin_server_ts', (version) => {
    for (const [revokeTs, inviteTs, inviteStands] of [[10, 20, false], [20, 10, true]] as const) {
      const base = room(version);
      base.stateEvent(alice, 'm.room.third_party_invite', { public_key: 'K1' }, 'tok');
      const a = base.fork();
      const b = base.fork();
      a.send({ type: 'm.room.third_party_invite', stateKey: 'tok', sender: alice, content: {}, ts: 1000 + revokeTs });
      const inv = b.send({ type: 'm.room.member', stateKey: carol, sender: alice, content: { membership: 'invite', third_party_invite: { signed } }, ts: 1000 + inviteTs });
      expect(at(resolve(a, b), 'm.room.member', carol)).toBe(inviteStands ? inv.eventId : undefined);
    }
  });
});

describe('conflicting ordinary state', () => {
  test.each(V2_PLUS)('v%s: two topics: the later origin_server_ts wins (same mainline position)', (version) => {
    const base = room(version);
    const a = base.fork();
    const b = base.fork();
    const t1 = a.send({ type: 'm.room.topic', stateKey: '', sender: alice, content: { topic: 'one' }, ts: 500 });
    const t2 = b.send({ type: 'm.room.topic', stateKey: '', sender: alice, content: { topic: 'two' }, ts: 400 });
    expect(at(resolve(a, b), 'm.room.topic')).toBe(t1.eventId);
    expect(at(resolve(b, a), 'm.room.topic')).not.toBe(t2.eventId);
  });

  test.each(V2_PLUS)('v%s: a topic authorised by a later power levels event (closer on the mainline) sorts later and wins despite its timestamp', (version) => {
    const base = room(version);
    const a = base.fork();
    const b = base.fork();
    const early = a.send({ type: 'm.room.topic', stateKey: '', sender: alice, content: { topic: 'a' }, ts: 900 });
    b.send({ type: 'm.room.power_levels', stateKey: '', sender: alice, content: plContent(version, { [bob]: 50 }, { ban: 55 }) });
    const late = b.send({ type: 'm.room.topic', stateKey: '', sender: alice, content: { topic: 'b' }, ts: 100 });
    expect(at(resolve(a, b), 'm.room.topic')).toBe(late.eventId);
    expect(early.eventId).not.toBe(late.eventId);
  });

  test.each(V2_PLUS)('v%s: unconflicted state is kept as is, and resolution of one state set is that set', (version) => {
    const base = room(version);
    const a = base.fork();
    a.stateEvent(alice, 'm.room.name', { name: 'n' });
    const resolved = resolve(base, a);
    expect(at(resolved, 'm.room.member', bob)).toBe(at(base.state, 'm.room.member', bob));
    expect(at(resolved, 'm.room.name')).toBe(at(a.state, 'm.room.name'));
    expect(resolveState([a.state], { roomVersion: a.rv, getEvent: a.getEvent, verifier: testVerifier })).toEqual(a.state);
  });
});

describe('v12: a creator cannot be demoted and outranks every admin', () => {
  test('the creator demotes an admin while the admin changes levels: the creator is applied first and wins', () => {
    const base = room('12', { bob: 100, levels: { users: { [bob]: 100, [carol]: 50 } } });
    const a = base.fork();
    const b = base.fork();
    const demote = a.send({ type: 'm.room.power_levels', stateKey: '', sender: alice, content: { users: { [bob]: 0, [carol]: 50 } }, ts: 900 });
    b.send({ type: 'm.room.power_levels', stateKey: '', sender: bob, content: { users: { [bob]: 100, [carol]: 0 } }, ts: 1 });
    expect(() => b.member(bob, alice, 'ban')).toThrow(); // alice cannot be banned even in bob's own fork
    b.member(bob, carol, 'ban');
    const resolved = resolve(a, b);
    expect(at(resolved, 'm.room.power_levels')).toBe(demote.eventId);
    expect(at(resolved, 'm.room.member', carol)).toBeUndefined(); // bob's ban came after his demotion
    expect(at(resolved, 'm.room.member', alice)).toBe(at(base.state, 'm.room.member', alice));
  });

  test('v11 for contrast: the creator at 100 cannot take power from an admin at 100', () => {
    const base = room('11', { bob: 100 });
    expect(base.try({ type: 'm.room.power_levels', stateKey: '', sender: alice, content: { users: { [alice]: 100, [bob]: 0 } } }).allowed).toBe(false);
  });
});

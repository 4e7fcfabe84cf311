// Authorisation rules that apply to every event past rule 1: v12 rule 2 (room ID names the create
// event), m.federate, m.room.aliases (v1–v5), the sender must be joined, m.room.third_party_invite
// needs the invite level, the required power level (events / events_default / state_default),
// state keys starting with @, and the m.room.redaction rule of v1–v2.

import { describe, expect, test } from 'bun:test';
import { checkAuth } from '../../../../src/protocol/auth/check-auth.ts';
import { redactionApplies } from '../../../../src/protocol/auth/redaction.ts';
import { authStateFromEvents } from '../../../../src/protocol/auth/types.ts';
import { roomPowerLevels } from '../../../../src/protocol/power-levels.ts';
import { makeEvent, rv, TestRoom, testVerifier } from './fixtures.ts';

const ALL = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];
const alice = '@alice:example.com';
const bob = '@bob:example.com';
const eve = '@eve:evil.org';

/** alice creates and joins, sets power levels (alice 100 unless v12 where she is a creator), a public room, bob joins. */
function room(version: string, plContent: Record<string, unknown> = {}) {
  const r = new TestRoom(version, alice);
  r.join(alice);
  const users = version === '12' ? {} : { [alice]: 100 };
  r.stateEvent(alice, 'm.room.power_levels', { users, ...plContent } as never);
  r.stateEvent(alice, 'm.room.join_rules', { join_rule: 'public' });
  r.join(bob);
  return r;
}

describe('rule 6 (v6–v11: 5) "If the sender\'s current membership state is not join, reject."', () => {
  test.each(ALL)('v%s', (version) => {
    const r = room(version);
    expect(r.try({ type: 'm.room.message', sender: eve, content: { body: 'hi' } }).allowed).toBe(false);
    expect(r.try({ type: 'm.room.message', sender: bob, content: { body: 'hi' } }).allowed).toBe(true);
    r.member(bob, bob, 'leave');
    expect(r.try({ type: 'm.room.message', sender: bob, content: { body: 'hi' } }).allowed).toBe(false);
    const invited = '@ivy:example.com';
    r.member(alice, invited, 'invite');
    expect(r.try({ type: 'm.room.topic', stateKey: '', sender: invited, content: { topic: 'x' } }).allowed).toBe(false);
  });
});

describe('rule 8 "If the event type\'s required power level is greater than the sender\'s power level, reject."', () => {
  test.each(ALL)('v%s: state_default (50) for state events, events_default (0) for messages, events overrides', (version) => {
    const r = room(version);
    expect(r.try({ type: 'm.room.topic', stateKey: '', sender: bob, content: { topic: 't' } }).allowed).toBe(false);
    expect(r.try({ type: 'm.room.message', sender: bob, content: { body: 'b' } }).allowed).toBe(true);
    expect(r.try({ type: 'm.room.topic', stateKey: '', sender: alice, content: { topic: 't' } }).allowed).toBe(true);
    const r2 = room(version, { events: { 'm.room.topic': 0, 'm.room.message': 10 }, events_default: 5, state_default: 0 });
    expect(r2.try({ type: 'm.room.topic', stateKey: '', sender: bob, content: { topic: 't' } }).allowed).toBe(true);
    expect(r2.try({ type: 'm.room.message', sender: bob, content: { body: 'b' } }).allowed).toBe(false);
    expect(r2.try({ type: 'm.custom', sender: bob, content: {} }).allowed).toBe(false);
    expect(r2.try({ type: 'm.custom.state', stateKey: 'x', sender: bob, content: {} }).allowed).toBe(true);
  });

  test('v3+ note: m.room.redaction is an ordinary event for the auth rules (the redact level is not considered)', () => {
    const r = room('10', { redact: 100 });
    expect(r.try({ type: 'm.room.redaction', sender: bob, redacts: '$e3', content: { redacts: '$e3' } }).allowed).toBe(true);
    const r2 = room('10', { events: { 'm.room.redaction': 60 } });
    expect(r2.try({ type: 'm.room.redaction', sender: bob, redacts: '$e3', content: {} }).allowed).toBe(false);
  });
});

describe('rule 9 "If the event has a state_key that starts with an @ and does not match the sender, reject."', () => {
  test.each(ALL)('v%s', (version) => {
    const r = room(version, { state_default: 0 });
    expect(r.try({ type: 'm.custom', stateKey: alice, sender: bob, content: {} }).allowed).toBe(false);
    expect(r.try({ type: 'm.custom', stateKey: bob, sender: bob, content: {} }).allowed).toBe(true);
    expect(r.try({ type: 'm.custom', stateKey: 'bob', sender: bob, content: {} }).allowed).toBe(true);
  });
});

describe('rule 7 (v6–v11: 6) m.room.third_party_invite: "Allow if and only if sender\'s current power level is greater than or equal to the invite level."', () => {
  test.each(ALL)('v%s', (version) => {
    const r = room(version, { invite: 50, events: { 'm.room.third_party_invite': 100 } });
    // the invite level decides, not events[type]
    expect(r.try({ type: 'm.room.third_party_invite', stateKey: 'tok', sender: bob, content: {} }).allowed).toBe(false);
    expect(r.try({ type: 'm.room.third_party_invite', stateKey: 'tok', sender: alice, content: {} }).allowed).toBe(true);
    const r2 = room(version, { invite: 0, events: { 'm.room.third_party_invite': 100 } });
    expect(r2.try({ type: 'm.room.third_party_invite', stateKey: 'tok', sender: bob, content: {} }).allowed).toBe(true);
    expect(r2.try({ type: 'm.room.third_party_invite', stateKey: 'tok', sender: eve, content: {} }).allowed).toBe(false);
  });
});

describe('rule 3 (v12: 4) m.federate: false keeps other servers out', () => {
  test.each(ALL)('v%s', (version) => {
    const r = new TestRoom(version, alice, { 'm.federate': false });
    r.join(alice);
    r.stateEvent(alice, 'm.room.join_rules', { join_rule: 'public' });
    expect(r.try({ type: 'm.room.member', stateKey: eve, sender: eve, content: { membership: 'join' } }).allowed).toBe(false);
    expect(r.try({ type: 'm.room.member', stateKey: bob, sender: bob, content: { membership: 'join' } }).allowed).toBe(true);
  });
});

describe('rule 4 (v1–v5 only) m.room.aliases: the state_key must be the sender\'s domain', () => {
  test.each(['1', '2', '3', '4', '5'])('v%s: allowed even for non-members and below state_default', (version) => {
    const r = room(version);
    expect(r.try({ type: 'm.room.aliases', stateKey: 'evil.org', sender: eve, content: { aliases: ['#a:evil.org'] } }).allowed).toBe(true);
    expect(r.try({ type: 'm.room.aliases', stateKey: 'example.com', sender: eve, content: { aliases: [] } }).allowed).toBe(false);
    expect(r.try({ type: 'm.room.aliases', sender: bob, content: {} }).allowed).toBe(false);
  });

  test.each(['6', '9', '12'])('v%s: "Rule 4 ... is removed"; aliases are ordinary state events', (version) => {
    const r = room(version);
    expect(r.try({ type: 'm.room.aliases', stateKey: 'evil.org', sender: eve, content: {} }).allowed).toBe(false);
    expect(r.try({ type: 'm.room.aliases', stateKey: 'example.com', sender: bob, content: {} }).allowed).toBe(false);
    expect(r.try({ type: 'm.room.aliases', stateKey: 'example.com', sender: alice, content: {} }).allowed).toBe(true);
  });
});

describe('rule 11 (v1–v2 only) m.room.redaction: redact level, or same event ID domain', () => {
  test.each(['1', '2'])('v%s', (version) => {
    const r = room(version, { events_default: 0 });
    // event IDs in v1–v2 are $id:domain; the test room gives events the sender's domain
    expect(r.try({ type: 'm.room.redaction', sender: bob, redacts: '$e9:example.com', content: {} }).allowed).toBe(true);
    expect(r.try({ type: 'm.room.redaction', sender: bob, redacts: '$e9:other.org', content: {} }).allowed).toBe(false);
    expect(r.try({ type: 'm.room.redaction', sender: alice, redacts: '$e9:other.org', content: {} }).allowed).toBe(true);
  });

  test('v3: the rule is gone; a redaction by anyone joined passes the auth rules', () => {
    const r = room('3');
    expect(r.try({ type: 'm.room.redaction', sender: bob, redacts: '$other', content: {} }).allowed).toBe(true);
  });
});

describe('v12 rule 2 "If the event\'s room_id is not an event ID for an accepted m.room.create event, with the sigil ! instead of $, reject."', () => {
  test('an event whose room ID names another create event is rejected', () => {
    const r = room('12');
    const good = r.build({ type: 'm.room.message', sender: bob, content: {} });
    expect(checkAuth(good, r.lookup, rv('12'), testVerifier).allowed).toBe(true);
    const moved = makeEvent('12', { ...good, prevEventIds: [...good.prevEventIds], authEventIds: [...good.authEventIds], roomId: '!another', eventId: '$x' });
    expect(checkAuth(moved, r.lookup, rv('12'), testVerifier)).toEqual({ allowed: false, reason: 'the room_id does not name the m.room.create event' });
  });

  test('without a create event nothing but m.room.create is allowed', () => {
    const event = makeEvent('11', { eventId: '$m', type: 'm.room.message', sender: alice, content: {} });
    expect(checkAuth(event, () => undefined, rv('11'), testVerifier).allowed).toBe(false);
  });
});

describe('rooms v3+ "Handling redactions": when a redaction that passed auth is applied', () => {
  const levels = (version: string, r: TestRoom) =>
    roomPowerLevels(r.lookup('m.room.power_levels', ''), r.create, rv(version));

  test.each(['3', '10', '12'])('v%s: the redact level, or the same server as the original sender', (version) => {
    const r = room(version);
    const original = r.send({ type: 'm.room.message', sender: alice, content: { body: 'x' } });
    r.join('@dan:other.org');
    const byBob = r.build({ type: 'm.room.redaction', sender: bob, redacts: original.eventId, content: {} });
    const byDan = r.build({ type: 'm.room.redaction', sender: '@dan:other.org', redacts: original.eventId, content: {} });
    const byAlice = r.build({ type: 'm.room.redaction', sender: alice, redacts: original.eventId, content: {} });
    expect(redactionApplies(byBob, original, levels(version, r), rv(version))).toBe(true); // same server
    expect(redactionApplies(byDan, original, levels(version, r), rv(version))).toBe(false); // other server, level 0
    expect(redactionApplies(byAlice, original, levels(version, r), rv(version))).toBe(true);
  });
});

describe('authStateFromEvents', () => {
  test('v12: checking an event against its own auth events needs the create event passed alongside', () => {
    const r = room('12');
    const ev = r.build({ type: 'm.room.message', sender: bob, content: {} });
    const authEvents = ev.authEventIds.map((id) => r.events.get(id)!);
    expect(checkAuth(ev, authStateFromEvents(authEvents), rv('12'), testVerifier).allowed).toBe(false);
    expect(checkAuth(ev, authStateFromEvents(authEvents, r.create), rv('12'), testVerifier).allowed).toBe(true);
  });
});

describe('Server-Server API "Soft failure": the same rules against the current state', () => {
  test.each(['2', '10', '12'])('v%s: a banned user\'s topic passes at its own state and fails at the current state', (version) => {
    const r = room(version, { events: { 'm.room.topic': 0 } });
    const x = '@x:example.com';
    r.join(x);
    const before = r.fork(); // the state at A, which C references
    r.member(alice, x, 'ban'); // B
    const c = before.build({ type: 'm.room.topic', stateKey: '', sender: x, content: { topic: 'evading' } });
    expect(checkAuth(c, before.lookup, rv(version), testVerifier).allowed).toBe(true); // not rejected…
    expect(checkAuth(c, r.lookup, rv(version), testVerifier)).toEqual({ allowed: false, reason: 'the sender is not joined' }); // …but soft failed
  });
});

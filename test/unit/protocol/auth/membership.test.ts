// Authorisation rules for m.room.member (rule 5 in v1–v5 and v12, rule 4 in v6–v11): join,
// invite, leave/kick, ban, knock (v7+), restricted (v8+) and knock_restricted (v10+) joins.
// Third-party invites are in third-party-invite.test.ts.

import { describe, expect, test } from 'bun:test';
import { TestRoom } from './fixtures.ts';

const ALL = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];
const alice = '@alice:example.com';
const bob = '@bob:example.com';
const carol = '@carol:example.com';
const dave = '@dave:other.org';

/** alice creates and joins; power levels give alice 100 (v1–v11; in v12 she is a creator) and mod bob 50. */
function room(version: string, joinRule?: string, pl: Record<string, unknown> = {}) {
  const r = new TestRoom(version, alice);
  r.join(alice);
  const users: Record<string, number> = version === '12' ? {} : { [alice]: 100 };
  r.stateEvent(alice, 'm.room.power_levels', { users: { ...users, [bob]: 50 }, ...pl } as never);
  if (joinRule) r.stateEvent(alice, 'm.room.join_rules', { join_rule: joinRule });
  return r;
}
const member = (r: TestRoom, sender: string, target: string, membership: string, extra: Record<string, unknown> = {}, signedBy?: string[]) =>
  r.try({ type: 'm.room.member', stateKey: target, sender, content: { membership, ...extra } as never, signedBy }).allowed;

describe('membership: malformed', () => {
  test.each(ALL)('v%s: no membership / unknown membership is rejected', (version) => {
    const r = room(version, 'public');
    expect(r.try({ type: 'm.room.member', stateKey: carol, sender: carol, content: {} }).allowed).toBe(false);
    expect(member(r, carol, carol, 'wander')).toBe(false);
    expect(r.try({ type: 'm.room.member', sender: carol, content: { membership: 'join' } }).allowed).toBe(false);
  });
});

describe('join', () => {
  test.each(ALL)('v%s: "If the only previous event is an m.room.create and the state_key is the creator, allow."', (version) => {
    const r = new TestRoom(version, alice);
    expect(member(r, alice, alice, 'join')).toBe(true);
    expect(member(r, bob, bob, 'join')).toBe(false); // not the creator: no join rules yet means invite-only
  });

  test('v1–v10 take the creator from content.creator, v11+ from the sender of m.room.create', () => {
    const old = new TestRoom('10', alice, { creator: carol });
    expect(member(old, carol, carol, 'join')).toBe(true);
    expect(member(old, alice, alice, 'join')).toBe(false);
    const v11 = new TestRoom('11', alice, { creator: carol });
    expect(member(v11, alice, alice, 'join')).toBe(true);
    expect(member(v11, carol, carol, 'join')).toBe(false);
  });

  test('v12: only the sender of m.room.create gets the first-join rule, not additional_creators', () => {
    const r = new TestRoom('12', alice, { additional_creators: [carol] });
    expect(member(r, alice, alice, 'join')).toBe(true);
    expect(member(r, carol, carol, 'join')).toBe(false);
  });

  test.each(ALL)('v%s: public room; cannot join for someone else; banned users cannot join', (version) => {
    const r = room(version, 'public');
    expect(member(r, carol, carol, 'join')).toBe(true);
    expect(member(r, alice, carol, 'join')).toBe(false);
    r.member(alice, carol, 'ban');
    expect(member(r, carol, carol, 'join')).toBe(false);
  });

  test.each(ALL)('v%s: invite join rule: only invited or already joined users', (version) => {
    const r = room(version, 'invite');
    expect(member(r, carol, carol, 'join')).toBe(false);
    r.member(alice, carol, 'invite');
    expect(member(r, carol, carol, 'join')).toBe(true);
    expect(member(r, alice, alice, 'join', { displayname: 'A' })).toBe(true); // profile change
  });

  test.each(ALL)('v%s: no m.room.join_rules event behaves as invite (NOTSPEC default)', (version) => {
    const r = room(version);
    expect(member(r, carol, carol, 'join')).toBe(false);
    r.member(alice, carol, 'invite');
    expect(member(r, carol, carol, 'join')).toBe(true);
  });

  test.each(ALL)('v%s: the knock join rule admits invited users from v7; unknown before', (version) => {
    const r = room(version, 'knock');
    r.member(alice, carol, 'invite');
    expect(member(r, carol, carol, 'join')).toBe(Number(version) >= 7);
    expect(member(r, dave, dave, 'join')).toBe(false);
  });

  test.each(['private', 'nonsense'])('join rule %s admits nobody new', (rule) => {
    const r = room('10', rule);
    expect(member(r, carol, carol, 'join')).toBe(false);
  });
});

describe('restricted joins (v8+) and knock_restricted (v10+)', () => {
  const restrictedVersions = ['8', '9', '10', '11', '12'];
  const via = (user: string) => ({ join_authorised_via_users_server: user });

  test.each(restrictedVersions)('v%s: a joined user with the invite level authorises the join', (version) => {
    const r = room(version, 'restricted');
    expect(member(r, carol, carol, 'join', via(alice), ['example.com'])).toBe(true);
    expect(member(r, carol, carol, 'join')).toBe(false); // no authoriser
  });

  test.each(restrictedVersions)('v%s: "If membership state is join or invite, allow."', (version) => {
    const r = room(version, 'restricted');
    r.member(alice, carol, 'invite');
    expect(member(r, carol, carol, 'join')).toBe(true);
  });

  test.each(restrictedVersions)('v%s: the authoriser must be joined and able to invite', (version) => {
    const r = room(version, 'restricted', { invite: 60 });
    r.send({ type: 'm.room.member', stateKey: bob, sender: bob, content: { membership: 'join', ...via(alice) }, signedBy: ['example.com'] });
    expect(member(r, carol, carol, 'join', via(bob), ['example.com'])).toBe(false); // bob 50 < invite 60
    expect(member(r, carol, carol, 'join', via(dave), ['other.org'])).toBe(false); // dave is not joined
    expect(member(r, carol, carol, 'join', via(alice), ['example.com'])).toBe(true);
  });

  test.each(restrictedVersions)('v%s rule "not validly signed by the homeserver of ... join_authorised_via_users_server, reject"', (version) => {
    const r = room(version, 'public');
    // checked for every membership, before the join rule: even a public room rejects it
    expect(member(r, dave, dave, 'join', via(alice), ['other.org'])).toBe(false);
    expect(member(r, dave, dave, 'join', via(alice), ['other.org', 'example.com'])).toBe(true);
    expect(member(r, dave, dave, 'join', { join_authorised_via_users_server: 42 }, ['other.org'])).toBe(false);
  });

  test.each(['1', '6', '7'])('v%s: no restricted rule: the join is rejected and the key is ignored', (version) => {
    const r = room(version, 'restricted');
    expect(member(r, carol, carol, 'join', via(alice), ['example.com'])).toBe(false);
    const pub = room(version, 'public');
    expect(member(pub, dave, dave, 'join', via(alice), ['other.org'])).toBe(true);
  });

  test.each(['8', '9', '10', '12'])('v%s: knock_restricted acts as restricted only from v10', (version) => {
    const r = room(version, 'knock_restricted');
    expect(member(r, carol, carol, 'join', via(alice), ['example.com'])).toBe(Number(version) >= 10);
  });

  test('v12: a creator authorises restricted joins with infinite power', () => {
    const r = room('12', 'restricted', { invite: 9000 });
    expect(member(r, carol, carol, 'join', via(alice), ['example.com'])).toBe(true);
  });
});

describe('invite', () => {
  test.each(ALL)('v%s: the inviter must be joined and at the invite level; the target not joined or banned', (version) => {
    const r = room(version, 'invite', { invite: 50 });
    expect(member(r, carol, dave, 'invite')).toBe(false); // carol is not in the room
    r.member(alice, carol, 'invite');
    r.join(carol);
    expect(member(r, carol, dave, 'invite')).toBe(false); // carol 0 < invite 50
    expect(member(r, alice, dave, 'invite')).toBe(true);
    expect(member(r, alice, carol, 'invite')).toBe(false); // already joined
    r.member(alice, dave, 'ban');
    expect(member(r, alice, dave, 'invite')).toBe(false); // banned
  });
});

describe('leave and kick', () => {
  test.each(ALL)('v%s: leaving yourself needs current membership invite or join (v7+: or knock)', (version) => {
    const r = room(version, 'invite');
    expect(member(r, carol, carol, 'leave')).toBe(false); // never in the room
    r.member(alice, carol, 'invite');
    expect(member(r, carol, carol, 'leave')).toBe(true); // reject the invite
    r.member(alice, dave, 'ban');
    expect(member(r, dave, dave, 'leave')).toBe(false); // cannot lift your own ban
  });

  test.each(['7', '10', '12'])('v%s: a knock can be rescinded', (version) => {
    const r = room(version, 'knock');
    r.send({ type: 'm.room.member', stateKey: carol, sender: carol, content: { membership: 'knock' } });
    expect(member(r, carol, carol, 'leave')).toBe(true);
  });

  test.each(ALL)('v%s: kicking needs the kick level and a higher level than the target', (version) => {
    const r = room(version, 'public');
    r.join(bob);
    r.join(carol);
    expect(member(r, carol, bob, 'leave')).toBe(false); // carol 0
    expect(member(r, bob, carol, 'leave')).toBe(true); // bob 50 >= kick 50 > carol 0
    expect(member(r, bob, alice, 'leave')).toBe(false); // alice is above bob
    expect(member(r, dave, carol, 'leave')).toBe(false); // dave is not joined
  });

  test.each(ALL)('v%s: unbanning needs the ban level as well as the kick level', (version) => {
    const r = room(version, 'public', { ban: 60, kick: 50 });
    r.join(bob);
    r.member(alice, carol, 'ban');
    expect(member(r, bob, carol, 'leave')).toBe(false); // bob 50 < ban 60
    expect(member(r, alice, carol, 'leave')).toBe(true);
  });
});

describe('ban', () => {
  test.each(ALL)('v%s: the banner must be joined, at the ban level and above the target', (version) => {
    const r = room(version, 'public');
    r.join(bob);
    expect(member(r, bob, carol, 'ban')).toBe(true); // bans may target non-members
    expect(member(r, bob, alice, 'ban')).toBe(false);
    expect(member(r, dave, carol, 'ban')).toBe(false);
    r.join(carol);
    expect(member(r, carol, dave, 'ban')).toBe(false);
  });

  test('v12: creators can ban admins at any level; admins cannot ban creators; creators cannot ban each other', () => {
    const r = new TestRoom('12', alice, { additional_creators: [carol] });
    r.join(alice);
    r.stateEvent(alice, 'm.room.power_levels', { users: { [bob]: 9007199254740991 } });
    r.stateEvent(alice, 'm.room.join_rules', { join_rule: 'public' });
    r.join(bob);
    r.join(carol);
    expect(member(r, alice, bob, 'ban')).toBe(true);
    expect(member(r, bob, alice, 'ban')).toBe(false);
    expect(member(r, alice, carol, 'ban')).toBe(false);
    expect(member(r, carol, alice, 'leave')).toBe(false);
  });

  test('v11: the creator is an ordinary user once power levels exist', () => {
    const r = room('11', 'public', { users: { [alice]: 50, [bob]: 100 } });
    r.join(bob);
    expect(member(r, bob, alice, 'ban')).toBe(true);
    expect(member(r, alice, bob, 'ban')).toBe(false);
  });
});

describe('knock (v7+)', () => {
  test.each(ALL)('v%s', (version) => {
    const r = room(version, 'knock');
    const knock = (sender: string, target: string) => member(r, sender, target, 'knock');
    if (Number(version) < 7) {
      expect(knock(carol, carol)).toBe(false); // "the membership is unknown"
      return;
    }
    expect(knock(carol, carol)).toBe(true);
    expect(knock(alice, carol)).toBe(false); // "If sender does not match state_key, reject."
    r.member(alice, dave, 'invite');
    expect(knock(dave, dave)).toBe(false);
    r.member(alice, bob, 'ban');
    expect(knock(bob, bob)).toBe(false);
    expect(knock(alice, alice)).toBe(false); // already joined
  });

  test.each(['7', '9', '10', '12'])('v%s: only the knock (v10+: and knock_restricted) join rules allow knocking', (version) => {
    expect(member(room(version, 'public'), carol, carol, 'knock')).toBe(false);
    expect(member(room(version, 'invite'), carol, carol, 'knock')).toBe(false);
    expect(member(room(version, 'knock_restricted'), carol, carol, 'knock')).toBe(Number(version) >= 10);
  });
});

// "If membership is invite: If content has a third_party_invite property" — the eight steps, the
// same in every room version. Signatures are checked by the caller's verifier (here: testVerifier,
// where `sig:<key>` stands for a valid signature by <key>).

import { describe, expect, test } from 'bun:test';
import { authEventsNeeded } from '../../../../src/protocol/auth/auth-events.ts';
import type { JsonObject } from '../../../../src/protocol/event.ts';
import { rv, TestRoom } from './fixtures.ts';

const ALL = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];
const alice = '@alice:example.com';
const bob = '@bob:example.com';
const carol = '@carol:example.com';

function room(version: string) {
  const r = new TestRoom(version, alice);
  r.join(alice);
  r.stateEvent(alice, 'm.room.power_levels', { users: version === '12' ? {} : { [alice]: 100 } });
  r.stateEvent(alice, 'm.room.join_rules', { join_rule: 'public' });
  r.join(bob);
  // alice sends the m.room.third_party_invite the invite will refer to
  r.stateEvent(alice, 'm.room.third_party_invite', { display_name: 'c…', public_key: 'K1', public_keys: [{ public_key: 'K2' }] }, 'tok');
  return r;
}

const signed = (over: JsonObject = {}): JsonObject => ({
  mxid: carol,
  token: 'tok',
  signatures: { 'id.example.org': { 'ed25519:0': 'sig:K2' } },
  ...over,
});
const invite = (r: TestRoom, sender: string, content: JsonObject, target = carol) =>
  r.try({ type: 'm.room.member', stateKey: target, sender, content: { membership: 'invite', ...content } });

describe('third-party invites', () => {
  test.each(ALL)('v%s: a valid signed invite from the m.room.third_party_invite sender is allowed', (version) => {
    expect(invite(room(version), alice, { third_party_invite: { display_name: 'c', signed: signed() } }).allowed).toBe(true);
  });

  test.each(ALL)('v%s: every step that rejects', (version) => {
    const r = room(version);
    const reason = (content: JsonObject, sender = alice, target = carol) => {
      const result = invite(r, sender, content, target);
      return result.allowed ? 'allowed' : result.reason;
    };
    // 2. no signed
    expect(reason({ third_party_invite: { display_name: 'c' } })).toContain('no signed');
    expect(reason({ third_party_invite: 'x' })).toContain('no signed');
    // 3. signed lacks mxid or token
    expect(reason({ third_party_invite: { signed: signed({ mxid: undefined as never }) } })).toContain('mxid or token');
    expect(reason({ third_party_invite: { signed: { mxid: carol, signatures: {} } } })).toContain('mxid or token');
    // 4. mxid does not match state_key
    expect(reason({ third_party_invite: { signed: signed() } }, alice, '@dan:example.com')).toContain('does not match state_key');
    // 5. no m.room.third_party_invite for the token
    expect(reason({ third_party_invite: { signed: signed({ token: 'other' }) } })).toContain('no m.room.third_party_invite');
    // 6. sender differs from the m.room.third_party_invite sender (bob is joined, but did not send it)
    expect(reason({ third_party_invite: { signed: signed() } }, bob)).toContain('did not send');
    // 7/8. no signature matches a public key
    const badSig = signed({ signatures: { 'id.example.org': { 'ed25519:0': 'sig:K3' } } });
    expect(reason({ third_party_invite: { signed: badSig } })).toContain('no signature');
    // public_key (single) is a key too
    expect(reason({ third_party_invite: { signed: signed({ signatures: { s: { k: 'sig:K1' } } }) } })).toBe('allowed');
  });

  test.each(ALL)('v%s: 1. "If target user is banned, reject."', (version) => {
    const r = room(version);
    r.member(alice, carol, 'ban');
    expect(invite(r, alice, { third_party_invite: { signed: signed() } }).allowed).toBe(false);
  });

  test('the invite stands on these steps alone: the sender need not be at the invite level', () => {
    const r = new TestRoom('10', alice);
    r.join(alice);
    r.stateEvent(alice, 'm.room.power_levels', { users: { [alice]: 100 }, invite: 0 });
    r.stateEvent(alice, 'm.room.join_rules', { join_rule: 'public' });
    r.join(bob);
    r.stateEvent(bob, 'm.room.third_party_invite', { public_key: 'K1' }, 'tok');
    r.stateEvent(alice, 'm.room.power_levels', { users: { [alice]: 100 }, invite: 100 });
    expect(invite(r, bob, { third_party_invite: { signed: signed({ signatures: { s: { k: 'sig:K1' } } }) } }).allowed).toBe(true);
    expect(invite(r, bob, { }).allowed).toBe(false); // a plain invite needs the invite level
  });

  test('auth events selection includes the m.room.third_party_invite named by signed.token', () => {
    const pairs = authEventsNeeded(
      { type: 'm.room.member', stateKey: carol, sender: alice, content: { membership: 'invite', third_party_invite: { signed: signed() } } },
      rv('10'),
    );
    expect(pairs).toContainEqual(['m.room.third_party_invite', 'tok']);
  });
});

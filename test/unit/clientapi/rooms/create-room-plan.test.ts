// Client-Server API, "Creation" (POST /createRoom): the preset table, the default power levels and
// power_level_content_override, creation_content, and "the following order" of the events, as
// pure planning before the room server is called.
import { describe, expect, test } from 'bun:test';
import { MatrixError } from '../../../../src/http/errors.ts';
import { roomVersion } from '../../../../src/protocol/room-versions.ts';
import { aliasFromName, planCreateRoom, type CreateRoomBody } from '../../../../src/clientapi/rooms/create-room-plan.ts';
import { applyPowerLevelsOverride, choosePreset, defaultPowerLevels, presetState } from '../../../../src/clientapi/rooms/presets.ts';

const v10 = roomVersion('10')!;
const v12 = roomVersion('12')!;
const ALICE = '@alice:hs.example';
const BOB = '@bob:hs.example';
const CAROL = '@carol:other.example';

function plan(body: CreateRoomBody, version = v10) {
  const profiles = new Map([[ALICE, { displayname: 'Alice', avatar_url: 'mxc://hs.example/a' }], [BOB, { displayname: 'Bob' }]]);
  return planCreateRoom({ body, creator: ALICE, version, serverName: 'hs.example', profiles });
}

const summary = (p: ReturnType<typeof plan>) => p.request.initialEvents.map((e) => `${e.type}/${e.stateKey ?? ''}`);

function refusal(fn: () => unknown): [number, string] {
  try {
    fn();
  } catch (e) {
    if (e instanceof MatrixError) return [e.status, e.errcode];
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('createRoom presets (preset table)', () => {
  test('private_chat, trusted_private_chat and public_chat set join_rules, history_visibility and guest_access', () => {
    expect(presetState('private_chat')).toEqual({ joinRule: 'invite', historyVisibility: 'shared', guestAccess: 'can_join', inviteesAreCreatorLevel: false });
    expect(presetState('trusted_private_chat')).toEqual({ joinRule: 'invite', historyVisibility: 'shared', guestAccess: 'can_join', inviteesAreCreatorLevel: true });
    expect(presetState('public_chat')).toEqual({ joinRule: 'public', historyVisibility: 'shared', guestAccess: 'forbidden', inviteesAreCreatorLevel: false });
  });

  test('"If unspecified, the server should use the visibility": public -> public_chat, otherwise private_chat', () => {
    expect(choosePreset(undefined, 'public')).toBe('public_chat');
    expect(choosePreset(undefined, 'private')).toBe('private_chat');
    expect(choosePreset(undefined, undefined)).toBe('private_chat');
    expect(choosePreset('trusted_private_chat', 'public')).toBe('trusted_private_chat');
  });
});

describe('createRoom power levels (step 3)', () => {
  test('v1–11 list the creator at 100; v12 lists no creator and needs 150 for tombstones', () => {
    const old = defaultPowerLevels({ creator: ALICE, version: v10, creatorLevelUsers: [] });
    expect(old.users).toEqual({ [ALICE]: 100 });
    expect((old.events as Record<string, number>)['m.room.tombstone']).toBe(100);
    const fresh = defaultPowerLevels({ creator: ALICE, version: v12, creatorLevelUsers: [BOB] });
    expect(fresh.users).toEqual({});
    const tombstone = (fresh.events as Record<string, number>)['m.room.tombstone']!;
    expect(tombstone).toBe(150);
    expect(tombstone).toBeGreaterThan(fresh.state_default as number);
  });

  test('power_level_content_override replaces the top-level keys it names', () => {
    const base = defaultPowerLevels({ creator: ALICE, version: v10, creatorLevelUsers: [] });
    const merged = applyPowerLevelsOverride(base, { users: { [ALICE]: 500 }, ban: 80 });
    expect(merged.users).toEqual({ [ALICE]: 500 });
    expect(merged.ban).toBe(80);
    expect(merged.kick).toBe(50);
    expect(applyPowerLevelsOverride(base, undefined)).toBe(base);
  });

  test('v12: creators named in the override are left out of users (they cannot be listed; their power is infinite)', () => {
    const base = defaultPowerLevels({ creator: ALICE, version: v12, creatorLevelUsers: [] });
    const merged = applyPowerLevelsOverride(base, { users: { [ALICE]: 200, '@bob:x': 50 } }, [ALICE]);
    expect(merged.users).toEqual({ '@bob:x': 50 });
  });
});

describe('createRoom plan: event order and contents', () => {
  test('the spec order: join, power levels, canonical alias, preset, initial_state, name, topic, invites', () => {
    const p = plan({
      room_alias_name: 'pub',
      name: 'N',
      topic: 'T',
      invite: [BOB, CAROL, BOB, ALICE],
      initial_state: [{ type: 'm.room.encryption', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
      preset: 'public_chat',
    });
    expect(summary(p)).toEqual([
      `m.room.member/${ALICE}`,
      'm.room.power_levels/',
      'm.room.canonical_alias/',
      'm.room.join_rules/',
      'm.room.history_visibility/',
      'm.room.guest_access/',
      'm.room.encryption/',
      'm.room.name/',
      'm.room.topic/',
      `m.room.member/${BOB}`,
      `m.room.member/${CAROL}`,
    ]);
    const ev = p.request.initialEvents;
    expect(ev[0]!.content).toEqual({ membership: 'join', displayname: 'Alice', avatar_url: 'mxc://hs.example/a' });
    expect(ev[2]!.content).toEqual({ alias: '#pub:hs.example' });
    expect(ev[3]!.content).toEqual({ join_rule: 'public' });
    expect(ev[5]!.content).toEqual({ guest_access: 'forbidden' });
    expect(ev[8]!.content).toEqual({ topic: 'T', 'm.topic': { 'm.text': [{ body: 'T', mimetype: 'text/plain' }] } });
    // Local invitees carry their profile; remote ones have none here.
    expect(ev[9]!.content).toEqual({ membership: 'invite', displayname: 'Bob' });
    expect(ev[10]!.content).toEqual({ membership: 'invite' });
    expect(p.alias).toBe('#pub:hs.example');
    expect(p.publish).toBe(false);
  });

  test('initial_state takes precedence over the preset and is overridden by name/topic', () => {
    const p = plan({
      preset: 'private_chat',
      name: 'from name',
      initial_state: [
        { type: 'm.room.join_rules', content: { join_rule: 'public' } },
        { type: 'm.room.name', content: { name: 'from initial_state' } },
        { type: 'org.example.custom', state_key: 'k', content: { a: 1 } },
      ],
    });
    expect(summary(p)).toEqual([
      `m.room.member/${ALICE}`,
      'm.room.power_levels/',
      'm.room.history_visibility/',
      'm.room.guest_access/',
      'm.room.join_rules/',
      'org.example.custom/k',
      'm.room.name/',
    ]);
    expect(p.request.initialEvents.find((e) => e.type === 'm.room.join_rules')!.content).toEqual({ join_rule: 'public' });
    expect(p.request.initialEvents.find((e) => e.type === 'm.room.name')!.content).toEqual({ name: 'from name' });
  });

  test('power levels in initial_state take the place of the generated ones', () => {
    const p = plan({ initial_state: [{ type: 'm.room.power_levels', content: { users: { [ALICE]: 77 } } }] });
    const pls = p.request.initialEvents.filter((e) => e.type === 'm.room.power_levels');
    expect(pls).toHaveLength(1);
    expect(summary(p)[1]).toBe('m.room.power_levels/');
    expect(pls[0]!.content).toEqual({ users: { [ALICE]: 77 } });
  });

  test('trusted_private_chat: invitees get the creator level (v10) or become additional creators (v12)', () => {
    const old = plan({ preset: 'trusted_private_chat', invite: [BOB] });
    expect(old.request.initialEvents[1]!.content.users).toEqual({ [ALICE]: 100, [BOB]: 100 });
    expect(old.request.createContent.additional_creators).toBeUndefined();
    const fresh = plan({ preset: 'trusted_private_chat', invite: [BOB], creation_content: { additional_creators: [CAROL, BOB] } }, v12);
    expect(fresh.request.initialEvents[1]!.content.users).toEqual({});
    expect(fresh.request.createContent.additional_creators).toEqual([CAROL, BOB]);
  });

  test('creation_content is merged; creator and room_version are the server\'s; is_direct marks invites; visibility publishes', () => {
    const p = plan({ creation_content: { 'm.federate': false, type: 'm.space', room_version: 'bogus', creator: BOB }, invite: [BOB], is_direct: true, visibility: 'public' });
    expect(p.request.createContent).toEqual({ 'm.federate': false, type: 'm.space' });
    expect(p.request.roomVersion).toBe('10');
    expect(p.request.initialEvents.at(-1)!.content).toEqual({ membership: 'invite', displayname: 'Bob', is_direct: true });
    expect(p.publish).toBe(true);
    // visibility public without a preset means public_chat.
    expect(p.request.initialEvents.find((e) => e.type === 'm.room.join_rules')!.content).toEqual({ join_rule: 'public' });
  });

  test('refusals: bad alias names and invitees are M_INVALID_PARAM, invite_3pid is unsupported, m.room.create in initial_state', () => {
    for (const name of ['', 'a:b', 'has space', 'x'.repeat(300)]) expect(refusal(() => aliasFromName(name, 'hs.example'))).toEqual([400, 'M_INVALID_PARAM']);
    expect(aliasFromName('☕', 'hs.example')).toBe('#☕:hs.example');
    expect(refusal(() => plan({ invite: ['not-a-user'] }))).toEqual([400, 'M_INVALID_PARAM']);
    expect(refusal(() => plan({ invite_3pid: [{ medium: 'email' }] }))).toEqual([400, 'M_UNKNOWN']);
    expect(refusal(() => plan({ initial_state: [{ type: 'm.room.create', content: {} }] }))).toEqual([400, 'M_INVALID_PARAM']);
    expect(refusal(() => plan({ creation_content: { additional_creators: 'x' } }, v12))).toEqual([400, 'M_BAD_JSON']);
  });
});

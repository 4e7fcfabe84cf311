// Room upgrades (Client-Server API, "Room Upgrades", "Server behaviour" steps 1–6).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { CreateRoomRequest } from '../../../src/roomserver/api.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { member, message, openHarness, roomRequest, SERVER, user, type Harness } from './harness.ts';

const alice = user('alice');
const bob = user('bob');
const mod = user('mod');
const spammer = user('spammer');

forEachDatabase('roomserver upgradeRoom', (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(ctx.db());
  });
  afterAll(() => h.close());

  let rooms = 0;
  async function oldRoom(version: string): Promise<string> {
    const alias = `#old-${++rooms}:${SERVER}`;
    const users = version === '12' ? { [mod]: 100, [bob]: 0 } : { [alice]: 100, [mod]: 100, [bob]: 0 };
    const extra: CreateRoomRequest['initialEvents'] = [
      { type: 'm.room.name', stateKey: '', content: { name: 'Old' } },
      { type: 'm.room.topic', stateKey: '', content: { topic: 'Topic' } },
      { type: 'm.room.avatar', stateKey: '', content: { url: 'mxc://a/b' } },
      { type: 'm.room.guest_access', stateKey: '', content: { guest_access: 'can_join' } },
      { type: 'm.room.encryption', stateKey: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } },
      { type: 'm.room.server_acl', stateKey: '', content: { allow: ['*'], deny: ['bad.example'] } },
      { type: 'm.custom.state', stateKey: '', content: { not: 'copied' } },
    ];
    const { roomId } = await h.rs.createRoom(roomRequest(version, alice, { users, extra, createContent: { type: 'm.space' } }));
    for (const u of [bob, mod]) await h.rs.sendEvent({ roomId, sender: u, event: member(u, 'join') });
    await h.rs.sendEvent({ roomId, sender: alice, event: member(spammer, 'ban') });
    await h.rs.setAlias(alias, roomId, alice);
    await h.rs.setVisibility(roomId, 'public');
    return roomId;
  }

  describe.each([
    ['6', '11'],
    ['9', '12'],
    ['12', '12'],
  ])('from room version %s to %s', (from, to) => {
    test('tombstone, replacement room with predecessor and copied state, aliases and directory moved', async () => {
      const roomId = await oldRoom(from);
      const aliases = await h.rs.aliasesForRoom(roomId);
      const upgrader = from === '12' ? alice : mod;
      const { replacementRoom } = await h.rs.upgradeRoom(roomId, upgrader, to);
      expect(await h.rs.roomVersion(replacementRoom)).toBe(to);

      const tombstone = (await h.rs.stateEvent(roomId, 'm.room.tombstone', ''))!;
      expect(tombstone.json.content.replacement_room).toBe(replacementRoom);
      expect(tombstone.json.sender).toBe(upgrader);

      const create = (await h.rs.stateEvent(replacementRoom, 'm.room.create', ''))!;
      const predecessor = create.json.content.predecessor as { room_id: string; event_id?: string };
      expect(predecessor.room_id).toBe(roomId);
      // Room IDs chosen ahead (v1–v11) let the predecessor point at the tombstone, the old room's
      // last event; a v12 room's ID is its create event's hash, so the tombstone comes after it.
      expect(predecessor.event_id).toBe(to === '12' ? undefined : tombstone.eventId);
      expect(create.json.content.type).toBe('m.space');
      expect(create.json.sender).toBe(upgrader);

      const state = await h.rs.currentState(replacementRoom);
      const content = (type: string, key = '') => state.find((e) => e.json.type === type && e.json.state_key === key)?.json.content;
      expect(content('m.room.name')).toEqual({ name: 'Old' });
      expect(content('m.room.topic')).toEqual({ topic: 'Topic' });
      expect(content('m.room.avatar')).toEqual({ url: 'mxc://a/b' });
      expect(content('m.room.guest_access')).toEqual({ guest_access: 'can_join' });
      expect(content('m.room.encryption')).toEqual({ algorithm: 'm.megolm.v1.aes-sha2' });
      expect(content('m.room.server_acl')).toEqual({ allow: ['*'], deny: ['bad.example'] });
      expect(content('m.room.join_rules')).toEqual({ join_rule: 'public' });
      expect(content('m.room.history_visibility')).toEqual({ history_visibility: 'shared' });
      expect(content('m.custom.state')).toBeUndefined();
      expect(content('m.room.member', spammer)).toEqual({ membership: 'ban' });
      expect(content('m.room.member', bob)).toBeUndefined();
      const users = content('m.room.power_levels')!.users as Record<string, number>;
      // v12: the upgrading user created the room and may not be listed; before, their power stays.
      if (to === '12') expect(users[upgrader]).toBeUndefined();
      else expect(users[upgrader]).toBe(100);
      expect(users[bob]).toBe(0);

      expect(await h.rs.aliasesForRoom(replacementRoom)).toEqual(aliases);
      expect(aliases).toHaveLength(1);
      expect(await h.rs.aliasesForRoom(roomId)).toEqual([]);
      expect(await h.rs.visibility(replacementRoom)).toBe('public');
      expect(await h.rs.visibility(roomId)).toBe('private');

      // Step 6: users can no longer send in the old room.
      const pl = (await h.rs.stateEvent(roomId, 'm.room.power_levels', ''))!.json.content;
      expect(pl.events_default).toBe(50);
      expect(pl.invite).toBe(50);
      expect((await h.rs.sendEvent({ roomId, sender: bob, event: message('hello?') }).catch((e) => e)).errcode).toBe('M_FORBIDDEN');
      await h.rs.sendEvent({ roomId: replacementRoom, sender: bob, event: member(bob, 'join') });
      await h.rs.sendEvent({ roomId: replacementRoom, sender: bob, event: message('moved') });
    });
  });

  test('a user without the power to send the tombstone may not upgrade', async () => {
    const roomId = await oldRoom('10');
    const err = await h.rs.upgradeRoom(roomId, bob, '11').catch((e) => e);
    expect(err.errcode).toBe('M_FORBIDDEN');
    expect(await h.rs.stateEvent(roomId, 'm.room.tombstone', '')).toBeNull();
  });

  test('an unknown room version is M_UNSUPPORTED_ROOM_VERSION', async () => {
    const roomId = await oldRoom('10');
    expect((await h.rs.upgradeRoom(roomId, mod, '42').catch((e) => e)).errcode).toBe('M_UNSUPPORTED_ROOM_VERSION');
  });

  test('a user raised only to copy the state gets their own level back', async () => {
    // state_default 50, but the upgrader has power 60 and the room needs 100 for the server ACL.
    const users = { [alice]: 100, [mod]: 60 };
    const pl = { users, events: { 'm.room.tombstone': 60, 'm.room.server_acl': 100, 'm.room.power_levels': 60 } };
    const { roomId } = await h.rs.createRoom({
      ...roomRequest('10', alice),
      initialEvents: [...roomRequest('10', alice).initialEvents.filter((e) => e.type !== 'm.room.power_levels'), { type: 'm.room.power_levels', stateKey: '', content: pl }],
    });
    await h.rs.sendEvent({ roomId, sender: mod, event: member(mod, 'join') });
    const { replacementRoom } = await h.rs.upgradeRoom(roomId, mod, '11');
    const after = (await h.rs.stateEvent(replacementRoom, 'm.room.power_levels', ''))!.json.content;
    expect((after.users as Record<string, number>)[mod]).toBe(60);
  });
});

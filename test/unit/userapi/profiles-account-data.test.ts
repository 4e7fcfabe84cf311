// Profiles (Client-Server API, "Profiles", with the v1.16 custom fields and their size limits)
// and account data ("Client Config") over both databases; account data changes are announced on
// the OutputClientData stream.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { STREAM } from '../../../src/bus/streams.ts';
import type { BusMessage } from '../../../src/bus/types.ts';
import type { OutputClientData } from '../../../src/userapi/api.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type UserapiHarness, uid, uniqueLocalpart, userapiHarness } from './harness.ts';

forEachDatabase('userapi profiles and account data', (dbc) => {
  let h: UserapiHarness;
  beforeAll(async () => {
    h = await userapiHarness(dbc.db());
  });
  afterAll(() => h.close());

  async function newUser() {
    const lp = uniqueLocalpart();
    await h.api.createAccount({ localpart: lp, kind: 'user' });
    return uid(lp);
  }

  test('profile fields: set, replace, delete; custom fields keep their JSON type', async () => {
    const userId = await newUser();
    await h.api.setProfileField(userId, 'displayname', 'Alice');
    await h.api.setProfileField(userId, 'avatar_url', 'mxc://x/y');
    await h.api.setProfileField(userId, 'org.example.data', { nested: [1, true] });
    await h.api.setProfileField(userId, 'displayname', 'Alice 2');
    expect(await h.api.getProfile(userId)).toEqual({
      displayname: 'Alice 2',
      avatar_url: 'mxc://x/y',
      'org.example.data': { nested: [1, true] },
    });
    await h.api.deleteProfileField(userId, 'avatar_url');
    await h.api.deleteProfileField(userId, 'avatar_url');
    expect(await h.api.getProfile(userId)).not.toHaveProperty('avatar_url');
  });

  test('unknown users have no profile: null, and M_NOT_FOUND when writing', async () => {
    expect(await h.api.getProfile(uid('nobody-here'))).toBeNull();
    expect(await h.api.getProfile('@someone:other.example')).toBeNull();
    await expect(h.api.setProfileField(uid('nobody-here'), 'displayname', 'x')).rejects.toMatchObject({ errcode: 'M_NOT_FOUND' });
  });

  test('profile limits: M_KEY_TOO_LARGE past 255 bytes, M_PROFILE_TOO_LARGE past 64 KiB (and nothing stored)', async () => {
    const userId = await newUser();
    await expect(h.api.setProfileField(userId, `org.example.${'k'.repeat(250)}`, 1)).rejects.toMatchObject({
      errcode: 'M_KEY_TOO_LARGE',
      status: 400,
    });
    await h.api.setProfileField(userId, 'org.example.big', 'x'.repeat(60_000));
    await expect(h.api.setProfileField(userId, 'org.example.big2', 'y'.repeat(10_000))).rejects.toMatchObject({
      errcode: 'M_PROFILE_TOO_LARGE',
    });
    expect(await h.api.getProfile(userId)).not.toHaveProperty('org.example.big2');
  });

  test('account data: global and per room, replaced on write, announced on OutputClientData', async () => {
    const userId = await newUser();
    const seen: OutputClientData[] = [];
    const sub = await h.bus.consume(
      { stream: STREAM.OutputClientData, durable: `test-${dbc.kind}` },
      async (m: BusMessage) => {
        seen.push(m.json<OutputClientData>());
      },
    );
    await h.api.setAccountData(userId, '', 'm.direct', { '@b:x': ['!r:x'] });
    await h.api.setAccountData(userId, '!room:x', 'm.tag', { tags: {} });
    await h.api.setAccountData(userId, '', 'm.direct', { '@c:x': ['!s:x'] });
    expect(await h.api.getAccountData(userId, '', 'm.direct')).toEqual({ '@c:x': ['!s:x'] });
    expect(await h.api.getAccountData(userId, '!room:x', 'm.tag')).toEqual({ tags: {} });
    expect(await h.api.getAccountData(userId, '!other:x', 'm.tag')).toBeNull();
    expect(await h.api.allAccountData(userId)).toEqual({
      global: { 'm.direct': { '@c:x': ['!s:x'] } },
      rooms: { '!room:x': { 'm.tag': { tags: {} } } },
    });
    for (let i = 0; i < 100 && seen.length < 3; i++) await Bun.sleep(5);
    await sub.stop();
    expect(seen).toEqual([
      { userId, roomId: '', type: 'm.direct' },
      { userId, roomId: '!room:x', type: 'm.tag' },
      { userId, roomId: '', type: 'm.direct' },
    ]);
  });
});

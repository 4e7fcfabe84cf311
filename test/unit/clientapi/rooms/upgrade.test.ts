// Client-Server API, "Room Upgrades" (room_upgrades.yaml and the module's "Server behaviour"):
// POST /rooms/{roomId}/upgrade, its refusals, and the user settings that follow the room; SyTest
// tests/30rooms/60version_upgrade.pl. Also the rate limits of sends and joins ("rateLimited").
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../../helpers/databases.ts';
import { SERVER, client, enc, registerUser, roomsHarness, type RoomsHarness, type TestUser, v3 } from './harness.ts';

forEachDatabase('client API room upgrades', (dbc) => {
  let h: RoomsHarness;
  let c: ReturnType<typeof client>;
  let alice: TestUser;
  beforeAll(async () => {
    h = await roomsHarness(dbc);
    c = client(h);
    alice = await registerUser(h.app);
  });
  afterAll(() => h.close());

  const status = (r: { status: number; body: { errcode?: string } }) => [r.status, r.body?.errcode];
  const upgrade = (user: TestUser, roomId: string, body: Record<string, unknown>) => c.call('POST', v3(`/rooms/${enc(roomId)}/upgrade`), body, user.token);

  test('upgrade: the replacement room links back to a tombstoned old room; m.direct and tags follow the upgrader and joiners', async () => {
    const bob = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { preset: 'public_chat', room_version: '10' });
    await c.join(bob, roomId);
    await c.call('PUT', v3(`/user/${enc(alice.userId)}/account_data/m.direct`), { [bob.userId]: [roomId] }, alice.token);
    await c.call('PUT', v3(`/user/${enc(bob.userId)}/rooms/${enc(roomId)}/account_data/m.tag`), { tags: { 'm.favourite': {} } }, bob.token);
    const r = await upgrade(alice, roomId, { new_version: '11' });
    expect(r.status).toBe(200);
    const newRoom = r.body.replacement_room as string;
    const tombstone = (await c.getState(alice, roomId, 'm.room.tombstone')).body;
    expect(tombstone.replacement_room).toBe(newRoom);
    const create = (await c.getState(alice, newRoom, 'm.room.create')).body;
    expect(create.room_version).toBe('11');
    expect(create.predecessor.room_id).toBe(roomId);
    const direct = await c.call('GET', v3(`/user/${enc(alice.userId)}/account_data/m.direct`), undefined, alice.token);
    expect(direct.body).toEqual({ [bob.userId]: [roomId, newRoom] });
    expect((await c.join(bob, newRoom)).status).toBe(200);
    const tags = await c.call('GET', v3(`/user/${enc(bob.userId)}/rooms/${enc(newRoom)}/account_data/m.tag`), undefined, bob.token);
    expect(tags.body).toEqual({ tags: { 'm.favourite': {} } });
  });

  test('refusals: unknown version 400 M_UNSUPPORTED_ROOM_VERSION; members without the tombstone level 403; unknown rooms 404', async () => {
    const bob = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { preset: 'public_chat' });
    await c.join(bob, roomId);
    expect(status(await upgrade(alice, roomId, { new_version: 'my_bad_version' }))).toEqual([400, 'M_UNSUPPORTED_ROOM_VERSION']);
    expect(status(await upgrade(bob, roomId, { new_version: '11' }))).toEqual([403, 'M_FORBIDDEN']);
    const eve = await registerUser(h.app);
    expect(status(await upgrade(eve, roomId, { new_version: '11' }))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await upgrade(alice, '!fail:unknown', { new_version: '11' }))).toEqual([404, 'M_NOT_FOUND']);
    expect(status(await upgrade(alice, roomId, {}))).toEqual([400, 'M_MISSING_PARAM']);
    expect(status(await upgrade(alice, roomId, { new_version: '12', additional_creators: [bob.userId] }))).toEqual([400, 'M_UNKNOWN']);
  });
});

forEachDatabase('client API rate limits on sends and joins', (dbc) => {
  let h: RoomsHarness;
  beforeAll(async () => {
    h = await roomsHarness(dbc, { rateLimit: { threshold: 3 } });
  });
  afterAll(() => h.close());

  test('past the threshold, sends and joins answer 429 M_LIMIT_EXCEEDED with retry_after_ms', async () => {
    const c = client(h);
    // Registration is limited too: one user per window here.
    const alice = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { preset: 'public_chat' });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await c.send(alice, roomId, { body: `${i}` }, `rl${i}`)).status);
    const limited = await c.send(alice, roomId, { body: 'x' }, 'rl-x');
    // createRoom used the first of the device's three requests in the window.
    expect(codes).toEqual([200, 200, 429]);
    expect([limited.status, limited.body.errcode]).toEqual([429, 'M_LIMIT_EXCEEDED']);
    expect(limited.body.retry_after_ms).toBeGreaterThan(0);
    const joinLimited = await c.join(alice, `#nothing:${SERVER}`);
    expect(joinLimited.status).toBe(429);
  });
});

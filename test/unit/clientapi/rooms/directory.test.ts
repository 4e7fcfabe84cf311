// Client-Server API, "Room aliases" (directory.yaml) and "Published room directory"
// (list_public_rooms.yaml); SyTest tests/10apidoc/32room-alias.pl, 30rooms/05aliases.pl,
// 70publicroomslist.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../../helpers/databases.ts';
import { SERVER, client, enc, registerUser, roomsHarness, type RoomsHarness, type TestUser, v3 } from './harness.ts';

forEachDatabase('client API aliases and room directory', (dbc) => {
  let h: RoomsHarness;
  let c: ReturnType<typeof client>;
  let alice: TestUser;
  let n = 0;
  beforeAll(async () => {
    h = await roomsHarness(dbc);
    c = client(h);
    alice = await registerUser(h.app);
  });
  afterAll(() => h.close());

  const status = (r: { status: number; body: { errcode?: string } }) => [r.status, r.body?.errcode];
  const fresh = () => `#a-${dbc.kind}-${n++}:${SERVER}`;
  const putAlias = (user: TestUser, alias: string, roomId: string) => c.call('PUT', v3(`/directory/room/${enc(alias)}`), { room_id: roomId }, user.token);
  const delAlias = (user: TestUser, alias: string) => c.call('DELETE', v3(`/directory/room/${enc(alias)}`), {}, user.token);
  const getAlias = (alias: string) => c.call('GET', v3(`/directory/room/${enc(alias)}`));

  test('PUT creates an alias (Unicode too) that GET resolves without a token; /rooms/{roomId}/aliases lists it', async () => {
    const roomId = await c.createRoom(alice);
    expect((await c.call('GET', v3(`/rooms/${enc(roomId)}/aliases`), undefined, alice.token)).body).toEqual({ aliases: [] });
    const alias = fresh();
    expect((await putAlias(alice, alias, roomId)).body).toEqual({});
    expect((await getAlias(alias)).body).toEqual({ room_id: roomId, servers: [SERVER] });
    const coffee = `#☕-${dbc.kind}:${SERVER}`;
    expect((await putAlias(alice, coffee, roomId)).status).toBe(200);
    expect((await getAlias(coffee)).body.room_id).toBe(roomId);
    expect(((await c.call('GET', v3(`/rooms/${enc(roomId)}/aliases`), undefined, alice.token)).body.aliases as string[]).sort()).toEqual([alias, coffee].sort());
  });

  test('refusals: taken 409 M_UNKNOWN; bad grammar or another server 400 M_INVALID_PARAM; unknown room 404; non-members 403', async () => {
    const roomId = await c.createRoom(alice);
    const alias = fresh();
    await putAlias(alice, alias, roomId);
    expect(status(await putAlias(alice, alias, roomId))).toEqual([409, 'M_UNKNOWN']);
    expect(status(await putAlias(alice, 'no-sigil', roomId))).toEqual([400, 'M_INVALID_PARAM']);
    expect(status(await putAlias(alice, '#x:remote.example', roomId))).toEqual([400, 'M_INVALID_PARAM']);
    expect(status(await putAlias(alice, fresh(), `!missing:${SERVER}`))).toEqual([404, 'M_NOT_FOUND']);
    const eve = await registerUser(h.app);
    expect(status(await putAlias(eve, fresh(), roomId))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await c.call('GET', v3(`/rooms/${enc(roomId)}/aliases`), undefined, eve.token))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await getAlias(fresh()))).toEqual([404, 'M_NOT_FOUND']);
    expect(status(await getAlias('#x:remote.example'))).toEqual([404, 'M_NOT_FOUND']);
    expect(status(await getAlias('bad'))).toEqual([400, 'M_INVALID_PARAM']);
  });

  test('DELETE: by the alias creator (no ops needed) or a user with power over the canonical alias; others 403; unknown 404', async () => {
    const bob = await registerUser(h.app);
    const carol = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { preset: 'public_chat', room_version: '10' });
    await c.join(bob, roomId);
    await c.join(carol, roomId);
    const byBob = fresh();
    expect((await putAlias(bob, byBob, roomId)).status).toBe(200);
    expect(status(await delAlias(carol, byBob))).toEqual([403, 'M_FORBIDDEN']);
    expect((await delAlias(bob, byBob)).status).toBe(200);
    expect(status(await getAlias(byBob))).toEqual([404, 'M_NOT_FOUND']);
    expect(status(await delAlias(bob, byBob))).toEqual([404, 'M_NOT_FOUND']);
    const byAlice = fresh();
    await putAlias(alice, byAlice, roomId);
    const pl = (await c.getState(alice, roomId, 'm.room.power_levels')).body;
    pl.users[carol.userId] = 100;
    await c.putState(alice, roomId, 'm.room.power_levels', pl);
    expect((await delAlias(carol, byAlice)).status).toBe(200);
  });

  test('deleting the canonical alias updates m.room.canonical_alias; an alias creator without power may still delete it', async () => {
    const bob = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { preset: 'public_chat' });
    await c.join(bob, roomId);
    const canonical = fresh();
    const alt = fresh();
    await putAlias(alice, canonical, roomId);
    await putAlias(bob, alt, roomId);
    expect((await c.putState(alice, roomId, 'm.room.canonical_alias', { alias: canonical, alt_aliases: [alt] })).status).toBe(200);
    expect((await delAlias(alice, canonical)).status).toBe(200);
    expect((await c.getState(alice, roomId, 'm.room.canonical_alias')).body).toEqual({ alt_aliases: [alt] });
    // Bob cannot send the canonical alias event, yet deleting his alias succeeds.
    expect((await delAlias(bob, alt)).status).toBe(200);
    expect((await c.getState(alice, roomId, 'm.room.canonical_alias')).body).toEqual({ alt_aliases: [alt] });
  });

  test('directory visibility: GET without a token, PUT by moderators only, unknown rooms 404', async () => {
    const bob = await registerUser(h.app);
    const roomId = await c.createRoom(alice, { preset: 'public_chat' });
    await c.join(bob, roomId);
    const path = v3(`/directory/list/room/${enc(roomId)}`);
    expect((await c.call('GET', path)).body).toEqual({ visibility: 'private' });
    expect(status(await c.call('PUT', path, { visibility: 'public' }, bob.token))).toEqual([403, 'M_FORBIDDEN']);
    expect((await c.call('PUT', path, {}, alice.token)).status).toBe(200);
    expect((await c.call('GET', path)).body).toEqual({ visibility: 'public' });
    expect((await c.call('PUT', path, { visibility: 'private' }, alice.token)).status).toBe(200);
    expect((await c.call('GET', path)).body).toEqual({ visibility: 'private' });
    expect(status(await c.call('PUT', path, { visibility: 'hidden' }, alice.token))).toEqual([400, 'M_INVALID_PARAM']);
    expect(status(await c.call('GET', v3(`/directory/list/room/${enc(`!missing:${SERVER}`)}`)))).toEqual([404, 'M_NOT_FOUND']);
  });

  test('publicRooms: GET without a token, POST with a filter, pagination both ways, our own server name; others need federation', async () => {
    const tag = `wombles${dbc.kind}`;
    const names = ['one', 'two', 'three', 'four', 'five'];
    const ids: string[] = [];
    for (const name of names) ids.push(await c.createRoom(alice, { visibility: 'public', name: `${name} ${tag}`, topic: 'Test Topic' }));
    const hidden = await c.createRoom(alice, { visibility: 'private', name: `hidden ${tag}` });
    const all = (await c.call('GET', v3('/publicRooms'))).body;
    const listed = (all.chunk as { room_id: string }[]).map((r) => r.room_id);
    for (const id of ids) expect(listed).toContain(id);
    expect(listed).not.toContain(hidden);
    const first = (all.chunk as Record<string, unknown>[]).find((r) => r.room_id === ids[0])!;
    expect(first).toMatchObject({ name: `one ${tag}`, topic: 'Test Topic', num_joined_members: 1, world_readable: false, guest_can_join: false, join_rule: 'public' });

    const search = await c.call('POST', v3(`/publicRooms?server=${SERVER}`), { filter: { generic_search_term: tag.toUpperCase() } }, alice.token);
    expect((search.body.chunk as { room_id: string }[]).map((r) => r.room_id).sort()).toEqual([...ids].sort());

    const seen: string[] = [];
    let since: string | undefined;
    let prev: string | undefined;
    do {
      const page = (await c.call('POST', v3('/publicRooms'), { limit: 2, since, filter: { generic_search_term: tag } }, alice.token)).body;
      expect(page.chunk.length).toBeLessThanOrEqual(2);
      seen.push(...(page.chunk as { room_id: string }[]).map((r) => r.room_id));
      since = page.next_batch;
      prev = page.prev_batch ?? prev;
    } while (since);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(prev).toBeDefined();
    const back = (await c.call('GET', v3(`/publicRooms?limit=2&since=${enc(prev!)}`))).body;
    expect(back.chunk.length).toBeGreaterThan(0);

    expect(status(await c.call('GET', v3('/publicRooms?server=remote.example')))).toEqual([502, 'M_UNKNOWN']);
    expect(status(await c.call('GET', v3('/publicRooms?limit=x')))).toEqual([400, 'M_INVALID_PARAM']);
    expect((await c.call('POST', v3('/publicRooms'), { third_party_instance_id: 'irc' }, alice.token)).body).toEqual({ chunk: [], total_room_count_estimate: 0 });
    expect(status(await c.call('POST', v3('/publicRooms'), { filter: { room_types: [5] } }, alice.token))).toEqual([400, 'M_BAD_JSON']);
    expect((await c.call('POST', v3('/publicRooms'), {})).status).toBe(401);
  });
});

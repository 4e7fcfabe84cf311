// Knocking on a room of another server (Server-Server API, "Knocking upon a room": make_knock,
// send_knock, knock_room_state) in room versions 7 and 12, and joining a restricted room of
// another server (Server-Server API, "Restricted rooms"): the resident server names one of its
// users in join_authorised_via_users_server and signs the join; a user who meets no condition is
// refused with 403 M_FORBIDDEN.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { TestClient } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { enc, eventually, syncUntil } from './sync-until.ts';

describe('knocks and restricted joins between servers', () => {
  let a: TestServer;
  let b: TestServer;
  let alice: TestClient;

  beforeAll(async () => {
    [a, b] = await Promise.all([startServer({ federation: true }), startServer({ federation: true })]);
    alice = await new TestClient(a.url).register('alice');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.cleanup(), b?.cleanup()]);
  });

  const memberOnA = async (roomId: string, userId: string) =>
    (await alice.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(userId)}`)).body.membership as string | undefined;

  for (const version of ['7', '12']) {
    test(`room version ${version}: a user of B knocks on a room of A; B's /sync has the knock with knock_state; A's invite lets them in`, async () => {
      const bob = await new TestClient(b.url).register(`bob${version}`);
      const created = await alice.request('POST', '/_matrix/client/v3/createRoom', {
        room_version: version,
        name: `Knock ${version}`,
        initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }],
      });
      expect(created.status).toBe(200);
      const roomId = created.body.room_id;
      const k = await bob.request('POST', `/_matrix/client/v3/knock/${enc(roomId)}?via=${enc(a.serverName)}`, { reason: 'let me in' });
      expect(k.status).toBe(200);
      expect(k.body.room_id).toBe(roomId);
      await eventually(async () => ((await memberOnA(roomId, bob.userId)) === 'knock' ? true : undefined));
      const knock = await syncUntil(bob, (s) => s.rooms?.knock?.[roomId]);
      const events: any[] = knock.knock_state.events;
      expect(events.find((e) => e.type === 'm.room.name')?.content.name).toBe(`Knock ${version}`);
      expect(events.find((e) => e.type === 'm.room.member' && e.state_key === bob.userId)?.content.membership).toBe('knock');

      expect((await alice.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, { user_id: bob.userId })).status).toBe(200);
      await syncUntil(bob, (s) => s.rooms?.invite?.[roomId]);
      expect((await bob.request('POST', `/_matrix/client/v3/join/${enc(roomId)}?via=${enc(a.serverName)}`, {})).status).toBe(200);
      await eventually(async () => ((await memberOnA(roomId, bob.userId)) === 'join' ? true : undefined));
    }, 60_000);
  }

  test('knocking on a room whose join rule does not allow it is refused by the resident server (403)', async () => {
    const bob = await new TestClient(b.url).register('bobpublic');
    const created = await alice.request('POST', '/_matrix/client/v3/createRoom', { room_version: '7', preset: 'private_chat' });
    const k = await bob.request('POST', `/_matrix/client/v3/knock/${enc(created.body.room_id)}?via=${enc(a.serverName)}`, {});
    expect(k.status).toBe(403);
  }, 30_000);

  test('a restricted room of A: a user of B in the allowed room joins (authorised by A\'s user); one who is not is refused with 403', async () => {
    const space = await alice.request('POST', '/_matrix/client/v3/createRoom', { preset: 'public_chat', room_version: '10' });
    const spaceId = space.body.room_id;
    const created = await alice.request('POST', '/_matrix/client/v3/createRoom', {
      room_version: '10',
      initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: spaceId }] } }],
    });
    const roomId = created.body.room_id;
    const carol = await new TestClient(b.url).register('carol');
    const outsider = await new TestClient(b.url).register('outsider');
    expect((await carol.request('POST', `/_matrix/client/v3/join/${enc(spaceId)}?via=${enc(a.serverName)}`, {})).status).toBe(200);
    const j = await carol.request('POST', `/_matrix/client/v3/join/${enc(roomId)}?via=${enc(a.serverName)}`, {});
    expect(j.status).toBe(200);
    await eventually(async () => ((await memberOnA(roomId, carol.userId)) === 'join' ? true : undefined));
    const ev = await alice.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(carol.userId)}`);
    expect(ev.body.join_authorised_via_users_server).toBe(alice.userId);
    const refused = await outsider.request('POST', `/_matrix/client/v3/join/${enc(roomId)}?via=${enc(a.serverName)}`, {});
    expect(refused.status).toBe(403);
    expect(refused.body.errcode).toBe('M_FORBIDDEN');
  }, 60_000);
});

// Inviting another server's user (Server-Server API, "Inviting to a room", v2; Client-Server API,
// "Room membership"): the invited server countersigns and stores the invite out of band, so its
// user sees it in /sync with the stripped room state; accepting joins through the inviting
// server, rejecting leaves through it ("Leaving Rooms (Rejecting Invites)").
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { TestClient } from '../helpers/client.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { enc, eventually, syncUntil, timelineOf } from './sync-until.ts';

describe('invites between servers', () => {
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

  async function privateRoom(name: string): Promise<string> {
    const r = await alice.request('POST', '/_matrix/client/v3/createRoom', { preset: 'private_chat', name });
    expect(r.status).toBe(200);
    return r.body.room_id;
  }

  async function memberOnA(roomId: string, userId: string): Promise<string | undefined> {
    const m = await alice.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(userId)}`);
    return m.status === 200 ? m.body.membership : undefined;
  }

  test('an invite reaches the other server\'s user in /sync with invite_state; accepting it joins through the inviting server', async () => {
    const bob = await new TestClient(b.url).register('bob');
    const roomId = await privateRoom('Secret');
    const inv = await alice.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, { user_id: bob.userId });
    expect(inv.status).toBe(200);
    expect(await memberOnA(roomId, bob.userId)).toBe('invite');
    const invite = await syncUntil(bob, (s) => s.rooms?.invite?.[roomId]);
    const events: any[] = invite.invite_state.events;
    expect(events.find((e) => e.type === 'm.room.name')?.content.name).toBe('Secret');
    const own = events.find((e) => e.type === 'm.room.member' && e.state_key === bob.userId);
    expect(own.content.membership).toBe('invite');
    expect(own.sender).toBe(alice.userId);

    // No `via`: the inviting server is asked.
    const j = await bob.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/join`, {});
    expect(j.status).toBe(200);
    await eventually(async () => ((await memberOnA(roomId, bob.userId)) === 'join' ? true : undefined));
    const sent = await alice.request('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/m1`, { msgtype: 'm.text', body: 'welcome' });
    await syncUntil(bob, (s) => timelineOf(s, roomId).find((e) => e.event_id === sent.body.event_id));
  }, 60_000);

  test('rejecting an invite leaves through the inviting server: A sees the leave, B\'s user no longer has the invite', async () => {
    const dave = await new TestClient(b.url).register('dave');
    const roomId = await privateRoom('Declined');
    expect((await alice.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, { user_id: dave.userId })).status).toBe(200);
    const since = await syncUntil(dave, (s) => (s.rooms?.invite?.[roomId] ? s.next_batch : undefined));
    const l = await dave.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/leave`, { reason: 'no thanks' });
    expect(l.status).toBe(200);
    await eventually(async () => ((await memberOnA(roomId, dave.userId)) === 'leave' ? true : undefined));
    const left = await syncUntil(dave, (s) => s.rooms?.leave?.[roomId], 20_000, since);
    expect(left).toBeDefined();
    const again = await dave.request('GET', '/_matrix/client/v3/sync');
    expect(again.body.rooms?.invite?.[roomId]).toBeUndefined();
  }, 60_000);

  test('a user of B invites a user of A into a room of B', async () => {
    const erin = await new TestClient(b.url).register('erin');
    const r = await erin.request('POST', '/_matrix/client/v3/createRoom', { preset: 'private_chat', name: 'From B' });
    const roomId = r.body.room_id;
    expect((await erin.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, { user_id: alice.userId })).status).toBe(200);
    await syncUntil(alice, (s) => s.rooms?.invite?.[roomId]);
    expect((await alice.request('POST', `/_matrix/client/v3/join/${enc(roomId)}`, {})).status).toBe(200);
    await eventually(async () => {
      const m = await erin.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/joined_members`);
      return alice.userId in (m.body.joined ?? {}) ? true : undefined;
    });
  }, 60_000);
});

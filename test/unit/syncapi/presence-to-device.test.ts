// Client-Server API, "Presence" (GET/PUT /presence/{userId}/status, /sync's set_presence and
// presence section) and "Send-to-Device messaging" (PUT /sendToDevice, the to_device section,
// deletion once acknowledged); after SyTest tests/10apidoc/20presence.pl, 31sync/05presence.pl,
// 31sync/03joined.pl, 40presence.pl and 21presence-events.pl.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type SyncHarness, type TestUser, client, enc, syncHarness, v3 } from './harness.ts';

type Ev = { type: string; sender: string; content: Record<string, any> };
const presenceOnly = { presence: { types: ['m.presence'] }, account_data: { types: [] }, room: { rooms: [] } };

forEachDatabase('sync: presence and to-device', (dbc) => {
  let h: SyncHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await syncHarness(dbc);
    c = client(h);
  });
  afterAll(() => h.close());

  const presenceOf = (body: { presence: { events: Ev[] } }, userId: string) => body.presence.events.find((e) => e.sender === userId);
  const setStatus = (user: TestUser, presence: string, status_msg?: string) =>
    c.call('PUT', v3(`/presence/${enc(user.userId)}/status`), { presence, ...(status_msg ? { status_msg } : {}) }, user.token);

  test('a user who never synced is offline; syncing marks them online; their own presence comes down', async () => {
    const user = await c.register();
    const before = await c.call('GET', v3(`/presence/${enc(user.userId)}/status`), undefined, user.token);
    expect(before.body).toEqual({ presence: 'offline' });
    const filter = await c.filter(user, presenceOnly);
    await c.sync(user, { filter });
    const body = await c.sync(user, { filter });
    expect(presenceOf(body, user.userId)?.content).toMatchObject({ presence: 'online', currently_active: true });
    expect(presenceOf(body, user.userId)?.content.last_active_ago).toBeGreaterThanOrEqual(0);
    const offline = await c.register();
    const off = await c.sync(offline, { filter: await c.filter(offline, presenceOnly), set_presence: 'offline' });
    expect(presenceOf(off, offline.userId)?.content.presence ?? 'offline').toBe('offline');
  });

  test('PUT status updates presence and status_msg for room members, waking their syncs; others may not set it', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const roomId = await c.createRoom(a, { preset: 'public_chat' });
    await c.join(b, roomId);
    const fb = await c.filter(b, presenceOnly);
    const first = await c.sync(b, { filter: fb, set_presence: 'offline' });
    const waiting = c.sync(b, { filter: fb, since: first.next_batch, timeout: 5000, set_presence: 'offline' });
    await Bun.sleep(20);
    expect((await setStatus(a, 'unavailable', 'Testing something')).status).toBe(200);
    const body = await waiting;
    expect(presenceOf(body, a.userId)?.content).toMatchObject({ presence: 'unavailable', status_msg: 'Testing something' });
    const got = await c.call('GET', v3(`/presence/${enc(a.userId)}/status`), undefined, b.token);
    expect(got.body).toMatchObject({ presence: 'unavailable', status_msg: 'Testing something' });
    expect((await setStatus(b, 'online')).status).toBe(200);
    const other = await c.call('PUT', v3(`/presence/${enc(a.userId)}/status`), { presence: 'online' }, b.token);
    expect(other.status).toBe(403);
    expect((await c.call('PUT', v3(`/presence/${enc(a.userId)}/status`), { presence: 'away' }, a.token)).status).toBe(400);
  });

  test('a newly joined room brings the presence of its members, once (SyTest "Newly joined room includes presence")', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const roomId = await c.createRoom(a, { preset: 'public_chat' });
    const first = await c.sync(b);
    await c.join(b, roomId);
    const second = await c.sync(b, { since: first.next_batch });
    const others = second.presence.events.filter((e: Ev) => e.sender !== b.userId);
    expect(others.map((e: Ev) => [e.type, e.sender])).toEqual([['m.presence', a.userId]]);
    const third = await c.sync(b, { since: second.next_batch });
    expect(third.presence.events).toEqual([]);
  });

  test('a member who joins brings their presence to the others (SyTest "Get presence for newly joined members")', async () => {
    const [a, b] = [await c.register(), await c.register()];
    const roomId = await c.createRoom(a, { preset: 'public_chat' });
    const first = await c.sync(a);
    const settled = await c.sync(a, { since: first.next_batch });
    await c.join(b, roomId);
    const second = await c.sync(a, { since: settled.next_batch });
    expect(second.presence.events.filter((e: Ev) => e.sender !== a.userId).map((e: Ev) => e.sender)).toEqual([b.userId]);
  });

  test('to-device: delivered to the device, deduplicated by transaction ID, deleted once acknowledged; `*` is every device', async () => {
    const [sender, recipient] = [await c.register(), await c.register()];
    const first = await c.sync(recipient);
    const put = (txn: string, messages: Record<string, unknown>) =>
      c.call('PUT', v3(`/sendToDevice/m.test/${txn}`), { messages }, sender.token);
    expect((await put('txn1', { [recipient.userId]: { [recipient.deviceId]: { n: 1 } } })).status).toBe(200);
    expect((await put('txn1', { [recipient.userId]: { [recipient.deviceId]: { n: 1 } } })).status).toBe(200);
    const got = await c.sync(recipient, { since: first.next_batch });
    expect(got.to_device.events).toEqual([{ type: 'm.test', sender: sender.userId, content: { n: 1 } }]);
    // Not acknowledged yet: the same `since` gets it again.
    expect((await c.sync(recipient, { since: first.next_batch })).to_device.events).toHaveLength(1);
    const acked = await c.sync(recipient, { since: got.next_batch });
    expect(acked.to_device.events).toEqual([]);
    expect((await c.sync(recipient, { since: first.next_batch })).to_device.events).toEqual([]);
    expect((await put('txn2', { [recipient.userId]: { '*': { n: 2 } } })).status).toBe(200);
    const star = await c.sync(recipient, { since: acked.next_batch });
    expect(star.to_device.events).toEqual([{ type: 'm.test', sender: sender.userId, content: { n: 2 } }]);
  });

  test('a long-polling sync wakes for a to-device message', async () => {
    const [sender, recipient] = [await c.register(), await c.register()];
    const first = await c.sync(recipient);
    const waiting = c.sync(recipient, { since: first.next_batch, timeout: 5000 });
    await Bun.sleep(20);
    await c.call('PUT', v3('/sendToDevice/m.test/wake'), { messages: { [recipient.userId]: { [recipient.deviceId]: { hi: true } } } }, sender.token);
    expect((await waiting).to_device.events).toHaveLength(1);
  });
});

describe('presence switched off (global.presence)', () => {
  forEachDatabase('sync: presence disabled', (dbc) => {
    let h: SyncHarness;
    let c: ReturnType<typeof client>;
    beforeAll(async () => {
      h = await syncHarness(dbc, { presence: false });
      c = client(h);
    });
    afterAll(() => h.close());

    test('the presence endpoints answer 403 M_FORBIDDEN and /sync carries no presence', async () => {
      const user = await c.register();
      const get = await c.call('GET', v3(`/presence/${enc(user.userId)}/status`), undefined, user.token);
      expect([get.status, get.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
      const put = await c.call('PUT', v3(`/presence/${enc(user.userId)}/status`), { presence: 'online' }, user.token);
      expect([put.status, put.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
      await c.sync(user);
      expect((await c.sync(user)).presence.events).toEqual([]);
    });
  });
});

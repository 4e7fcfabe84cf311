// The federation sender (Server-Server API, "Transactions", "PDUs", "EDUs"): our events and EDUs
// reach the other servers in the room through per-destination queues; a destination that fails
// is retried with the same transaction after a backoff, is blacklisted after
// federation_api.send_max_retries failures, and what was queued survives a restart.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { STREAM } from '../../../src/bus/streams.ts';
import { Queues } from '../../../src/federationapi/sender/queues.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import { type FakeServer, fakeServer, jsonResponse } from './fake-server.ts';
import { eventually, RoomBuilder, type Stack, startStack } from './harness.ts';

describe('sending to the servers in a room', () => {
  let a: Stack;
  let b: Stack;
  let room: RoomBuilder;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    a = await startStack({ seed: 31 });
    b = await startStack({ seed: 32 });
    alice = `@alice:${a.serverName}`;
    bob = `@bob:${b.serverName}`;
    room = new RoomBuilder(a);
    room.create(alice);
    room.add(bob, 'm.room.member', { membership: 'join' }, bob, undefined, b);
    await room.feed(a);
    await room.feed(b);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  test('our event goes to every other server in the room (joined hosts from the room state)', async () => {
    await eventually(async () => (await a.fed.api.joinedHosts(room.roomId)).includes(b.serverName), 5000, 'joined hosts');
    expect((await a.fed.api.joinedHosts(room.roomId)).sort()).toEqual([a.serverName, b.serverName].sort());
    const { eventId } = await a.rs.sendEvent({ roomId: room.roomId, sender: alice, event: { type: 'm.room.message', content: { msgtype: 'm.text', body: 'over federation' } } });
    await eventually(async () => (await b.rs.eventsById([eventId])).length === 1, 5000, 'event on B');
    expect((await b.rs.eventsById([eventId]))[0]!.json.content.body).toBe('over federation');
    // Events that came from elsewhere are not sent on: B does not send A's event back.
    await Bun.sleep(100);
    expect(await b.db.all('SELECT id FROM federationapi_queue_pdus')).toEqual([]);
  });

  test('typing, receipts and to-device messages of our users become EDUs at the other server', async () => {
    const typing = await b.watch(STREAM.OutputTypingEvent);
    const receipts = await b.watch(STREAM.OutputReceiptEvent);
    const toDevice = await b.watch(STREAM.OutputSendToDeviceEvent);
    await b.userapi.createAccount({ localpart: 'bob', password: 'pw', kind: 'user' });
    await b.userapi.createDevice({ userId: bob, deviceId: 'BOBDEV' });
    await a.bus.publish(STREAM.OutputTypingEvent, { roomId: room.roomId, userId: alice, typing: true, timeoutMs: 10_000 });
    await a.bus.publish(STREAM.OutputReceiptEvent, { roomId: room.roomId, userId: alice, receiptType: 'm.read', eventId: room.lastId, ts: 99 });
    await a.bus.publish(STREAM.OutputReceiptEvent, { roomId: room.roomId, userId: alice, receiptType: 'm.read.private', eventId: room.lastId, ts: 98 });
    await a.bus.publish(STREAM.OutputSendToDeviceEvent, { sender: alice, userId: bob, deviceId: 'BOBDEV', type: 'm.test', content: { n: 1 } });
    await eventually(() => typing.messages.length > 0 && receipts.messages.length > 0 && toDevice.messages.length > 0, 5000, 'EDUs at B');
    expect(typing.messages[0]!.json()).toMatchObject({ roomId: room.roomId, userId: alice, typing: true });
    expect(receipts.messages.map((m) => m.json())).toEqual([{ roomId: room.roomId, userId: alice, receiptType: 'm.read', eventId: room.lastId, ts: 99 }]);
    expect(toDevice.messages[0]!.json()).toEqual({ sender: alice, userId: bob, deviceId: 'BOBDEV', type: 'm.test', content: { n: 1 } });
  });

  test('a change of our user\'s devices becomes m.device_list_update EDUs with a stream_id chain ("Device Management")', async () => {
    const updates = await b.watch(STREAM.InputDeviceListUpdate);
    await a.userapi.createAccount({ localpart: 'alice', password: 'pw', kind: 'user' });
    await a.userapi.createDevice({ userId: alice, deviceId: 'ALICEDEV', displayName: 'laptop' });
    await a.bus.publish(STREAM.OutputKeyChangeEvent, { position: 1, userId: alice, kind: 'keys' });
    await eventually(() => updates.messages.length >= 1, 5000, 'first update');
    expect(updates.messages[0]!.json()).toEqual({
      origin: a.serverName,
      user_id: alice,
      device_id: 'ALICEDEV',
      device_display_name: 'laptop',
      stream_id: 1,
      prev_id: [],
      deleted: false,
    });
    await a.userapi.deleteDevices(alice, ['ALICEDEV']);
    await a.bus.publish(STREAM.OutputKeyChangeEvent, { position: 2, userId: alice, kind: 'keys' });
    await eventually(() => updates.messages.length >= 2, 5000, 'second update');
    expect(updates.messages[1]!.json()).toEqual({ origin: a.serverName, user_id: alice, device_id: 'ALICEDEV', stream_id: 2, prev_id: [1], deleted: true });
    // GET /user/devices answers with the same stream position.
    const devices = await b.fed.ctx.client.request<{ user_id: string; stream_id: number; devices: unknown[] }>(a.serverName, 'GET', `/_matrix/federation/v1/user/devices/${encodeURIComponent(alice)}`);
    expect(devices).toEqual({ user_id: alice, stream_id: 2, devices: [] });
  });
});

describe('destination queues: retries, backoff, blacklist, restart', () => {
  let s: Stack;
  let dest: FakeServer;
  beforeAll(async () => {
    s = await startStack({ seed: 33, noSender: true });
    dest = await fakeServer();
  });
  afterAll(async () => {
    await dest.close();
    await s.close();
  });

  const queues = (maxRetries = 16) => {
    let n = 0;
    return new Queues({
      db: s.db,
      log: stderrLogger('error'),
      serverName: s.serverName,
      client: s.fed.ctx.client,
      roomserver: s.rs,
      maxRetries,
      backoff: { baseMs: 30, maxMs: 200 },
      blacklist: new Set(),
      troubled: new Set(),
      nextTxnId: () => `q${Date.now()}-${n++}`,
      now: Date.now,
    });
  };
  const sends = () => dest.requests.filter((r) => r.path.startsWith('/_matrix/federation/v1/send/'));
  const edu = (i: number) => ({ edu_type: 'm.test', content: { i } });

  test('a failing destination gets the same transaction again after a backoff, then the queue drains', async () => {
    let fail = 2;
    dest.handle = () => (fail-- > 0 ? jsonResponse({ errcode: 'M_UNKNOWN' }, 500) : jsonResponse({ pdus: {} }));
    const q = queues();
    await q.start();
    await q.sendEdu([dest.serverName], edu(1));
    await eventually(() => sends().length === 3, 5000, 'three attempts');
    const [t1, t2, t3] = sends();
    expect(t1!.path).toBe(t2!.path);
    expect(t2!.path).toBe(t3!.path);
    expect(JSON.parse(t3!.body).edus).toEqual([edu(1)]);
    expect(t3!.headers.get('content-type')).toBe('application/json');
    expect(t3!.headers.get('authorization')).toStartWith('X-Matrix origin=');
    await eventually(async () => (await s.db.all('SELECT id FROM federationapi_queue_edus')).length === 0, 5000, 'queue drained');
    expect(await s.db.all('SELECT * FROM federationapi_destinations')).toEqual([]);
    await q.close();
  });

  test('what was queued while a destination was down is sent after a restart', async () => {
    dest.requests.length = 0;
    dest.handle = () => jsonResponse({ errcode: 'M_UNKNOWN' }, 503);
    const first = queues();
    await first.start();
    await first.sendEdu([dest.serverName], edu(2));
    await first.sendEdu([dest.serverName], edu(3));
    await eventually(() => sends().length >= 1, 5000, 'a first attempt');
    await first.close();
    dest.handle = () => jsonResponse({ pdus: {} });
    const second = queues();
    await second.start();
    await eventually(async () => (await s.db.all('SELECT id FROM federationapi_queue_edus')).length === 0, 5000, 'queue drained after restart');
    const delivered = sends().flatMap((r) => JSON.parse(r.body).edus as unknown[]);
    expect(delivered).toContainEqual(edu(2));
    expect(delivered).toContainEqual(edu(3));
    await second.close();
  });

  test('after send_max_retries failures the destination is blacklisted and its queue dropped, until it shows it is up', async () => {
    dest.requests.length = 0;
    dest.handle = () => jsonResponse({ errcode: 'M_UNKNOWN' }, 500);
    const q = queues(3);
    await q.start();
    await q.sendEdu([dest.serverName], edu(4));
    await eventually(async () => (await s.db.all('SELECT server_name FROM federationapi_destinations WHERE blacklisted = 1')).length === 1, 5000, 'blacklisted');
    expect(sends().length).toBe(3);
    expect(await s.db.all('SELECT id FROM federationapi_queue_edus')).toEqual([]);
    await q.sendEdu([dest.serverName], edu(5));
    expect(await s.db.all('SELECT id FROM federationapi_queue_edus')).toEqual([]);
    dest.handle = () => jsonResponse({ pdus: {} });
    q.serverIsAlive(dest.serverName);
    await eventually(async () => (await s.db.all('SELECT * FROM federationapi_destinations')).length === 0, 5000, 'un-blacklisted');
    await q.sendEdu([dest.serverName], edu(6));
    await eventually(() => sends().some((r) => JSON.parse(r.body).edus?.[0]?.content?.i === 6), 5000, 'sent again');
    await q.close();
  });

  test('at most 50 PDUs and 100 EDUs go in one transaction', async () => {
    dest.requests.length = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    dest.handle = async () => (await gate, jsonResponse({ pdus: {} }));
    const q = queues();
    await q.start();
    for (let i = 0; i < 150; i++) await q.sendEdu([dest.serverName], edu(100 + i));
    release();
    await eventually(async () => (await s.db.all('SELECT id FROM federationapi_queue_edus')).length === 0, 5000, 'queue drained');
    const sizes = sends().map((r) => (JSON.parse(r.body).edus as unknown[]).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(sizes.reduce((x, y) => x + y, 0)).toBe(150);
    await q.close();
  });
});

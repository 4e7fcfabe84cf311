// Server-Server API, "EDUs" and their modules (Typing Notifications, Receipts, Presence,
// Send-to-device messaging, Device Management, End-to-End Encryption): EDUs another server sends
// us become the bus messages the sync API and the key server consume; EDUs about users who are
// not the sending server's, or not in the room, are dropped.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { STREAM } from '../../../src/bus/streams.ts';
import { sendTransaction } from '../../../src/federationapi/client/calls/events.ts';
import { eventually, RoomBuilder, type Stack, startStack } from './harness.ts';

describe('EDUs received (Server-Server API, "EDUs")', () => {
  let a: Stack;
  let b: Stack;
  let room: RoomBuilder;
  let alice: string;
  let bob: string;
  let n = 0;
  const edu = (edu_type: string, content: unknown) =>
    sendTransaction(a.fed.ctx.client, b.serverName, `e${n++}`, { origin: a.serverName, origin_server_ts: Date.now(), pdus: [], edus: [{ edu_type, content }] });

  beforeAll(async () => {
    a = await startStack({ seed: 21, noSender: true });
    b = await startStack({ seed: 22, noSender: true });
    alice = `@alice:${a.serverName}`;
    bob = `@bob:${b.serverName}`;
    await b.userapi.createAccount({ localpart: 'bob', password: 'pw', kind: 'user' });
    await b.userapi.createDevice({ userId: bob, deviceId: 'PHONE' });
    await b.userapi.createDevice({ userId: bob, deviceId: 'LAPTOP' });
    room = new RoomBuilder(a);
    room.create(alice);
    room.add(bob, 'm.room.member', { membership: 'join' }, bob, undefined, b);
    await room.feed(b);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  test('m.typing from a joined user of the origin goes out on OutputTypingEvent; others are dropped', async () => {
    const w = await b.watch(STREAM.OutputTypingEvent);
    await edu('m.typing', { room_id: room.roomId, user_id: `@stranger:${a.serverName}`, typing: true });
    await edu('m.typing', { room_id: room.roomId, user_id: `@mallory:elsewhere.example`, typing: true });
    await edu('m.typing', { room_id: room.roomId, user_id: alice, typing: true });
    await eventually(() => w.messages.length >= 1, 5000, 'typing message');
    await Bun.sleep(50);
    expect(w.messages.map((m) => m.json())).toEqual([{ roomId: room.roomId, userId: alice, typing: true, timeoutMs: 30_000 }]);
  });

  test('m.receipt becomes OutputReceiptEvent per user and event', async () => {
    const w = await b.watch(STREAM.OutputReceiptEvent);
    await edu('m.receipt', { [room.roomId]: { 'm.read': { [alice]: { event_ids: [room.lastId], data: { ts: 1234, thread_id: 'main' } } } } });
    await eventually(() => w.messages.length >= 1, 5000, 'receipt message');
    expect(w.messages[0]!.json()).toEqual({ roomId: room.roomId, userId: alice, receiptType: 'm.read', eventId: room.lastId, ts: 1234, threadId: 'main' });
  });

  test('m.presence becomes OutputPresenceEvent with last_active_ago turned into a time', async () => {
    const w = await b.watch(STREAM.OutputPresenceEvent);
    const before = Date.now();
    await edu('m.presence', { push: [{ user_id: alice, presence: 'online', last_active_ago: 1000, status_msg: 'hi', currently_active: true }] });
    await eventually(() => w.messages.length >= 1, 5000, 'presence message');
    const p = w.messages[0]!.json<{ userId: string; presence: string; statusMsg: string; lastActiveTs: number }>();
    expect(p).toMatchObject({ userId: alice, presence: 'online', statusMsg: 'hi' });
    expect(p.lastActiveTs).toBeGreaterThanOrEqual(before - 1000 - 50);
    expect(p.lastActiveTs).toBeLessThanOrEqual(Date.now() - 1000);
  });

  test("m.direct_to_device to '*' reaches every device of the local user", async () => {
    const w = await b.watch(STREAM.OutputSendToDeviceEvent);
    await edu('m.direct_to_device', { sender: alice, type: 'm.room_key_request', message_id: 'm1', messages: { [bob]: { '*': { hello: 'all' } } } });
    await eventually(() => w.messages.length >= 2, 5000, 'to-device messages');
    const got = w.messages.map((m) => m.json<{ deviceId: string; sender: string; content: unknown }>());
    expect(got.map((g) => g.deviceId).sort()).toEqual(['LAPTOP', 'PHONE']);
    expect(got[0]).toMatchObject({ sender: alice, userId: bob, type: 'm.room_key_request', content: { hello: 'all' } });
  });

  test('m.direct_to_device from a sender of another server is dropped', async () => {
    const w = await b.watch(STREAM.OutputSendToDeviceEvent);
    await edu('m.direct_to_device', { sender: '@eve:elsewhere.example', type: 't', message_id: 'm2', messages: { [bob]: { PHONE: {} } } });
    await edu('m.direct_to_device', { sender: alice, type: 'after', message_id: 'm3', messages: { [bob]: { PHONE: {} } } });
    await eventually(() => w.messages.length >= 1, 5000, 'to-device message');
    expect(w.messages.map((m) => m.json<{ type: string }>().type)).toEqual(['after']);
  });

  test('m.device_list_update and m.signing_key_update go to the key server (InputDeviceListUpdate, InputSigningKeyUpdate)', async () => {
    const lists = await b.watch(STREAM.InputDeviceListUpdate);
    const signing = await b.watch(STREAM.InputSigningKeyUpdate);
    await edu('m.device_list_update', { user_id: '@eve:elsewhere.example', device_id: 'X', stream_id: 1 });
    await edu('m.device_list_update', { user_id: alice, device_id: 'D1', stream_id: 2, prev_id: [1], device_display_name: 'phone' });
    await edu('m.signing_key_update', { user_id: alice, master_key: { user_id: alice, usage: ['master'], keys: { 'ed25519:m': 'm' } } });
    await eventually(() => lists.messages.length >= 1 && signing.messages.length >= 1, 5000, 'key updates');
    expect(lists.messages.map((m) => m.json())).toEqual([{ origin: a.serverName, user_id: alice, device_id: 'D1', stream_id: 2, prev_id: [1], device_display_name: 'phone' }]);
    expect(signing.messages[0]!.json()).toMatchObject({ origin: a.serverName, user_id: alice, master_key: { usage: ['master'] } });
  });
});

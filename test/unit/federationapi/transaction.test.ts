// Server-Server API, "Transactions" and "Checks performed on receipt of a PDU": PDUs another
// server sends us over PUT /send/{txnId}, with real events signed by that server (another stack
// in this process), checked and handed to the real room server; the answer per PDU; retried
// transactions; events whose prev events we lack fetched with /get_missing_events, or taken in
// with the state from /state_ids.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sendTransaction } from '../../../src/federationapi/client/calls/events.ts';
import type { PduJson } from '../../../src/protocol/event.ts';
import { RoomBuilder, type Stack, startStack } from './harness.ts';

describe('PUT /send/{txnId}: PDUs (Server-Server API, "Transactions")', () => {
  let a: Stack;
  let b: Stack;
  let room: RoomBuilder;
  let alice: string;
  let bob: string;
  let txn = 0;
  const send = (pdus: PduJson[], edus: { edu_type: string; content: unknown }[] = []) =>
    sendTransaction(a.fed.ctx.client, b.serverName, `t${txn++}`, { origin: a.serverName, origin_server_ts: Date.now(), pdus, edus });
  const stored = async (id: string) => (await b.rs.eventsById([id]))[0];

  beforeAll(async () => {
    a = await startStack({ seed: 11, noSender: true });
    b = await startStack({ seed: 12, noSender: true });
    alice = `@alice:${a.serverName}`;
    bob = `@bob:${b.serverName}`;
    room = new RoomBuilder(a);
    room.create(alice);
    room.add(bob, 'm.room.member', { membership: 'join' }, bob, undefined, b);
    // Both servers know the room's first events (as after a join).
    await room.feed(a);
    await room.feed(b);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  test('a signed message is accepted and stored; the answer lists it without error', async () => {
    const { pdu, eventId } = room.add(alice, 'm.room.message', { msgtype: 'm.text', body: 'hello' });
    await room.feed(a, room.events.length - 1);
    const res = await send([pdu]);
    expect(res.pdus).toEqual({ [eventId]: {} });
    expect((await stored(eventId))?.json.content.body).toBe('hello');
  });

  test('a retried transaction is answered again without processing it twice', async () => {
    const { pdu, eventId } = room.add(alice, 'm.room.message', { msgtype: 'm.text', body: 'once' });
    await room.feed(a, room.events.length - 1);
    const id = `retry${Date.now()}`;
    const body = { origin: a.serverName, origin_server_ts: Date.now(), pdus: [pdu] };
    const first = await sendTransaction(a.fed.ctx.client, b.serverName, id, body);
    const second = await sendTransaction(a.fed.ctx.client, b.serverName, id, { ...body, pdus: [] });
    expect(second).toEqual(first);
    expect(first.pdus).toEqual({ [eventId]: {} });
  });

  test('an event with a bad signature is dropped, with an error in the answer', async () => {
    const { pdu, eventId } = room.draft(alice, 'm.room.message', { msgtype: 'm.text', body: 'x' });
    const forged = { ...pdu, signatures: { [a.serverName]: { [a.keyId]: pdu.signatures[a.serverName]![a.keyId]!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) } } };
    const res = await send([forged]);
    expect(res.pdus?.[eventId]?.error).toContain('signature');
    expect(await stored(eventId)).toBeUndefined();
  });

  test('an event whose content hash does not match is redacted before it is stored', async () => {
    const { pdu, eventId } = room.draft(alice, 'm.room.message', { msgtype: 'm.text', body: 'original' });
    // The signature covers the redacted event, so it still verifies; the content hash does not.
    const altered = { ...pdu, content: { msgtype: 'm.text', body: 'altered' } };
    const res = await send([altered]);
    expect(res.pdus?.[eventId]).toEqual({});
    expect((await stored(eventId))?.json.content).toEqual({});
  });

  test('an event for a room we do not know is not stored; the transaction still succeeds', async () => {
    const other = new RoomBuilder(a);
    other.create(alice);
    const msg = other.add(alice, 'm.room.message', { msgtype: 'm.text', body: 'elsewhere' });
    const res = await send([msg.pdu]);
    expect(res.pdus?.[msg.eventId]).toBeUndefined();
    expect(await stored(msg.eventId)).toBeUndefined();
    expect(await b.rs.roomVersion(other.roomId)).toBeNull();
  });

  test('an event the auth rules reject gets an error and is not in the room', async () => {
    const mallory = `@mallory:${a.serverName}`;
    const { pdu, eventId } = room.draft(mallory, 'm.room.message', { msgtype: 'm.text', body: 'not a member' });
    const res = await send([pdu]);
    expect(res.pdus?.[eventId]?.error).toContain('rejected');
  });

  test('prev events we lack are fetched with /get_missing_events from the origin', async () => {
    const first = room.add(alice, 'm.room.message', { msgtype: 'm.text', body: 'gap 1' });
    const second = room.add(alice, 'm.room.message', { msgtype: 'm.text', body: 'gap 2' });
    const third = room.add(alice, 'm.room.message', { msgtype: 'm.text', body: 'gap 3' });
    await room.feed(a, room.events.length - 3);
    const res = await send([third.pdu]);
    expect(res.pdus).toEqual({ [third.eventId]: {} });
    for (const e of [first, second, third]) expect(await stored(e.eventId)).toBeDefined();
    const latest = await b.rs.latestEvents(room.roomId);
    expect(latest.eventIds).toContain(third.eventId);
    expect(latest.eventIds).not.toContain(second.eventId);
  });

  test('a gap larger than /get_missing_events fills is crossed with the state from /state_ids', async () => {
    const from = room.events.length;
    for (let i = 0; i < 30; i++) room.add(alice, 'm.room.message', { msgtype: 'm.text', body: `long gap ${i}` });
    const last = room.add(alice, 'm.room.topic', { topic: 'after the gap' }, '');
    await room.feed(a, from);
    const res = await send([room.events.at(-1)!]);
    expect(res.pdus).toEqual({ [last.eventId]: {} });
    const topic = await b.rs.stateEvent(room.roomId, 'm.room.topic', '');
    expect(topic?.eventId).toBe(last.eventId);
  });

  test('more than 50 PDUs is refused (400)', async () => {
    const pdus = Array.from({ length: 51 }, () => room.events[0]!);
    await expect(send(pdus)).rejects.toMatchObject({ status: 400 });
  });
});

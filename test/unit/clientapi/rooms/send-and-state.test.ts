// Client-Server API, "Sending events to a room" (room_send.yaml, room_state.yaml), "Transaction
// identifiers", "Size limits", "Redactions" (redaction.yaml), m.room.canonical_alias checks,
// Room Upgrades' tombstone; SyTest tests/10apidoc/31room-state.pl, 34room-messages.pl,
// 30rooms/01state.pl, 05aliases.pl (canonical alias), 08levels.pl, 10redactions.pl, 60version_upgrade.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../../helpers/databases.ts';
import { SERVER, client, enc, registerUser, roomsHarness, type RoomsHarness, type TestUser, v3 } from './harness.ts';

forEachDatabase('client API sending events and state', (dbc) => {
  let h: RoomsHarness;
  let c: ReturnType<typeof client>;
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;
  beforeAll(async () => {
    h = await roomsHarness(dbc);
    c = client(h);
    alice = await registerUser(h.app);
    bob = await registerUser(h.app);
    roomId = await c.createRoom(alice, { preset: 'public_chat', room_alias_name: `send-${dbc.kind}` });
    await c.join(bob, roomId);
  });
  afterAll(() => h.close());

  const status = (r: { status: number; body: { errcode?: string } }) => [r.status, r.body?.errcode];
  const redact = (user: TestUser, eventId: string, txnId: string, body: Record<string, unknown> = {}, room = roomId) =>
    c.call('PUT', v3(`/rooms/${enc(room)}/redact/${enc(eventId)}/${txnId}`), body, user.token);
  const getEvent = (user: TestUser, eventId: string, room = roomId) => c.call('GET', v3(`/rooms/${enc(room)}/event/${enc(eventId)}`), undefined, user.token);

  test('PUT /send stores the event; the same txnId answers the same event ID, also after a restart; other paths are other transactions', async () => {
    const first = await c.send(alice, roomId, { msgtype: 'm.text', body: 'hi' }, 'abcdef');
    expect(first.status).toBe(200);
    expect(first.body.event_id).toMatch(/^\$/);
    const again = await c.send(alice, roomId, { msgtype: 'm.text', body: 'hi' }, 'abcdef');
    expect(again.body.event_id).toBe(first.body.event_id);
    // Concurrent retransmissions get one event too.
    const burst = await Promise.all([1, 2, 3].map(() => c.send(alice, roomId, { body: 'burst' }, 'burst-1')));
    expect(new Set(burst.map((r) => r.body.event_id)).size).toBe(1);
    // Another event type, another device, another user: other transactions.
    expect((await c.send(alice, roomId, { body: 'x' }, 'abcdef', 'org.example.other')).body.event_id).not.toBe(first.body.event_id);
    expect((await c.send(bob, roomId, { body: 'x' }, 'abcdef')).body.event_id).not.toBe(first.body.event_id);
    await h.restart();
    const afterRestart = await c.send(alice, roomId, { msgtype: 'm.text', body: 'hi' }, 'abcdef');
    expect(afterRestart.body.event_id).toBe(first.body.event_id);
    const [stored] = await h.rs.eventsById([first.body.event_id]);
    expect(stored!.json.content).toEqual({ msgtype: 'm.text', body: 'hi' });
    expect(stored!.json.sender).toBe(alice.userId);
  });

  test('the r0 POST /send without a transaction ID still sends', async () => {
    const r = await c.call('POST', `/_matrix/client/r0/rooms/${enc(roomId)}/send/m.room.message`, { msgtype: 'm.message', body: 'x' }, alice.token);
    expect(r.status).toBe(200);
    expect(r.body.event_id).toMatch(/^\$/);
  });

  test('refusals: non-members 403, events over 65536 bytes M_TOO_LARGE, a tombstone naming its own room 400, non-object bodies M_BAD_JSON', async () => {
    const eve = await registerUser(h.app);
    expect(status(await c.send(eve, roomId, { body: 'x' }, 't1'))).toEqual([403, 'M_FORBIDDEN']);
    expect(status(await c.send(alice, roomId, { body: 'x'.repeat(70_000) }, 't2'))).toEqual([413, 'M_TOO_LARGE']);
    expect(status(await c.send(alice, roomId, { body: 'x'.repeat(65_000) }, 't2b'))).toEqual([413, 'M_TOO_LARGE']);
    expect(status(await c.send(alice, roomId, { replacement_room: roomId }, 't3', 'm.room.tombstone'))).toEqual([400, 'M_BAD_JSON']);
    expect(status(await c.putState(alice, roomId, 'm.room.tombstone', { replacement_room: roomId }))).toEqual([400, 'M_BAD_JSON']);
    const arr = await c.call('PUT', v3(`/rooms/${enc(roomId)}/send/m.room.message/t4`), [1, 2], alice.token);
    expect(status(arr)).toEqual([400, 'M_BAD_JSON']);
    expect(status(await c.send(alice, `!unknown:${SERVER}`, { body: 'x' }, 't5'))).toEqual([404, 'M_NOT_FOUND']);
  });

  test('PUT/GET state with and without a state key, the trailing slash, format=event; the same state twice is one event', async () => {
    const put = await c.call('PUT', v3(`/rooms/${enc(roomId)}/state/a.test.state.type`), { a_key: 'a_value' }, alice.token);
    expect(put.status).toBe(200);
    const again = await c.call('PUT', v3(`/rooms/${enc(roomId)}/state/a.test.state.type/`), { a_key: 'a_value' }, alice.token);
    expect(again.body.event_id).toBe(put.body.event_id);
    expect((await c.call('GET', v3(`/rooms/${enc(roomId)}/state/a.test.state.type`), undefined, bob.token)).body).toEqual({ a_key: 'a_value' });
    expect((await c.call('GET', v3(`/rooms/${enc(roomId)}/state/a.test.state.type/`), undefined, bob.token)).body).toEqual({ a_key: 'a_value' });
    const withKey = await c.putState(alice, roomId, 'org.example.keyed', { v: 1 }, 'a/b key');
    expect(withKey.status).toBe(200);
    const full = await c.call('GET', v3(`/rooms/${enc(roomId)}/state/org.example.keyed/${enc('a/b key')}?format=event`), undefined, bob.token);
    expect(full.body).toMatchObject({ type: 'org.example.keyed', state_key: 'a/b key', sender: alice.userId, room_id: roomId, event_id: withKey.body.event_id, content: { v: 1 } });
    const member = (await c.getState(alice, roomId, 'm.room.member', alice.userId)).body;
    expect(member.membership).toBe('join');
    for (const key of ['sender', 'event_id', 'room_id']) expect(member).not.toHaveProperty(key);
    expect(status(await c.getState(alice, roomId, 'org.example.none'))).toEqual([404, 'M_NOT_FOUND']);
    expect(status(await c.call('GET', v3(`/rooms/${enc(roomId)}/state/m.room.name?format=xml`), undefined, alice.token))).toEqual([400, 'M_INVALID_PARAM']);
    // POST is not allowed on state paths.
    expect((await c.call('POST', v3(`/rooms/${enc(roomId)}/state/m.room.name`), { name: 'x' }, alice.token)).status).toBe(405);
  });

  test('power levels decide who sets state (SyTest 08levels.pl): 403 at level 0, allowed once raised', async () => {
    expect(status(await c.putState(bob, roomId, 'm.room.name', { name: 'bob' }))).toEqual([403, 'M_FORBIDDEN']);
    const pl = (await c.getState(alice, roomId, 'm.room.power_levels')).body;
    pl.users[bob.userId] = 80;
    expect((await c.putState(alice, roomId, 'm.room.power_levels', pl)).status).toBe(200);
    expect((await c.putState(bob, roomId, 'm.room.name', { name: 'bob' })).status).toBe(200);
    const tooHigh = { ...pl, ban: 10_000_000 };
    expect(status(await c.putState(bob, roomId, 'm.room.power_levels', tooHigh))).toEqual([403, 'M_FORBIDDEN']);
  });

  test('m.room.canonical_alias: existing aliases of the room pass; missing or foreign ones M_BAD_ALIAS; bad grammar M_INVALID_PARAM', async () => {
    const alias = `#send-${dbc.kind}:${SERVER}`;
    expect((await c.putState(alice, roomId, 'm.room.canonical_alias', { alias, alt_aliases: [alias] })).status).toBe(200);
    const missing = alias.replace('#', '#NOT-');
    expect(status(await c.putState(alice, roomId, 'm.room.canonical_alias', { alias: missing }))).toEqual([400, 'M_BAD_ALIAS']);
    expect(status(await c.putState(alice, roomId, 'm.room.canonical_alias', { alias, alt_aliases: [missing] }))).toEqual([400, 'M_BAD_ALIAS']);
    expect(status(await c.putState(alice, roomId, 'm.room.canonical_alias', { alias, alt_aliases: [alias.replace('#', '%')] }))).toEqual([400, 'M_INVALID_PARAM']);
    expect(status(await c.putState(alice, roomId, 'm.room.canonical_alias', { alias: alias.replace('#', '%') }))).toEqual([400, 'M_INVALID_PARAM']);
    const other = await c.createRoom(alice, { room_alias_name: `other-${dbc.kind}` });
    expect(other).toBeTruthy();
    expect(status(await c.putState(alice, roomId, 'm.room.canonical_alias', { alias, alt_aliases: [`#other-${dbc.kind}:${SERVER}`] }))).toEqual([400, 'M_BAD_ALIAS']);
    expect(status(await c.putState(alice, roomId, 'm.room.canonical_alias', { alias: 5 }))).toEqual([400, 'M_BAD_JSON']);
    // Removing aliases is not checked.
    expect((await c.putState(alice, roomId, 'm.room.canonical_alias', {})).status).toBe(200);
  });

  test('redactions (SyTest 10redactions.pl): own events and a moderator\'s; others 403; another room\'s event 400; idempotent per txnId', async () => {
    const eve = await registerUser(h.app);
    await c.join(eve, roomId);
    const msg = (await c.send(bob, roomId, { msgtype: 'm.text', body: 'orangutans are not monkeys' }, 'r1')).body.event_id;
    expect(status(await redact(eve, msg, 'x1'))).toEqual([403, 'M_FORBIDDEN']);
    const red = await redact(alice, msg, 'x2', { reason: 'Offensively bad pun' });
    expect(red.status).toBe(200);
    expect((await redact(alice, msg, 'x2', { reason: 'Offensively bad pun' })).body.event_id).toBe(red.body.event_id);
    const fetched = (await getEvent(alice, msg)).body;
    expect(fetched.content).toEqual({});
    expect(fetched.unsigned.redacted_because.event_id).toBe(red.body.event_id);
    const own = (await c.send(eve, roomId, { body: 'mine' }, 'r2')).body.event_id;
    expect((await redact(eve, own, 'x3')).status).toBe(200);
    // Redacting the redaction removes its reason.
    expect((await getEvent(alice, red.body.event_id)).body.content.reason).toBe('Offensively bad pun');
    expect((await redact(alice, red.body.event_id, 'x4')).status).toBe(200);
    expect((await getEvent(alice, red.body.event_id)).body.content.reason).toBeUndefined();
    const elsewhere = await c.createRoom(eve);
    const foreign = (await c.send(eve, elsewhere, { body: 'there' }, 'r3')).body.event_id;
    expect(status(await redact(alice, foreign, 'x5'))).toEqual([400, 'M_INVALID_PARAM']);
    // PUT /send may carry m.room.redaction too (v1.18), with the same checks.
    const another = (await c.send(bob, roomId, { body: 'again' }, 'r5')).body.event_id;
    expect(status(await c.send(eve, roomId, { redacts: another }, 'r4', 'm.room.redaction'))).toEqual([403, 'M_FORBIDDEN']);
    expect((await c.send(alice, roomId, { redacts: another }, 'r6', 'm.room.redaction')).status).toBe(200);
    expect((await getEvent(alice, another)).body.content).toEqual({});
    expect(status(await c.send(alice, roomId, {}, 'r7', 'm.room.redaction'))).toEqual([400, 'M_BAD_JSON']);
  });

  test('v11+ rooms keep redacts in the content; the client format has it at the top level too', async () => {
    const room = await c.createRoom(alice, { room_version: '11' });
    const msg = (await c.send(alice, room, { body: 'x' }, 'v11-1')).body.event_id;
    const red = (await redact(alice, msg, 'v11-2', {}, room)).body.event_id;
    const [stored] = await h.rs.eventsById([red]);
    expect(stored!.json.content.redacts).toBe(msg);
    const got = (await getEvent(alice, red, room)).body;
    expect(got.redacts).toBe(msg);
    expect(got.content.redacts).toBe(msg);
  });
});

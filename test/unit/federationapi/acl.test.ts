// Server ACLs (Client-Server API, m.room.server_acl; Server-Server API, "Server Access Control
// Lists (ACLs)"): the rule itself, and its use on the protected endpoints, on PDUs in /send and
// on room EDUs.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { STREAM } from '../../../src/bus/streams.ts';
import { globMatch, serverAllowed } from '../../../src/federationapi/acl.ts';
import { sendTransaction } from '../../../src/federationapi/client/calls/events.ts';
import { RoomBuilder, type Stack, startStack } from './harness.ts';

describe('m.room.server_acl rules', () => {
  test('no ACL event allows every server', () => {
    expect(serverAllowed(null, 'evil.example')).toBe(true);
  });
  test('deny before allow; an allow match is needed; the port is not considered', () => {
    const acl = { allow: ['*'], deny: ['evil.example', '*.bad.example'] };
    expect(serverAllowed(acl, 'evil.example:8448')).toBe(false);
    expect(serverAllowed(acl, 'x.bad.example')).toBe(false);
    expect(serverAllowed(acl, 'good.example')).toBe(true);
    expect(serverAllowed({ deny: [] }, 'good.example')).toBe(false); // no allow list: nobody
  });
  test('IP literals are denied when allow_ip_literals is false', () => {
    expect(serverAllowed({ allow: ['*'], allow_ip_literals: false }, '1.2.3.4:5')).toBe(false);
    expect(serverAllowed({ allow: ['*'], allow_ip_literals: false }, '[::1]:5')).toBe(false);
    expect(serverAllowed({ allow: ['*'] }, '1.2.3.4')).toBe(true);
  });
  test('globs: * and ?, case-insensitive, anchored', () => {
    expect(globMatch('*.EXAMPLE.org', 'a.b.example.org')).toBe(true);
    expect(globMatch('ma?rix.org', 'matrix.org')).toBe(true);
    expect(globMatch('ma?rix.org', 'maatrix.org')).toBe(false);
    expect(globMatch('a.org', 'xa.org')).toBe(false);
    expect(globMatch('a+b.org', 'a+b.org')).toBe(true);
  });
});

describe('server ACLs applied to requests', () => {
  let a: Stack;
  let b: Stack;
  let room: RoomBuilder;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    a = await startStack({ seed: 51, noSender: true });
    b = await startStack({ seed: 52, noSender: true });
    alice = `@alice:${a.serverName}`;
    bob = `@bob:${b.serverName}`;
    room = new RoomBuilder(b);
    room.create(bob);
    room.add(alice, 'm.room.member', { membership: 'join' }, alice, undefined, a);
    // Both stacks are 127.0.0.1: ports do not count, so this ACL denies the IP literal of either.
    room.add(bob, 'm.room.server_acl', { allow: ['*'], deny: ['127.0.0.1'] }, '');
    await room.feed(b);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  test('a denied server gets 403 M_FORBIDDEN from /state_ids, /backfill, /event_auth and /get_missing_events', async () => {
    const client = a.fed.ctx.client;
    const r = encodeURIComponent(room.roomId);
    const calls = [
      () => client.request(b.serverName, 'GET', `/_matrix/federation/v1/state_ids/${r}`, { query: { event_id: room.lastId } }),
      () => client.request(b.serverName, 'GET', `/_matrix/federation/v1/backfill/${r}`, { query: { v: [room.lastId], limit: 5 } }),
      () => client.request(b.serverName, 'GET', `/_matrix/federation/v1/event_auth/${r}/${encodeURIComponent(room.lastId)}`),
      () => client.request(b.serverName, 'POST', `/_matrix/federation/v1/get_missing_events/${r}`, { body: { earliest_events: [], latest_events: [room.lastId] } }),
    ];
    for (const call of calls) await expect(call()).rejects.toMatchObject({ status: 403, errcode: 'M_FORBIDDEN' });
  });

  test('its PDUs in /send get an error and are not stored; its typing EDUs are dropped', async () => {
    const typing = await b.watch(STREAM.OutputTypingEvent);
    const msg = room.draft(alice, 'm.room.message', { msgtype: 'm.text', body: 'denied' }, undefined, undefined, a);
    const res = await sendTransaction(a.fed.ctx.client, b.serverName, 'acl1', {
      origin: a.serverName,
      origin_server_ts: Date.now(),
      pdus: [msg.pdu],
      edus: [{ edu_type: 'm.typing', content: { room_id: room.roomId, user_id: alice, typing: true } }],
    });
    expect(res.pdus?.[msg.eventId]?.error).toContain('ACL');
    expect(await b.rs.eventsById([msg.eventId])).toEqual([]);
    await Bun.sleep(100);
    expect(typing.messages).toEqual([]);
  });
});

// The resident server's refusals in the membership handshakes, with the spec's errcodes
// (Server-Server API, "Joining Rooms", "Restricted rooms", "Knocking upon a room", "Inviting to a
// room", "Leaving Rooms"): stack B asks stack A over signed requests, as another server would.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { FederationClient } from '../../../src/federationapi/client/client.ts';
import { MatrixError } from '../../../src/http/errors.ts';
import type { JsonObject, PduJson } from '../../../src/protocol/event.ts';
import { hashAndSign } from '../../../src/protocol/events/build.ts';
import { roomVersion } from '../../../src/protocol/room-versions.ts';
import { type Stack, startStack } from './harness.ts';

const enc = encodeURIComponent;
const ALL = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];

describe('membership handshakes: refusals', () => {
  let a: Stack;
  let b: Stack;
  let asB: FederationClient;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    a = await startStack({ seed: 51, noSender: true });
    b = await startStack({ seed: 52, noSender: true });
    asB = b.fed.ctx.client;
    alice = `@alice:${a.serverName}`;
    bob = `@bob:${b.serverName}`;
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  async function room(version: string, joinRule: JsonObject = { join_rule: 'public' }, users?: JsonObject): Promise<string> {
    const { roomId } = await a.rs.createRoom({
      roomVersion: version,
      creator: alice,
      createContent: {},
      initialEvents: [
        { type: 'm.room.member', stateKey: alice, content: { membership: 'join' } },
        { type: 'm.room.power_levels', stateKey: '', content: { users: users ?? (version === '12' ? {} : { [alice]: 100 }), invite: 0 } },
        { type: 'm.room.join_rules', stateKey: '', content: joinRule },
      ],
    });
    return roomId;
  }

  const failure = async (p: Promise<unknown>): Promise<MatrixError> => {
    const e = await p.then(
      () => undefined,
      (err) => err,
    );
    if (!(e instanceof MatrixError)) throw new Error(`expected a MatrixError, got ${String(e)}`);
    return e;
  };
  const makeJoin = (roomId: string, userId: string, ver: string[] = ALL) =>
    asB.request<{ room_version: string; event: PduJson }>(a.serverName, 'GET', `/_matrix/federation/v1/make_join/${enc(roomId)}/${enc(userId)}`, { query: { ver } });

  /** B's signed event from A's template, with `change` applied to it before signing. */
  function signAsB(template: PduJson, version: string, change: (e: PduJson) => void = () => {}): { pdu: PduJson; eventId: string } {
    const rv = roomVersion(version)!;
    const e = { ...template, origin: b.serverName, origin_server_ts: Date.now() } as PduJson;
    if (rv.eventIdFormat === 'server') e.event_id = `$x${Date.now()}:${b.serverName}`;
    change(e);
    return hashAndSign(e, rv, b.serverName, b.keyId, b.signer);
  }

  test('make_join: 404 M_NOT_FOUND for a room the server is not in', async () => {
    const e = await failure(makeJoin(`!unknown:${a.serverName}`, bob));
    expect([e.status, e.errcode]).toEqual([404, 'M_NOT_FOUND']);
  });

  test('make_join: 400 M_INCOMPATIBLE_ROOM_VERSION with room_version when `ver` lacks the room\'s version', async () => {
    const roomId = await room('10');
    const e = await failure(makeJoin(roomId, bob, ['1', '2']));
    expect([e.status, e.errcode]).toEqual([400, 'M_INCOMPATIBLE_ROOM_VERSION']);
    expect(e.extra.room_version).toBe('10');
    // Without `ver`, only version 1 is assumed.
    const e2 = await failure(asB.request(a.serverName, 'GET', `/_matrix/federation/v1/make_join/${enc(roomId)}/${enc(bob)}`));
    expect(e2.errcode).toBe('M_INCOMPATIBLE_ROOM_VERSION');
  });

  test('make_join: 403 M_FORBIDDEN for a user of another server than the asking one, and for an uninvited join to an invite-only room', async () => {
    const open = await room('10');
    expect((await failure(makeJoin(open, `@mallory:${a.serverName}`))).errcode).toBe('M_FORBIDDEN');
    const closed = await room('10', { join_rule: 'invite' });
    const e = await failure(makeJoin(closed, bob));
    expect([e.status, e.errcode]).toEqual([403, 'M_FORBIDDEN']);
  });

  test('make_join of a restricted room ("Restricted rooms"): M_UNABLE_TO_AUTHORISE_JOIN, M_FORBIDDEN, M_UNABLE_TO_GRANT_JOIN', async () => {
    const unknownSpace = await room('10', { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: `!elsewhere:${b.serverName}` }] });
    const e1 = await failure(makeJoin(unknownSpace, bob));
    expect([e1.status, e1.errcode]).toEqual([400, 'M_UNABLE_TO_AUTHORISE_JOIN']);

    const space = await room('10');
    const restricted = await room('10', { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: space }] });
    const e2 = await failure(makeJoin(restricted, bob));
    expect([e2.status, e2.errcode]).toEqual([403, 'M_FORBIDDEN']);

    // bob joins the space (through A's handshake), and may then join: alice vouches.
    const t = await makeJoin(space, bob);
    const join = signAsB(t.event, t.room_version);
    await asB.request(a.serverName, 'PUT', `/_matrix/federation/v2/send_join/${enc(space)}/${enc(join.eventId)}`, { body: join.pdu });
    const ok = await makeJoin(restricted, bob);
    expect(ok.event.content.join_authorised_via_users_server).toBe(alice);

    // Nobody on A may invite there (invite level above everyone's): A cannot grant the join.
    const noInviter = await a.rs.createRoom({
      roomVersion: '10',
      creator: alice,
      createContent: {},
      initialEvents: [
        { type: 'm.room.member', stateKey: alice, content: { membership: 'join' } },
        { type: 'm.room.power_levels', stateKey: '', content: { users: { [alice]: 50 }, invite: 100 } },
        { type: 'm.room.join_rules', stateKey: '', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: space }] } },
      ],
    });
    const e3 = await failure(makeJoin(noInviter.roomId, bob));
    expect([e3.status, e3.errcode]).toEqual([400, 'M_UNABLE_TO_GRANT_JOIN']);
  });

  test('send_join: 400 M_INVALID_PARAM for a wrong event ID, membership, state_key, sender server or signature', async () => {
    const roomId = await room('10');
    const t = await makeJoin(roomId, bob);
    const put = (eventId: string, pdu: PduJson) =>
      failure(asB.request(a.serverName, 'PUT', `/_matrix/federation/v2/send_join/${enc(roomId)}/${enc(eventId)}`, { body: pdu }));
    const good = signAsB(t.event, '10');
    expect((await put('$notthisone', good.pdu)).errcode).toBe('M_INVALID_PARAM');
    const leave = signAsB(t.event, '10', (e) => (e.content = { membership: 'leave' }));
    expect((await put(leave.eventId, leave.pdu)).errcode).toBe('M_INVALID_PARAM');
    const other = signAsB(t.event, '10', (e) => (e.state_key = `@other:${b.serverName}`));
    expect((await put(other.eventId, other.pdu)).errcode).toBe('M_INVALID_PARAM');
    const foreign = `@eve:${a.serverName}`;
    const spoofed = signAsB(t.event, '10', (e) => {
      e.sender = foreign;
      e.state_key = foreign;
    });
    expect((await put(spoofed.eventId, spoofed.pdu)).errcode).toBe('M_INVALID_PARAM');
    const tampered = { ...good.pdu, signatures: { [b.serverName]: { [b.keyId]: 'A'.repeat(86) } } };
    expect((await put(good.eventId, tampered)).errcode).toBe('M_INVALID_PARAM');
    // The good one is accepted: the state before the join and its auth chain come back.
    const ok = await asB.request<any>(a.serverName, 'PUT', `/_matrix/federation/v2/send_join/${enc(roomId)}/${enc(good.eventId)}`, { body: good.pdu });
    expect(ok.members_omitted).toBe(false);
    expect(ok.state.map((e: PduJson) => e.type)).toContain('m.room.create');
    expect(ok.auth_chain.length).toBeGreaterThan(0);
    expect(ok.servers_in_room).toEqual([a.serverName]);
    expect((await a.rs.membership(roomId, bob))?.membership).toBe('join');
    // v1 answers [200, body].
    const v1 = await asB.request<any>(a.serverName, 'PUT', `/_matrix/federation/v1/send_join/${enc(roomId)}/${enc(good.eventId)}`, { body: good.pdu });
    expect(v1[0]).toBe(200);
    expect(Array.isArray(v1[1].state)).toBe(true);
  });

  test('make_knock: 403 where the room version has no knocking; 400 M_INCOMPATIBLE_ROOM_VERSION when `ver` lacks it', async () => {
    const v6 = await room('6', { join_rule: 'knock' });
    const e1 = await failure(asB.request(a.serverName, 'GET', `/_matrix/federation/v1/make_knock/${enc(v6)}/${enc(bob)}`, { query: { ver: ALL } }));
    expect([e1.status, e1.errcode]).toEqual([403, 'M_FORBIDDEN']);
    const v7 = await room('7', { join_rule: 'knock' });
    const e2 = await failure(asB.request(a.serverName, 'GET', `/_matrix/federation/v1/make_knock/${enc(v7)}/${enc(bob)}`, { query: { ver: ['6'] } }));
    expect([e2.status, e2.errcode]).toEqual([400, 'M_INCOMPATIBLE_ROOM_VERSION']);
    const t = await asB.request<any>(a.serverName, 'GET', `/_matrix/federation/v1/make_knock/${enc(v7)}/${enc(bob)}`, { query: { ver: ALL } });
    const knock = signAsB(t.event, '7');
    const r = await asB.request<any>(a.serverName, 'PUT', `/_matrix/federation/v1/send_knock/${enc(v7)}/${enc(knock.eventId)}`, { body: knock.pdu });
    expect(r.knock_room_state[0].type).toBe('m.room.create');
    expect((await a.rs.membership(v7, bob))?.membership).toBe('knock');
  });

  test('send_leave: M_INVALID_PARAM for a membership that is not leave; make_leave: 403 for a user with nothing to leave', async () => {
    const roomId = await room('10', { join_rule: 'invite' });
    const e = await failure(asB.request(a.serverName, 'GET', `/_matrix/federation/v1/make_leave/${enc(roomId)}/${enc(bob)}`));
    expect(e.errcode).toBe('M_FORBIDDEN');
    await a.rs.sendEvent({ roomId, sender: alice, event: { type: 'm.room.member', stateKey: bob, content: { membership: 'invite' } } });
    const t = await asB.request<any>(a.serverName, 'GET', `/_matrix/federation/v1/make_leave/${enc(roomId)}/${enc(bob)}`);
    const join = signAsB(t.event, '10', (ev) => (ev.content = { membership: 'join' }));
    const bad = await failure(asB.request(a.serverName, 'PUT', `/_matrix/federation/v2/send_leave/${enc(roomId)}/${enc(join.eventId)}`, { body: join.pdu }));
    expect(bad.errcode).toBe('M_INVALID_PARAM');
    const leave = signAsB(t.event, '10');
    expect(await asB.request(a.serverName, 'PUT', `/_matrix/federation/v2/send_leave/${enc(roomId)}/${enc(leave.eventId)}`, { body: leave.pdu })).toEqual({});
    expect((await a.rs.membership(roomId, bob))?.membership).toBe('leave');
  });

  describe('invite', () => {
    /** An invite of one of A's users, built and signed by B in a room of B's that A does not know. */
    function invite(version: string, target: string, change: (e: PduJson) => void = () => {}) {
      const rv = roomVersion(version)!;
      const fake = (c: string) => (rv.eventIdFormat === 'server' ? [`$${c}:${b.serverName}`, { sha256: 'x' }] : `$${c.repeat(43)}`);
      const e = {
        room_id: `!room${version}:${b.serverName}`,
        type: 'm.room.member',
        state_key: target,
        sender: bob,
        content: { membership: 'invite' },
        origin: b.serverName,
        origin_server_ts: Date.now(),
        depth: 5,
        prev_events: [fake('p')],
        auth_events: [fake('c')],
      } as unknown as PduJson;
      if (rv.eventIdFormat === 'server') e.event_id = `$i${Date.now()}:${b.serverName}`;
      change(e);
      return hashAndSign(e, rv, b.serverName, b.keyId, b.signer);
    }
    const put = (version: string, inv: { pdu: PduJson; eventId: string }, state: unknown[] = []) =>
      asB.request<{ event: PduJson }>(a.serverName, 'PUT', `/_matrix/federation/v2/invite/${enc(inv.pdu.room_id as string)}/${enc(inv.eventId)}`, {
        body: { room_version: version, event: inv.pdu, invite_room_state: state },
      });

    test('accepted: the event comes back with A\'s signature added; the invitee\'s membership is invite', async () => {
      const inv = invite('10', alice);
      const r = await put('10', inv);
      expect(Object.keys(r.event.signatures!)).toEqual(expect.arrayContaining([a.serverName, b.serverName]));
      expect((await a.rs.membership(inv.pdu.room_id as string, alice))?.membership).toBe('invite');
    });

    test('400 M_INCOMPATIBLE_ROOM_VERSION for an unknown room version', async () => {
      const e = await failure(put('999', invite('10', alice)));
      expect([e.status, e.errcode]).toEqual([400, 'M_INCOMPATIBLE_ROOM_VERSION']);
    });

    test('400 M_INVALID_PARAM: not an invite, an invitee of another server, a sender of another server, no create event in a v12 invite_room_state', async () => {
      expect((await failure(put('10', invite('10', alice, (e) => (e.content = { membership: 'join' }))))).errcode).toBe('M_INVALID_PARAM');
      expect((await failure(put('10', invite('10', `@zed:${b.serverName}`)))).errcode).toBe('M_INVALID_PARAM');
      const spoof = invite('10', alice, (e) => (e.sender = `@eve:${a.serverName}`));
      expect((await failure(put('10', spoof))).errcode).toBe('M_INVALID_PARAM');
      const v12 = invite('12', alice, (e) => (e.room_id = `!${'r'.repeat(43)}`));
      expect((await failure(put('12', v12, []))).errcode).toBe('M_INVALID_PARAM');
    });

    test('403 M_INVITE_BLOCKED when the invitee blocks invites (invite permission)', async () => {
      const carol = `@carol:${a.serverName}`;
      await a.userapi.setAccountData(carol, '', 'm.invite_permission_config', { default_action: 'block' });
      const e = await failure(put('10', invite('10', carol)));
      expect([e.status, e.errcode]).toEqual([403, 'M_INVITE_BLOCKED']);
    });
  });
});

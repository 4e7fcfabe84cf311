// Joined hosts (Server-Server API, "PDUs": the originating server delivers an event to the servers
// in the room), kept in memory between changes: a server that joins after the room's servers
// were read is among them at once, and one that leaves is gone at once.
import { expect, test } from 'bun:test';
import { migrateFederationapi } from '../../../src/federationapi/index.ts';
import { JoinedHosts } from '../../../src/federationapi/sender/joined-hosts.ts';
import type { OutputRoomEvent, StoredEvent } from '../../../src/roomserver/api.ts';
import { forEachDatabase } from '../../helpers/databases.ts';

type NewRoomEvent = Extract<OutputRoomEvent, { kind: 'new_room_event' }>;
const ROOM = '!room:a.test';
let n = 0;

function event(type: string, sender: string, content: Record<string, unknown>, stateKey?: string): StoredEvent {
  const eventId = `$e${++n}`;
  const json = { type, sender, content, room_id: ROOM, ...(stateKey === undefined ? {} : { state_key: stateKey }) };
  return { nid: n, eventId, roomId: ROOM, roomVersion: '10', json: json as unknown as StoredEvent['json'] };
}

function output(e: StoredEvent, removes: string[] = []): NewRoomEvent {
  const state = e.json.state_key !== undefined;
  return {
    kind: 'new_room_event',
    roomId: ROOM,
    roomVersion: '10',
    event: e,
    addsStateEventIds: state ? [e.eventId] : [],
    removesStateEventIds: removes,
    latestEventIds: [e.eventId],
    historyVisibility: 'shared',
  };
}

const member = (userId: string, membership: string) => event('m.room.member', userId, { membership }, userId);

forEachDatabase('federation joined hosts', (ctx) => {
  test('joins and leaves change the servers of the room at once, after reads were cached', async () => {
    await migrateFederationapi(ctx.db());
    const roomserver = { eventsById: async () => [], currentState: async () => [] };
    const hosts = new JoinedHosts(ctx.db(), roomserver);
    const aliceJoin = member('@alice:a.test', 'join');
    expect(await hosts.apply(output(aliceJoin))).toEqual([]);
    expect(await hosts.hosts(ROOM)).toEqual(['a.test']);
    expect(await hosts.apply(output(event('m.room.message', '@alice:a.test', { body: 'hi' })))).toEqual(['a.test']);

    const bobJoin = member('@bob:b.test', 'join');
    expect(await hosts.apply(output(bobJoin))).toEqual(['a.test']);
    expect((await hosts.hosts(ROOM)).sort()).toEqual(['a.test', 'b.test']);
    expect((await hosts.apply(output(event('m.room.message', '@alice:a.test', { body: 'again' })))).sort()).toEqual(['a.test', 'b.test']);

    const bobLeave = member('@bob:b.test', 'leave');
    expect((await hosts.apply(output(bobLeave, [bobJoin.eventId]))).sort()).toEqual(['a.test', 'b.test']);
    expect(await hosts.hosts(ROOM)).toEqual(['a.test']);

    // A purged room is read again.
    await ctx.db().transaction((tx) => tx.run('DELETE FROM federationapi_joined_hosts WHERE room_id = $1', [ROOM]));
    hosts.forget(ROOM);
    expect(await hosts.hosts(ROOM)).toEqual([]);
  });
});

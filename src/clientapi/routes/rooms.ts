// Client-Server API, "Getting events for a room" (rooms.yaml): GET /rooms/{roomId}/event/{eventId},
// /state, /state/{eventType}/{stateKey}, /members and /joined_members. Readers are joined users
// (current state), users who left (the state when they left) and, in world_readable rooms, anyone
// (rooms/access.ts). A single event is shown only under the history visibility rules, and is
// otherwise "not found".
import { invalidParam, notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import { EventType, Membership } from '../../protocol/constants.ts';
import type { RoomsContext } from '../context.ts';
import { checkRoomId, readableStatePoint, requireJoined, stateAt, stateEventAt } from '../rooms/access.ts';
import { clientEvents } from '../rooms/client-event.ts';
import { canSeeEvent } from '../rooms/visibility.ts';

const MEMBERSHIPS: readonly string[] = Object.values(Membership);

function membershipParam(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!MEMBERSHIPS.includes(value)) throw invalidParam(`${name} must be one of ${MEMBERSHIPS.join(', ')}`);
  return value;
}

/**
 * /members filters. The spec: "When specified alongside not_membership, the two parameters create
 * an 'or' condition: either the membership *is* the same as membership **or** *is not* the same
 * as not_membership."
 */
export function memberFilter(membership: string | undefined, notMembership: string | undefined): (m: unknown) => boolean {
  if (membership !== undefined && notMembership !== undefined) return (m) => m === membership || m !== notMembership;
  if (membership !== undefined) return (m) => m === membership;
  if (notMembership !== undefined) return (m) => m !== notMembership;
  return () => true;
}

export function roomsOps(ctx: RoomsContext): Operation[] {
  const rs = ctx.rooms;

  async function getState(roomId: string, userId: string, type: string, stateKey: string, format: string | undefined) {
    if (format !== undefined && format !== 'content' && format !== 'event') throw invalidParam('format must be content or event');
    const point = await readableStatePoint(rs, roomId, userId);
    const event = await stateEventAt(rs, roomId, point, type, stateKey);
    if (!event) throw notFound(`The room has no ${type} state with key ${JSON.stringify(stateKey)}`);
    return format === 'event' ? (await clientEvents(rs, [event]))[0]! : event.json.content;
  }

  return [
    // GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}
    op({ method: 'GET', path: '/rooms/:roomId/event/:eventId', access: 'user-or-guest' }, async function getOneRoomEvent({ params, requester }) {
      const roomId = params.roomId!;
      checkRoomId(roomId);
      const [event] = await rs.eventsById([params.eventId!]);
      // 404 "The event was not found or you do not have permission to read this event."
      if (!event || event.roomId !== roomId || !(await canSeeEvent(rs, requester.userId, event))) throw notFound('Event not found');
      return (await clientEvents(rs, [event]))[0]!;
    }),

    // GET /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}
    op({ method: 'GET', path: '/rooms/:roomId/state/:eventType/:stateKey', access: 'user-or-guest' }, async function getRoomStateWithKey({ params, requester, query }) {
      return getState(params.roomId!, requester.userId, params.eventType!, params.stateKey!, query('format'));
    }),
    // GET /_matrix/client/v3/rooms/{roomId}/state/{eventType} (and with a trailing slash)
    ...['/rooms/:roomId/state/:eventType', '/rooms/:roomId/state/:eventType/'].map((path) =>
      op({ method: 'GET', path, access: 'user-or-guest' }, async function getRoomStateWithoutKey({ params, requester, query }) {
        return getState(params.roomId!, requester.userId, params.eventType!, '', query('format'));
      }),
    ),

    // GET /_matrix/client/v3/rooms/{roomId}/state
    op({ method: 'GET', path: '/rooms/:roomId/state', access: 'user-or-guest' }, async function getRoomState({ params, requester }) {
      const roomId = params.roomId!;
      const point = await readableStatePoint(rs, roomId, requester.userId);
      return clientEvents(rs, await stateAt(rs, roomId, point));
    }),

    // GET /_matrix/client/v3/rooms/{roomId}/members
    // NOTSPEC: `at` is a sync pagination token, which only the sync API can read; until it can be
    // resolved here the members are those of the current state (or of the user's leave), which the
    // spec allows as the default "as determined by the server".
    op({ method: 'GET', path: '/rooms/:roomId/members', access: 'user-or-guest' }, async function getMembersByRoom({ params, requester, query }) {
      const roomId = params.roomId!;
      const keep = memberFilter(membershipParam(query('membership'), 'membership'), membershipParam(query('not_membership'), 'not_membership'));
      const point = await readableStatePoint(rs, roomId, requester.userId);
      const members = (await stateAt(rs, roomId, point, { types: [EventType.Member] })).filter(
        (e) => e.json.type === EventType.Member && keep(e.json.content.membership),
      );
      return { chunk: await clientEvents(rs, members) };
    }),

    // GET /_matrix/client/v3/rooms/{roomId}/joined_members
    op({ method: 'GET', path: '/rooms/:roomId/joined_members', access: 'user' }, async function getJoinedMembersByRoom({ params, requester }) {
      const roomId = params.roomId!;
      await requireJoined(rs, roomId, requester.userId);
      const joined: Record<string, { display_name: string | null; avatar_url: string | null }> = {};
      for (const e of await rs.currentState(roomId, { types: [EventType.Member] })) {
        const c = e.json.content;
        if (e.json.type !== EventType.Member || c.membership !== Membership.Join || e.json.state_key === undefined) continue;
        // NOTSPEC: absent names are null rather than missing, as Synapse answers and SyTest
        // expects ("We always have these keys even if they're undef").
        joined[e.json.state_key] = {
          display_name: typeof c.displayname === 'string' ? c.displayname : null,
          avatar_url: typeof c.avatar_url === 'string' ? c.avatar_url : null,
        };
      }
      return { joined };
    }),
  ];
}

// Out-of-band membership (Server-Server API, "Inviting to a room", "Leaving Rooms (Rejecting
// Invites)", "Knocking upon a room"): an invite another server asked us to sign, or the leave or
// knock one of our users sent through a resident server, in a room this server is not in. Its
// auth events are on other servers, so it cannot be authorised or placed in the DAG here: it is
// stored as an outlier, and our view of the room's state gets it as that user's membership (the
// forward extremities stay as they are), so membership queries, roomsForUser and the sync API's
// invite, leave and knock sections see it. A later join through send_join (resetsRoom) replaces
// the whole view.
import { MatrixError } from '../../http/errors.ts';
import { AuthEventType, Membership } from '../../protocol/auth/names.ts';
import { parseEvent } from '../../protocol/events/parse.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { InputRoomEventResult, OutOfBandMembershipRequest, OutputRoomEvent } from '../api.ts';
import type { RoomserverContext } from '../context.ts';
import { type RoomInfo, versionOrThrow } from '../room-info.ts';
import { EMPTY_SNAPSHOT } from '../state/snapshot.ts';
import { WriteBatch, type PreparedEvent } from './batch.ts';
import { canonicalText, eventError } from './build-event.ts';
import { persist } from './persist.ts';
import { historyVisibilityAt } from './update-room.ts';

const OUT_OF_BAND: readonly string[] = [Membership.Invite, Membership.Leave, Membership.Knock];

export async function inputOutOfBandMembership(ctx: RoomserverContext, req: OutOfBandMembershipRequest): Promise<InputRoomEventResult> {
  const roomId = req.pdu.room_id;
  if (typeof roomId !== 'string') throw new MatrixError('M_BAD_JSON', 'an out-of-band membership event needs its room_id');
  const { result, published } = await ctx.queues.run(roomId, () => store(ctx, req));
  await published;
  return result;
}

async function store(ctx: RoomserverContext, req: OutOfBandMembershipRequest): Promise<{ result: InputRoomEventResult; published: Promise<void> }> {
  const known = await ctx.rooms.get(req.pdu.room_id as string);
  const rv = known?.version ?? versionOrThrow(req.roomVersion);
  let view;
  try {
    view = parseEvent(req.pdu, rv);
  } catch (err) {
    throw eventError(err);
  }
  const membership = view.content.membership;
  if (view.type !== AuthEventType.Member || view.stateKey === undefined || typeof membership !== 'string' || !OUT_OF_BAND.includes(membership)) {
    throw new MatrixError('M_BAD_JSON', 'only invite, leave and knock membership events can be stored out of band');
  }
  if (serverNameOf(view.stateKey) !== ctx.serverName) throw new MatrixError('M_BAD_JSON', `${view.stateKey} is not a user of this server`);

  const existing = (await ctx.events.byIds([view.eventId])).get(view.eventId);
  // Already part of the DAG here: it came in as a live event, which says more than this.
  if (existing && !existing.outlier) return done({ eventId: view.eventId, nid: existing.nid, status: 'duplicate' });
  const batch = new WriteBatch();
  const room: RoomInfo = known ?? {
    nid: ctx.counters.room.next(),
    roomId: view.roomId,
    version: rv,
    snapshot: EMPTY_SNAPSHOT,
    extremities: [],
    lastSentNid: 0,
  };
  if (!known) batch.newRooms.add(room.nid);
  const typeNid = (await ctx.types.ensure([view.type], batch.nids)).get(view.type)!;
  const stateKeyNid = (await ctx.stateKeys.ensure([view.stateKey], batch.nids)).get(view.stateKey)!;
  const [currentNid] = room.snapshot.count > 0 ? await ctx.state.lookup(room.snapshot, [[typeNid, stateKeyNid]], batch.state) : [0];
  if (existing && currentNid === existing.nid) return done({ eventId: view.eventId, nid: existing.nid, status: 'duplicate' });

  const nid = existing?.nid ?? ctx.counters.event.next();
  const event: PreparedEvent = {
    nid,
    roomNid: room.nid,
    view,
    json: canonicalText(req.pdu, rv),
    typeNid,
    stateKeyNid,
    kind: 'outlier',
    rejected: false,
    softFailed: false,
    stateBefore: null,
    stateAfter: null,
    // Stored before as an outlier (an auth event of something else): nothing to insert.
    deOutlier: existing !== undefined,
    local: false,
    redactedBecause: undefined,
  };
  if (!existing) batch.add(event);
  const snapshot = await ctx.state.derive(batch.state, room.nid, room.snapshot, [{ t: typeNid, s: stateKeyNid, e: nid }]);
  batch.setMembership(room.nid, stateKeyNid, membership, nid);
  const replaced = currentNid ? (await ctx.events.byNids([currentNid])).get(currentNid)?.view.eventId : undefined;
  const message: OutputRoomEvent = {
    kind: 'new_room_event',
    roomId: room.roomId,
    roomVersion: rv.id,
    event: { nid, eventId: view.eventId, roomId: view.roomId, roomVersion: rv.id, json: view.json },
    addsStateEventIds: [view.eventId],
    removesStateEventIds: replaced ? [replaced] : [],
    latestEventIds: room.extremities.map((e) => e.eventId),
    historyVisibility: await historyVisibilityAt(ctx, batch, room.snapshot),
  };
  batch.outputs.push({ id: ctx.counters.output.next(), roomNid: room.nid, message });
  batch.rooms.set(room.nid, { ...room, snapshot });
  await persist(ctx, batch);
  return { result: { eventId: view.eventId, nid, status: 'accepted' }, published: ctx.output.publish(batch.outputs) };
}

const done = (result: InputRoomEventResult) => ({ result, published: Promise.resolve() });

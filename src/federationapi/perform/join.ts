// Joining a room this server is not in (Server-Server API, "Joining Rooms"): make_join at a
// resident server, our signed join from its template, send_join, then the answer checked and
// taken in: the state and auth chain signed and hashed as every PDU we receive, stored as
// outliers (the room server checks each against its auth events), then our join as a live event
// on top of that state (resetsRoom: whatever we knew of the room before is out of date).
import { MatrixError, forbidden } from '../../http/errors.ts';
import { Membership } from '../../protocol/constants.ts';
import type { JsonObject, PduJson } from '../../protocol/event.ts';
import { computeEventId } from '../../protocol/events/hashes.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import { makeJoin, type SendJoinAnswer, sendJoin } from '../client/calls/joins.ts';
import type { FederationContext } from '../context.ts';
import type { CheckedPdu } from '../inbound/check-pdu.ts';
import { checkAll, fetchEvents, inCausalOrder } from '../inbound/fetch-events.ts';
import { throughServers } from './servers.ts';
import { SUPPORTED_VERSIONS, checkTemplate, completeTemplate, templateVersion } from './template.ts';

/** Keys of the template's content that our content may not change. */
const TEMPLATE_KEYS = ['membership', 'join_authorised_via_users_server'];

export interface PerformJoinRequest {
  roomId: string;
  userId: string;
  servers: string[];
  /** Content of the join (displayname, avatar_url, reason, custom keys). */
  content: JsonObject;
}

export async function performJoin(ctx: FederationContext, req: PerformJoinRequest): Promise<{ roomId: string; eventId: string }> {
  return throughServers(ctx, 'join the room', req.servers, async (server) => {
    const made = await makeJoin(ctx.client, server, req.roomId, req.userId, SUPPORTED_VERSIONS);
    const version = templateVersion(server, made.room_version);
    const template = checkTemplate(server, made.event, { roomId: req.roomId, userId: req.userId, membership: Membership.Join });
    const content: JsonObject = { ...req.content };
    for (const k of TEMPLATE_KEYS) {
      if (template.content[k] !== undefined) content[k] = template.content[k];
      else delete content[k];
    }
    const { pdu, eventId } = completeTemplate(ctx, template, version, content);
    const answer = await sendJoin(ctx.client, server, req.roomId, eventId, pdu);
    await takeJoin(ctx, server, version, req.roomId, eventId, signedCopy(answer, pdu, eventId, version), answer);
    return { roomId: req.roomId, eventId };
  });
}

/** The resident's copy of our join when it signed it too (restricted joins), else ours. */
function signedCopy(answer: SendJoinAnswer, ours: PduJson, eventId: string, version: RoomVersion): PduJson {
  const theirs = answer.event as PduJson | undefined;
  if (!theirs || typeof theirs !== 'object') return ours;
  try {
    const id = version.eventIdFormat === 'server' ? theirs.event_id : computeEventId(theirs, version);
    return id === eventId ? theirs : ours;
  } catch {
    return ours;
  }
}

async function takeJoin(ctx: FederationContext, server: string, version: RoomVersion, roomId: string, eventId: string, join: PduJson, answer: SendJoinAnswer) {
  const stateList = Array.isArray(answer.state) ? answer.state : [];
  const chainList = Array.isArray(answer.auth_chain) ? answer.auth_chain : [];
  const checked = new Map<string, CheckedPdu>();
  for (const c of await checkAll(ctx, [...chainList, ...stateList], roomId, version)) checked.set(c.eventId, c);
  const stateIds = new Set<string>();
  for (const raw of stateList) {
    const id = idOf(raw, version);
    if (id && checked.has(id)) stateIds.add(id);
  }
  stateIds.delete(eventId);
  await storeOutliers(ctx, server, version, roomId, [...checked.values()].filter((c) => c.eventId !== eventId));
  const [r] = await ctx.roomserver.inputRoomEvents([
    { kind: 'new', pdu: join, roomVersion: version.id, stateBefore: [...stateIds], resetsRoom: true },
  ]);
  if (r!.status === 'rejected' || r!.status === 'soft_failed') throw forbidden(`The join was refused by the room's state: ${r!.reason ?? r!.status}`);
  if (r!.status === 'missing') throw new MatrixError('M_UNKNOWN', `The state from ${server} lacks events: ${(r!.missing ?? []).join(', ')}`, { status: 502 });
}

/** The state and auth chain as outliers, an event after its auth events; missing auth events fetched once. */
async function storeOutliers(ctx: FederationContext, server: string, version: RoomVersion, roomId: string, events: CheckedPdu[]) {
  const input = (list: CheckedPdu[]) =>
    list.length === 0 ? Promise.resolve([]) : ctx.roomserver.inputRoomEvents(list.map((c) => ({ kind: 'outlier' as const, pdu: c.pdu, roomVersion: version.id })));
  let results = await input(inCausalOrder(events));
  const missing = [...new Set(results.flatMap((r) => (r.status === 'missing' ? (r.missing ?? []) : [])))];
  if (missing.length === 0) return;
  // The auth chain was not whole: ask for what it lacked, then take the events that needed it again.
  const fetched = await fetchEvents(ctx, server, missing, roomId, version);
  const retry = events.filter((c) => results.some((r) => r.eventId === c.eventId && r.status === 'missing'));
  results = await input(inCausalOrder([...fetched, ...retry]));
  const still = results.filter((r) => r.status === 'missing');
  if (still.length > 0) ctx.log.info('state events of a joined room lack auth events', { roomId, count: still.length });
}

function idOf(raw: unknown, version: RoomVersion): string | undefined {
  try {
    const pdu = raw as PduJson;
    return version.eventIdFormat === 'server' ? (pdu.event_id as string) : computeEventId(pdu, version);
  } catch {
    return undefined;
  }
}

// An event whose prev or auth events we lack (the room server answers 'missing'). First the gap
// is asked for with /get_missing_events (bounded): the events between our forward extremities
// and this one, which then go in as live events before it. If that does not close the gap, the
// event goes in with the state before it as its origin sees it (/state_ids), the state and auth
// events we lack fetched and stored as outliers first (Server-Server API, "Backfilling and
// retrieving missing events"; "Retrieving events").
import type { InputRoomEventResult } from '../../roomserver/api.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import { getMissingEvents, getState, getStateIds } from '../client/calls/events.ts';
import type { FederationContext } from '../context.ts';
import type { CheckedPdu } from './check-pdu.ts';
import { checkAll, fetchEvents, inCausalOrder, unknownEvents } from './fetch-events.ts';

/** How many missing events one /get_missing_events asks for. */
export const MISSING_EVENTS_LIMIT = 20;
/** Above this many unknown state and auth events, /state is asked instead of /event one by one. */
const FETCH_ONE_BY_ONE_MAX = 50;
/** The most events taken in for one received event. */
const MAX_STATE_EVENTS = 50_000;

async function input(ctx: FederationContext, e: CheckedPdu, stateBefore?: string[]): Promise<InputRoomEventResult> {
  const [r] = await ctx.roomserver.inputRoomEvents([{ kind: 'new', pdu: e.pdu, ...(stateBefore ? { stateBefore } : {}) }]);
  return r!;
}

/** Takes in a live event from `origin`, fetching what it depends on when needed. */
export async function inputLiveEvent(ctx: FederationContext, origin: string, e: CheckedPdu, version: RoomVersion): Promise<InputRoomEventResult> {
  let result = await input(ctx, e);
  if (result.status !== 'missing') return result;
  if (await fillGap(ctx, origin, e, version)) {
    result = await input(ctx, e);
    if (result.status !== 'missing') return result;
  }
  const state = await stateFromOrigin(ctx, origin, e, version);
  if (!state) return result;
  return input(ctx, e, state);
}

/** /get_missing_events from our forward extremities to `e`; true if any event went in. */
async function fillGap(ctx: FederationContext, origin: string, e: CheckedPdu, version: RoomVersion): Promise<boolean> {
  let events: unknown[];
  try {
    const latest = await ctx.roomserver.latestEvents(e.roomId);
    events = await getMissingEvents(ctx.client, origin, e.roomId, {
      earliest_events: latest.eventIds,
      latest_events: [e.eventId],
      limit: MISSING_EVENTS_LIMIT,
      min_depth: 0,
    });
  } catch (err) {
    ctx.log.info('get_missing_events failed', { origin, roomId: e.roomId, error: (err as Error).message });
    return false;
  }
  const checked = inCausalOrder((await checkAll(ctx, events, e.roomId, version)).filter((x) => x.eventId !== e.eventId));
  let any = false;
  for (const m of checked) {
    const r = await input(ctx, m);
    if (r.status === 'missing') break;
    any = true;
  }
  return any;
}

/** The state before `e` as IDs, with every event it names stored (as outliers when new); null if that failed. */
export async function stateFromOrigin(ctx: FederationContext, origin: string, e: CheckedPdu, version: RoomVersion): Promise<string[] | null> {
  try {
    const { pduIds, authChainIds } = await getStateIds(ctx.client, origin, e.roomId, e.eventId);
    const authOfEvent = e.pdu.auth_events.map((r) => (typeof r === 'string' ? r : r[0]));
    const missing = await unknownEvents(ctx, [...authChainIds, ...pduIds, ...authOfEvent]);
    if (missing.length > MAX_STATE_EVENTS) throw new Error(`${missing.length} unknown state events is too many`);
    let fetched: CheckedPdu[];
    if (missing.length <= FETCH_ONE_BY_ONE_MAX) fetched = await fetchEvents(ctx, origin, missing, e.roomId, version);
    else {
      const { pdus, authChain } = await getState(ctx.client, origin, e.roomId, e.eventId);
      const wanted = new Set(missing);
      fetched = (await checkAll(ctx, [...authChain, ...pdus], e.roomId, version)).filter((x) => wanted.has(x.eventId));
    }
    const ordered = inCausalOrder(fetched);
    const results = ordered.length > 0 ? await ctx.roomserver.inputRoomEvents(ordered.map((x) => ({ kind: 'outlier' as const, pdu: x.pdu }))) : [];
    const failed = results.filter((r) => r.status === 'missing');
    if (failed.length > 0) throw new Error(`state events still lack their auth events: ${failed.map((r) => r.eventId).join(', ')}`);
    return pduIds;
  } catch (err) {
    ctx.log.info('cannot get the state before an event', { origin, eventId: e.eventId, error: (err as Error).message });
    return null;
  }
}

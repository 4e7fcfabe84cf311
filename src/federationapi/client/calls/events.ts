// Server-Server API, "Retrieving events" (events.yaml), "Retrieving event authorisation
// information" (event_auth.yaml) and "Backfilling and retrieving missing events" (backfill.yaml).
import type { PduJson } from '../../../protocol/event.ts';
import { type FederationClient, seg } from '../client.ts';

const V1 = '/_matrix/federation/v1';

export interface PdusAnswer {
  origin: string;
  origin_server_ts: number;
  pdus: unknown[];
}

/** GET /event/{eventId}: the one PDU, or undefined when the answer holds none. */
export async function getEvent(client: FederationClient, server: string, eventId: string): Promise<unknown> {
  const res = await client.request<PdusAnswer>(server, 'GET', `${V1}/event/${seg(eventId)}`);
  return Array.isArray(res.pdus) ? res.pdus[0] : undefined;
}

/** GET /state_ids/{roomId}?event_id=: the state before the event, and its auth chain, as IDs. */
export async function getStateIds(client: FederationClient, server: string, roomId: string, eventId: string) {
  const res = await client.request<{ pdu_ids?: unknown; auth_chain_ids?: unknown }>(server, 'GET', `${V1}/state_ids/${seg(roomId)}`, {
    query: { event_id: eventId },
  });
  const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return { pduIds: ids(res.pdu_ids), authChainIds: ids(res.auth_chain_ids) };
}

/** GET /state/{roomId}?event_id=: the state before the event and its auth chain, as PDUs. */
export async function getState(client: FederationClient, server: string, roomId: string, eventId: string) {
  const res = await client.request<{ pdus?: unknown; auth_chain?: unknown }>(server, 'GET', `${V1}/state/${seg(roomId)}`, {
    query: { event_id: eventId },
    timeoutMs: 120_000,
  });
  return { pdus: Array.isArray(res.pdus) ? res.pdus : [], authChain: Array.isArray(res.auth_chain) ? res.auth_chain : [] };
}

/** GET /event_auth/{roomId}/{eventId}: the event's auth chain. */
export async function getEventAuth(client: FederationClient, server: string, roomId: string, eventId: string): Promise<unknown[]> {
  const res = await client.request<{ auth_chain?: unknown }>(server, 'GET', `${V1}/event_auth/${seg(roomId)}/${seg(eventId)}`);
  return Array.isArray(res.auth_chain) ? res.auth_chain : [];
}

export interface MissingEventsRequest {
  earliest_events: string[];
  latest_events: string[];
  limit?: number;
  min_depth?: number;
}

/** POST /get_missing_events/{roomId}: events between the earliest and the latest. */
export async function getMissingEvents(client: FederationClient, server: string, roomId: string, req: MissingEventsRequest): Promise<unknown[]> {
  const res = await client.request<{ events?: unknown }>(server, 'POST', `${V1}/get_missing_events/${seg(roomId)}`, { body: req });
  return Array.isArray(res.events) ? res.events : [];
}

/** GET /backfill/{roomId}?v=…&limit=: history before the given events. */
export async function backfill(client: FederationClient, server: string, roomId: string, from: string[], limit: number): Promise<unknown[]> {
  const res = await client.request<PdusAnswer>(server, 'GET', `${V1}/backfill/${seg(roomId)}`, { query: { v: from, limit } });
  return Array.isArray(res.pdus) ? res.pdus : [];
}

/** PUT /send/{txnId}: a transaction of our PDUs and EDUs. */
export function sendTransaction(
  client: FederationClient,
  server: string,
  txnId: string,
  txn: { origin: string; origin_server_ts: number; pdus: PduJson[]; edus?: { edu_type: string; content: unknown }[] },
  timeoutMs?: number,
): Promise<{ pdus?: Record<string, { error?: string }> }> {
  return client.request(server, 'PUT', `${V1}/send/${seg(txnId)}`, { body: txn, timeoutMs });
}

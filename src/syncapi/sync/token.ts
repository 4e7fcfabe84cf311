// Pagination tokens (Client-Server API, "Syncing" and "Pagination").
//
// A sync token holds one position per sync stream, in Dendrite's shape:
//   s<pdu>_<typing>_<receipt>_<invite>_<to_device>_<account_data>_<device_list>_<notification>_<presence>
// Every position except typing comes from the database, so a token stays valid across restarts
// (typing is in memory; see streams/typing.ts for how an old typing position is treated).
//
// A topological token `t<depth>_<pos>` names a point in one room's history for /messages,
// /context and /relations: the events ordered by (depth, stream position) strictly before
// (depth, pos) lie behind it. /messages also accepts sync tokens (the spec lets clients pass
// `next_batch`), which name the point after every event with a stream position <= pdu.
import { MatrixError } from '../../http/errors.ts';
import { SYNC_TOKEN_STREAMS } from '../api.ts';

export const STREAM_KEYS = SYNC_TOKEN_STREAMS;
export type StreamKey = (typeof STREAM_KEYS)[number];
export type SyncToken = Record<StreamKey, number>;

export const zeroToken = (): SyncToken => ({
  pdu: 0,
  typing: 0,
  receipt: 0,
  invite: 0,
  toDevice: 0,
  accountData: 0,
  deviceList: 0,
  notification: 0,
  presence: 0,
});

export function formatSyncToken(t: SyncToken): string {
  return 's' + STREAM_KEYS.map((k) => t[k]).join('_');
}

const badToken = (what: string) => new MatrixError('M_INVALID_PARAM', `Malformed ${what} token`);

/** Parses a sync token; positions missing at the end (older, shorter tokens) read as 0. */
export function parseSyncToken(s: string): SyncToken {
  if (!s.startsWith('s')) throw badToken('sync');
  const parts = s.slice(1).split('_');
  if (parts.length > STREAM_KEYS.length) throw badToken('sync');
  const t = zeroToken();
  parts.forEach((p, i) => {
    if (!/^\d{1,16}$/.test(p)) throw badToken('sync');
    t[STREAM_KEYS[i]!] = Number(p);
  });
  return t;
}

/** True when some stream of `a` is ahead of `b`. */
export function isAfter(a: SyncToken, b: SyncToken): boolean {
  return STREAM_KEYS.some((k) => a[k] > b[k]);
}

export interface TopoToken {
  depth: number;
  pos: number;
}

export const formatTopoToken = (t: TopoToken): string => `t${t.depth}_${t.pos}`;

export function parseTopoToken(s: string): TopoToken | null {
  const m = /^t(\d{1,16})_(\d{1,16})$/.exec(s);
  return m ? { depth: Number(m[1]), pos: Number(m[2]) } : null;
}

/** A /messages-style `from`/`to`: either a point in one room's history or a sync position. */
export type RoomToken = { kind: 'topo'; topo: TopoToken } | { kind: 'stream'; pdu: number };

export function parseRoomToken(s: string): RoomToken {
  const topo = parseTopoToken(s);
  if (topo) return { kind: 'topo', topo };
  if (s.startsWith('s')) return { kind: 'stream', pdu: parseSyncToken(s).pdu };
  throw badToken('pagination');
}

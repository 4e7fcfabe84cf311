// GET /sync, the logic (Client-Server API, "Syncing"): take the positions every consumer has
// committed, run each sync stream from the client's `since` to them, and when an incremental
// sync finds nothing, wait on the notifier until something for this user arrives or the timeout
// passes. Streams whose position has not moved are skipped, so a wake-up costs a few queries.
import type { SyncapiContext } from '../context.ts';
import { AccountDataStream } from '../streams/account-data.ts';
import { DeviceListStream } from '../streams/device-lists.ts';
import { InvitesStream } from '../streams/invites.ts';
import { NotificationsStream } from '../streams/notifications.ts';
import { PduStream } from '../streams/pdu.ts';
import { PresenceStream } from '../streams/presence.ts';
import { ReceiptsStream } from '../streams/receipts.ts';
import { ToDeviceStream } from '../streams/to-device.ts';
import { TypingStream } from '../streams/typing.ts';
import { type SyncRequest, type SyncResponse, type SyncStream, emptyResponse, hasContent } from '../streams/types.ts';
import type { Filter } from './filter.ts';
import { Gate } from './gate.ts';
import { type StreamKey, type SyncToken, formatSyncToken, isAfter } from './token.ts';
import { Histories } from './visibility.ts';

export interface SyncParams {
  userId: string;
  deviceId: string;
  since: SyncToken | null;
  timeoutMs: number;
  fullState: boolean;
  useStateAfter: boolean;
  filter: Filter;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
}

/** Streams run even when their position has not moved: they find the joined rooms, attach unread and key counts. */
const ALWAYS = new Set<StreamKey>(['pdu', 'notification', 'deviceList']);
/** Streams that follow rooms new to the client (their typing, receipts, account data, members' presence). */
const FOLLOW_NEW_ROOMS = new Set<StreamKey>(['typing', 'receipt', 'accountData', 'presence']);

export class SyncHandler {
  private readonly streams: SyncStream[];
  private readonly toDevice = new ToDeviceStream();
  /**
   * Incremental builds, a few at a time: SQLite answers on this thread, so more side by side only
   * interleave; PostgreSQL's round trips overlap, so more may run.
   */
  private readonly gate: Gate;

  constructor(private readonly ctx: SyncapiContext) {
    this.gate = new Gate(ctx.db.dialect === 'sqlite' ? 2 : 16);
    // The PDU stream first: it finds the joined and newly joined rooms the others follow;
    // notifications last, to attach counts to every joined room in the response.
    this.streams = [
      new PduStream(),
      new InvitesStream(),
      new TypingStream(),
      new ReceiptsStream(),
      new AccountDataStream(),
      new PresenceStream(),
      this.toDevice,
      new DeviceListStream(ctx.deviceLists) as SyncStream,
      new NotificationsStream(),
    ];
  }

  /** The positions a sync may read up to now. */
  async currentToken(): Promise<SyncToken> {
    const t = this.ctx.notifier.current();
    t.typing = this.ctx.typing.latest();
    return t;
  }

  async sync(p: SyncParams): Promise<SyncResponse> {
    const deadline = Date.now() + p.timeoutMs;
    // The `since` proves receipt of the to-device messages before it, even if nothing is new.
    if (p.since) await this.toDevice.acknowledge(this.ctx, p.userId, p.deviceId, p.since.toDevice);
    for (;;) {
      const version = this.ctx.notifier.version(p.userId);
      const to = await this.currentToken();
      const worthBuilding = p.since === null || p.fullState || isAfter(to, p.since);
      if (worthBuilding) {
        const res = p.since === null || p.fullState ? await this.build(p, to) : await this.gate.run(() => this.build(p, to));
        if (p.since === null || p.fullState || hasContent(res) || Date.now() >= deadline) return res;
      }
      const left = deadline - Date.now();
      if (left <= 0 || p.signal?.aborted) return this.emptyAt(p, to);
      await this.ctx.notifier.wait(p.userId, version, left, p.signal);
      if (p.signal?.aborted) return this.emptyAt(p, to);
    }
  }

  private emptyAt(p: SyncParams, to: SyncToken): SyncResponse {
    const res = emptyResponse();
    res.next_batch = formatSyncToken(p.since ? nextToken(p.since, to) : to);
    return res;
  }

  private async build(p: SyncParams, to: SyncToken): Promise<SyncResponse> {
    const req: SyncRequest = {
      ctx: this.ctx,
      userId: p.userId,
      deviceId: p.deviceId,
      filter: p.filter,
      since: p.since,
      to,
      fullState: p.fullState,
      useStateAfter: p.useStateAfter,
      now: this.ctx.now(),
      histories: new Histories(this.ctx.db, p.userId, this.ctx.histories),
      ignored: await this.ctx.ignored.of(p.userId),
      response: emptyResponse(),
      joinedRooms: new Set(),
      newlyJoinedRooms: new Set(),
    };
    const reached: SyncToken = { ...to };
    for (const stream of this.streams) {
      // A `since` ahead of us (another sync API process) reads as our position; typing restarts
      // with the process, so the typing stream itself judges a position it has never issued.
      const key = stream.key;
      const from = p.since ? (key === 'typing' ? p.since.typing : Math.min(p.since[key], to[key])) : 0;
      const moved = !p.since || p.fullState || from !== to[key];
      const follows = FOLLOW_NEW_ROOMS.has(key) && req.newlyJoinedRooms.size > 0;
      // New members of the user's rooms bring their presence.
      const newMembers = key === 'presence' && p.since !== null && this.ctx.notifier.membershipChangedAfter(p.since.pdu);
      if (!ALWAYS.has(key) && !moved && !follows && !newMembers) continue;
      reached[key] = await stream.sync(req, from, to[key]);
    }
    req.response.next_batch = formatSyncToken(p.since ? nextToken(p.since, reached) : reached);
    return req.response;
  }
}

/**
 * The next token: where each stream got to, never behind the client's `since` (another sync API
 * process may be ahead of this one), except typing, whose positions restart with the process.
 */
function nextToken(since: SyncToken, reached: SyncToken): SyncToken {
  const out = { ...reached };
  for (const k of Object.keys(out) as StreamKey[]) {
    if (k !== 'typing' && since[k] > out[k]) out[k] = since[k];
  }
  return out;
}

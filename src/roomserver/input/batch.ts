// One unit of work: the events prepared in memory for one transaction, and every row they
// change. Nothing here touches the database; persist.ts writes it all at once.
import type { EventView } from '../../protocol/event.ts';
import type { OutputRoomEvent } from '../api.ts';
import type { LoadedEvent } from '../event-store.ts';
import type { IdempotencyRow } from '../storage/idempotency-keys.ts';
import { NidUses } from '../nid-map.ts';
import type { RoomInfo } from '../room-info.ts';
import type { Snapshot } from '../state/snapshot.ts';
import { StateBatch } from '../state/state-batch.ts';

export type InputKind = 'new' | 'old' | 'outlier';

export interface PreparedEvent {
  readonly nid: number;
  readonly roomNid: number;
  /** The view readers will get (the pruned copy if a redaction already applies to it). */
  view: EventView;
  /** The JSON text to store. */
  json: string;
  readonly typeNid: number;
  readonly stateKeyNid: number | null;
  readonly kind: InputKind;
  readonly rejected: boolean;
  readonly softFailed: boolean;
  readonly stateBefore: Snapshot | null;
  readonly stateAfter: Snapshot | null;
  /** An outlier already stored that now gets its place in the DAG: update instead of insert. */
  readonly deOutlier: boolean;
  redactedBecause: string | undefined;
  /** Built here: its prev events are all stored, so no one can name it before it exists. */
  readonly local: boolean;
}

export interface QueuedOutput {
  readonly id: number;
  readonly roomNid: number;
  readonly message: OutputRoomEvent;
}

export class WriteBatch {
  readonly state = new StateBatch();
  readonly nids = new NidUses();
  readonly events: PreparedEvent[] = [];
  private readonly byNid = new Map<number, PreparedEvent>();
  private readonly byId = new Map<string, PreparedEvent>();
  /** Rooms as they stand after the batch. */
  readonly rooms = new Map<number, RoomInfo>();
  /** Rooms created by this batch (inserted rather than updated). */
  readonly newRooms = new Set<number>();
  readonly memberships = new Map<string, { roomNid: number; targetNid: number; membership: string; eventNid: number }>();
  readonly redactions: { redactionId: string; targetId: string; validated: boolean }[] = [];
  /** Stored events whose JSON a redaction replaces with the pruned copy. */
  readonly prunes: { target: LoadedEvent; json: string; view: EventView; redactionId: string }[] = [];
  readonly outputs: QueuedOutput[] = [];
  /** The idempotency key of the send this batch stores (SendEventRequest.idempotencyKey). */
  idempotency: IdempotencyRow | undefined = undefined;

  add(e: PreparedEvent): void {
    this.events.push(e);
    this.byNid.set(e.nid, e);
    this.byId.set(e.view.eventId, e);
  }

  event(nid: number): PreparedEvent | undefined {
    return this.byNid.get(nid);
  }

  eventById(id: string): PreparedEvent | undefined {
    return this.byId.get(id);
  }

  setMembership(roomNid: number, targetNid: number, membership: string, eventNid: number): void {
    this.memberships.set(`${roomNid}:${targetNid}`, { roomNid, targetNid, membership, eventNid });
  }
}

/** What readers of the batch need about an event, whether stored or pending in the batch. */
export interface EventMeta {
  readonly nid: number;
  readonly view: EventView;
  readonly typeNid: number;
  readonly stateKeyNid: number | null;
  readonly rejected: boolean;
  readonly outlier: boolean;
  readonly stateAfter: number | null;
}

export function metaOfPrepared(e: PreparedEvent): EventMeta {
  return {
    nid: e.nid,
    view: e.view,
    typeNid: e.typeNid,
    stateKeyNid: e.stateKeyNid,
    rejected: e.rejected,
    outlier: e.kind === 'outlier',
    stateAfter: e.stateAfter?.nid ?? null,
  };
}

// Everything the room server's parts share, built once by index.ts. No module keeps any of this
// in a top-level variable, so tests build the room server the same way with parts swapped.
import type { Bus } from '../bus/types.ts';
import type { AuthVerifier } from '../protocol/auth/types.ts';
import type { Signer } from '../protocol/signing/types.ts';
import type { Logger } from '../setup/logger.ts';
import type { Database } from '../storage/types.ts';
import type { EventStore } from './event-store.ts';
import type { GroupCommitter } from './input/committer.ts';
import type { IdempotencyKeys } from './input/idempotency.ts';
import type { OutputPublisher } from './input/publish-output.ts';
import type { NidMap } from './nid-map.ts';
import type { RoomQueues } from './room-queues.ts';
import type { RoomCache } from './room-info.ts';
import type { StateStore } from './state/state-store.ts';

/** Hands out increasing NIDs; starts after the largest one stored. */
export class Counter {
  constructor(private last: number) {}
  next(): number {
    return ++this.last;
  }
}

/** The verify key of `serverName`'s `keyId` (raw or unpadded base64), if known. Used for the
 *  signature checks inside the auth rules (restricted joins, third-party invites). */
export type ServerKeyLookup = (serverName: string, keyId: string) => Uint8Array | string | undefined;

export interface RoomserverContext {
  readonly db: Database;
  readonly serverName: string;
  readonly keyId: string;
  readonly signer: Signer;
  readonly bus: Bus;
  readonly log: Logger;
  readonly rooms: RoomCache;
  readonly events: EventStore;
  readonly state: StateStore;
  readonly types: NidMap;
  readonly stateKeys: NidMap;
  readonly counters: { readonly event: Counter; readonly room: Counter; readonly output: Counter };
  readonly queues: RoomQueues;
  readonly output: OutputPublisher;
  readonly committer: GroupCommitter;
  readonly idempotency: IdempotencyKeys;
  /** Signature checks of the auth rules: our own key, plus whatever `keys` knows. */
  readonly verifier: AuthVerifier;
  readonly now: () => number;
}

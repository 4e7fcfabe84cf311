// The state blocks and snapshots made while preparing one transaction. They get their NIDs at
// once (the room server hands out NIDs itself), are visible to lookups of the same batch, are
// written by the transaction and enter the caches only after it commits, so a rolled-back
// transaction leaves nothing behind that a later one could point at.
import type { StateBlock } from './block.ts';
import type { Snapshot } from './snapshot.ts';

export interface PendingBlock {
  readonly block: StateBlock;
  readonly hash: string;
  readonly bytes: Uint8Array;
}

export interface PendingSnapshot {
  readonly snapshot: Snapshot;
  readonly hash: string;
  readonly bytes: Uint8Array;
}

export class StateBatch {
  readonly blocks = new Map<number, PendingBlock>();
  readonly blocksByHash = new Map<string, number>();
  readonly snapshots = new Map<number, PendingSnapshot>();
  readonly snapshotsByHash = new Map<string, number>();
  /** Existing blocks and snapshots found by hash while preparing: cached at commit. */
  readonly found: { blocks: StateBlock[]; snapshots: Snapshot[] } = { blocks: [], snapshots: [] };
  /** Event NIDs handed out in this batch: a block holding one cannot exist yet. */
  readonly freshEvents = new Set<number>();
}

// Reading and deriving room state snapshots (see partition.ts for the layout). Lookups go
// through two cost-bounded caches (snapshots by NID, decoded blocks by NID); both are immutable
// once written, so caching them needs no invalidation.
import type { Database, Queryable } from '../../storage/types.ts';
import { Lru } from '../lru.ts';
import { inBatches } from '../storage/in-batches.ts';
import { insertStateBlock, selectStateBlockByHash, selectStateBlocks } from '../storage/state-blocks.ts';
import { insertStateSnapshot, selectStateSnapshotByHash, selectStateSnapshots } from '../storage/state-snapshots.ts';
import {
  blockEntries,
  blockFromEntries,
  compareKeys,
  decodeBlock,
  encodeBlock,
  findInBlock,
  hashBytes,
  sortEntries,
  type StateBlock,
  type StateEntry,
} from './block.ts';
import { bucketOf, chooseBuckets } from './partition.ts';
import { decodeBlockList, EMPTY_SNAPSHOT, encodeBlockList, snapshotHash, type Snapshot } from './snapshot.ts';
import type { StateBatch } from './state-batch.ts';

export interface StateStoreOptions {
  /** Budget of the block cache, in state entries (16 bytes each). */
  blockEntries: number;
  /** Budget of the snapshot cache, in block NIDs. */
  snapshotBlocks: number;
  nextBlockNid(): number;
  nextSnapshotNid(): number;
}

export class StateStore {
  private readonly blockCache: Lru<number, StateBlock>;
  private readonly snapshotCache: Lru<number, Snapshot>;

  constructor(
    private readonly db: Database,
    private readonly opts: StateStoreOptions,
  ) {
    this.blockCache = new Lru(opts.blockEntries, (b) => b.size + 8);
    this.snapshotCache = new Lru(opts.snapshotBlocks, (s) => s.blocks.length + 4);
  }

  async snapshot(nid: number, batch?: StateBatch): Promise<Snapshot> {
    return (await this.snapshots([nid], batch)).get(nid)!;
  }

  async snapshots(nids: readonly number[], batch?: StateBatch): Promise<Map<number, Snapshot>> {
    const out = new Map<number, Snapshot>();
    const missing: number[] = [];
    for (const nid of nids) {
      const hit = nid === 0 ? EMPTY_SNAPSHOT : (batch?.snapshots.get(nid)?.snapshot ?? this.snapshotCache.get(nid));
      if (hit) out.set(nid, hit);
      else missing.push(nid);
    }
    const rows = await inBatches(missing, (list, params) => selectStateSnapshots(this.db, list, params as number[]));
    for (const r of rows) {
      const snap: Snapshot = { nid: r.state_snapshot_nid, roomNid: r.room_nid, blocks: decodeBlockList(r.block_nids), count: r.entry_count };
      this.snapshotCache.set(snap.nid, snap);
      out.set(snap.nid, snap);
    }
    for (const nid of nids) if (!out.has(nid)) throw new Error(`state snapshot ${nid} is missing from the database`);
    return out;
  }

  async blocks(nids: readonly number[], batch?: StateBatch): Promise<Map<number, StateBlock>> {
    const out = new Map<number, StateBlock>();
    const missing: number[] = [];
    for (const nid of nids) {
      if (nid === 0 || out.has(nid)) continue;
      const hit = batch?.blocks.get(nid)?.block ?? this.blockCache.get(nid);
      if (hit) out.set(nid, hit);
      else missing.push(nid);
    }
    const rows = await inBatches(missing, (list, params) => selectStateBlocks(this.db, list, params as number[]));
    for (const r of rows) {
      const block = decodeBlock(r.state_block_nid, r.entries);
      this.blockCache.set(block.nid, block);
      out.set(block.nid, block);
    }
    for (const nid of nids) if (nid !== 0 && !out.has(nid)) throw new Error(`state block ${nid} is missing from the database`);
    return out;
  }

  /** The event NIDs at the given keys (0 where absent), reading only the buckets involved. */
  async lookup(snap: Snapshot, keys: readonly (readonly [number, number])[], batch?: StateBatch): Promise<number[]> {
    const b = snap.blocks.length;
    if (b === 0) return keys.map(() => 0);
    const blockNids = keys.map(([t, s]) => snap.blocks[bucketOf(t, s, b)]!);
    const blocks = await this.blocks(blockNids, batch);
    return keys.map(([t, s], i) => {
      const block = blocks.get(blockNids[i]!);
      return block ? findInBlock(block, t, s) : 0;
    });
  }

  /** lookup() from the caches alone: undefined when a block it needs is not cached. */
  lookupCached(snap: Snapshot, keys: readonly (readonly [number, number])[], batch?: StateBatch): number[] | undefined {
    const b = snap.blocks.length;
    const out: number[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const [t, s] = keys[i]!;
      const nid = b === 0 ? 0 : snap.blocks[bucketOf(t, s, b)]!;
      if (nid === 0) {
        out[i] = 0;
        continue;
      }
      const block = batch?.blocks.get(nid)?.block ?? this.blockCache.get(nid);
      if (!block) return undefined;
      out[i] = findInBlock(block, t, s);
    }
    return out;
  }

  /** Every entry of the snapshot, optionally only those of some type NIDs. */
  async entries(snap: Snapshot, batch?: StateBatch, typeNids?: ReadonlySet<number>): Promise<StateEntry[]> {
    const blocks = await this.blocks(snap.blocks, batch);
    const out: StateEntry[] = [];
    for (const nid of snap.blocks) {
      const block = blocks.get(nid);
      if (!block) continue;
      for (let i = 0; i < block.size; i++) {
        const t = block.types[i]!;
        if (typeNids === undefined || typeNids.has(t)) out.push({ t, s: block.keys[i]!, e: block.events[i]! });
      }
    }
    return out;
  }

  /** `base` with `changes` applied (e = 0 removes a key); new blocks and snapshot go in `batch`. */
  async derive(batch: StateBatch, roomNid: number, base: Snapshot, changes: readonly StateEntry[]): Promise<Snapshot> {
    if (changes.length === 0) return base;
    const b = base.blocks.length;
    if (b === 0) return this.fromEntries(batch, roomNid, changes.filter((c) => c.e !== 0));
    const byBucket = new Map<number, StateEntry[]>();
    for (const c of changes) {
      const k = bucketOf(c.t, c.s, b);
      const list = byBucket.get(k);
      if (list) list.push(c);
      else byBucket.set(k, [c]);
    }
    const loaded = await this.blocks([...byBucket.keys()].map((k) => base.blocks[k]!), batch);
    const rebuilt = new Map<number, StateEntry[]>();
    let count = base.count;
    for (const [k, list] of byBucket) {
      const block = loaded.get(base.blocks[k]!);
      const merged = applyChanges(block ? blockEntries(block) : [], list);
      count += merged.length - (block?.size ?? 0);
      rebuilt.set(k, merged);
    }
    const buckets = chooseBuckets(count, b);
    if (buckets !== b) {
      // Repartition: the only time a snapshot's entries are all rewritten (when the room's state
      // has grown or shrunk by a factor of 4 or so since the last time).
      const all = applyChanges(await this.entries(base, batch), changes);
      return this.fromEntries(batch, roomNid, all, buckets);
    }
    const list = [...base.blocks];
    for (const [k, entries] of rebuilt) list[k] = await this.makeBlock(batch, entries);
    return this.makeSnapshot(batch, roomNid, list, count);
  }

  /** A snapshot holding exactly `entries` (distinct keys), cut into about `buckets` buckets. */
  async fromEntries(batch: StateBatch, roomNid: number, entries: readonly StateEntry[], buckets = 0): Promise<Snapshot> {
    if (entries.length === 0) return EMPTY_SNAPSHOT;
    const b = chooseBuckets(entries.length, buckets);
    const parts: StateEntry[][] = Array.from({ length: b }, () => []);
    for (const e of entries) parts[bucketOf(e.t, e.s, b)]!.push(e);
    const list: number[] = [];
    for (const part of parts) list.push(await this.makeBlock(batch, sortEntries(part)));
    return this.makeSnapshot(batch, roomNid, list, entries.length);
  }

  /** What changes from `a` to `b`: entries of b not in a, and entries of a not in b. */
  async diff(a: Snapshot, b: Snapshot, batch?: StateBatch): Promise<{ added: StateEntry[]; removed: StateEntry[] }> {
    const added: StateEntry[] = [];
    const removed: StateEntry[] = [];
    if (a.nid === b.nid) return { added, removed };
    if (a.blocks.length === b.blocks.length) {
      const pairs: [number, number][] = [];
      for (let i = 0; i < a.blocks.length; i++) if (a.blocks[i] !== b.blocks[i]) pairs.push([a.blocks[i]!, b.blocks[i]!]);
      const blocks = await this.blocks(pairs.flat(), batch);
      for (const [x, y] of pairs) diffSorted(blockList(blocks.get(x)), blockList(blocks.get(y)), added, removed);
      return { added, removed };
    }
    diffSorted(sortEntries(await this.entries(a, batch)), sortEntries(await this.entries(b, batch)), added, removed);
    return { added, removed };
  }

  /** Writes the batch's new blocks and snapshots. */
  async write(tx: Queryable, batch: StateBatch): Promise<void> {
    const writes: Promise<unknown>[] = [];
    for (const p of batch.blocks.values()) writes.push(insertStateBlock(tx, p.block.nid, p.hash, p.block.size, p.bytes));
    for (const p of batch.snapshots.values()) {
      const s = p.snapshot;
      writes.push(insertStateSnapshot(tx, s.nid, s.roomNid, p.hash, s.count, p.bytes));
    }
    await Promise.all(writes);
  }

  /** After the batch's transaction committed: its blocks and snapshots become cacheable. */
  commit(batch: StateBatch): void {
    for (const p of batch.blocks.values()) this.blockCache.set(p.block.nid, p.block);
    for (const p of batch.snapshots.values()) this.snapshotCache.set(p.snapshot.nid, p.snapshot);
    for (const b of batch.found.blocks) this.blockCache.set(b.nid, b);
    for (const s of batch.found.snapshots) this.snapshotCache.set(s.nid, s);
  }

  private async makeBlock(batch: StateBatch, sorted: readonly StateEntry[]): Promise<number> {
    if (sorted.length === 0) return 0;
    const bytes = encodeBlock(sorted);
    const hash = hashBytes(bytes);
    const pending = batch.blocksByHash.get(hash);
    if (pending !== undefined) return pending;
    // A block holding an event stored in this very batch cannot be in the database yet.
    if (!sorted.some((e) => batch.freshEvents.has(e.e))) {
      const known = await selectStateBlockByHash(this.db, hash);
      if (known !== undefined) {
        batch.found.blocks.push(blockFromEntries(known, sorted));
        batch.blocksByHash.set(hash, known);
        return known;
      }
    }
    const nid = this.opts.nextBlockNid();
    batch.blocks.set(nid, { block: blockFromEntries(nid, sorted), hash, bytes });
    batch.blocksByHash.set(hash, nid);
    return nid;
  }

  private async makeSnapshot(batch: StateBatch, roomNid: number, list: number[], count: number): Promise<Snapshot> {
    if (count === 0) return EMPTY_SNAPSHOT;
    const bytes = encodeBlockList(list);
    const hash = snapshotHash(bytes);
    const pendingNid = batch.snapshotsByHash.get(hash);
    if (pendingNid !== undefined) {
      return batch.snapshots.get(pendingNid)?.snapshot ?? batch.found.snapshots.find((s) => s.nid === pendingNid)!;
    }
    // A snapshot naming a block new in this batch cannot be in the database yet.
    if (!list.some((nid) => batch.blocks.has(nid))) {
      const known = await selectStateSnapshotByHash(this.db, hash);
      if (known !== undefined) {
        const snap: Snapshot = { nid: known, roomNid, blocks: list, count };
        batch.found.snapshots.push(snap);
        batch.snapshotsByHash.set(hash, known);
        return snap;
      }
    }
    const snap: Snapshot = { nid: this.opts.nextSnapshotNid(), roomNid, blocks: list, count };
    batch.snapshots.set(snap.nid, { snapshot: snap, hash, bytes });
    batch.snapshotsByHash.set(hash, snap.nid);
    return snap;
  }
}

const blockList = (b: StateBlock | undefined): StateEntry[] => (b ? blockEntries(b) : []);

/** Sorted entries with changes applied (e = 0 removes), sorted. */
function applyChanges(entries: readonly StateEntry[], changes: readonly StateEntry[]): StateEntry[] {
  const map = new Map<string, StateEntry>();
  for (const e of entries) map.set(`${e.t}:${e.s}`, e);
  for (const c of changes) {
    if (c.e === 0) map.delete(`${c.t}:${c.s}`);
    else map.set(`${c.t}:${c.s}`, c);
  }
  return sortEntries([...map.values()]);
}

/** Merge walk over two sorted entry lists. */
function diffSorted(a: StateEntry[], b: StateEntry[], added: StateEntry[], removed: StateEntry[]): void {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    const c = x === undefined ? 1 : y === undefined ? -1 : compareKeys(x.t, x.s, y.t, y.s);
    if (c < 0) {
      removed.push(x!);
      i++;
    } else if (c > 0) {
      added.push(y!);
      j++;
    } else {
      if (x!.e !== y!.e) {
        removed.push(x!);
        added.push(y!);
      }
      i++;
      j++;
    }
  }
}

// A state block: the sorted (type NID, state key NID) -> event NID entries of one hash bucket of
// a room's state. Stored as 16 bytes per entry, little-endian: u32 type, u32 state key, f64 event
// NID. Kept in memory as three typed arrays (16 bytes per entry too) and searched by bisection.
import { createHash } from 'node:crypto';

export interface StateEntry {
  readonly t: number;
  readonly s: number;
  /** The event NID; 0 in a change list means "remove this key". */
  readonly e: number;
}

export interface StateBlock {
  readonly nid: number;
  readonly size: number;
  readonly types: Uint32Array;
  readonly keys: Uint32Array;
  readonly events: Float64Array;
}

const ENTRY_BYTES = 16;

export const compareKeys = (at: number, as: number, bt: number, bs: number): number => (at !== bt ? at - bt : as - bs);

export function sortEntries(entries: StateEntry[]): StateEntry[] {
  return entries.sort((a, b) => compareKeys(a.t, a.s, b.t, b.s));
}

/** Bytes of sorted entries. */
export function encodeBlock(entries: readonly StateEntry[]): Uint8Array {
  const bytes = new Uint8Array(entries.length * ENTRY_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const o = i * ENTRY_BYTES;
    view.setUint32(o, e.t, true);
    view.setUint32(o + 4, e.s, true);
    view.setFloat64(o + 8, e.e, true);
  }
  return bytes;
}

export function decodeBlock(nid: number, bytes: Uint8Array): StateBlock {
  const size = Math.floor(bytes.length / ENTRY_BYTES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types = new Uint32Array(size);
  const keys = new Uint32Array(size);
  const events = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const o = i * ENTRY_BYTES;
    types[i] = view.getUint32(o, true);
    keys[i] = view.getUint32(o + 4, true);
    events[i] = view.getFloat64(o + 8, true);
  }
  return { nid, size, types, keys, events };
}

export function blockFromEntries(nid: number, entries: readonly StateEntry[]): StateBlock {
  const size = entries.length;
  const types = new Uint32Array(size);
  const keys = new Uint32Array(size);
  const events = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    types[i] = entries[i]!.t;
    keys[i] = entries[i]!.s;
    events[i] = entries[i]!.e;
  }
  return { nid, size, types, keys, events };
}

export function blockEntries(block: StateBlock): StateEntry[] {
  const out: StateEntry[] = new Array(block.size);
  for (let i = 0; i < block.size; i++) out[i] = { t: block.types[i]!, s: block.keys[i]!, e: block.events[i]! };
  return out;
}

/** The event NID at (t, s) in the block, or 0. */
export function findInBlock(block: StateBlock, t: number, s: number): number {
  let lo = 0;
  let hi = block.size - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(block.types[mid]!, block.keys[mid]!, t, s);
    if (c === 0) return block.events[mid]!;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

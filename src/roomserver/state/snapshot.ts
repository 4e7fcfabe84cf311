// A state snapshot: a room's state as the list of its buckets' block NIDs (0 for an empty
// bucket). Snapshot NID 0 is the empty state.
import { hashBytes } from './block.ts';

export interface Snapshot {
  readonly nid: number;
  readonly roomNid: number;
  /** One block NID per bucket; the length is the bucket count. */
  readonly blocks: readonly number[];
  /** Number of state entries. */
  readonly count: number;
}

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({ nid: 0, roomNid: 0, blocks: [], count: 0 });

export function encodeBlockList(blocks: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(blocks.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < blocks.length; i++) view.setFloat64(i * 8, blocks[i]!, true);
  return bytes;
}

export function decodeBlockList(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = new Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

export function snapshotHash(blockList: Uint8Array): string {
  return hashBytes(blockList);
}

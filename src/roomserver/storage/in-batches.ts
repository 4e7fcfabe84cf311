// `WHERE x IN (…)` over lists of any length without one prepared statement per length: lists are
// cut into chunks of at most MAX and each chunk is padded (repeating its last value) to a power
// of two, so at most log2(MAX)+1 statements exist per query.
import { inList } from '../../storage/dialect.ts';
import type { SqlValue } from '../../storage/types.ts';

const MAX = 512;

/** Runs `query(placeholders, params)` per chunk and concatenates the rows. `first` is the index
 *  of the first list placeholder ($first); `before` are the parameters that come ahead of it. */
export async function inBatches<T, V extends SqlValue>(
  values: readonly V[],
  query: (placeholders: string, params: SqlValue[]) => Promise<T[]>,
  before: readonly SqlValue[] = [],
): Promise<T[]> {
  if (values.length === 0) return [];
  const unique = [...new Set(values)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += MAX) {
    const chunk: SqlValue[] = unique.slice(i, i + MAX);
    let size = 1;
    while (size < chunk.length) size *= 2;
    const last = chunk[chunk.length - 1]!;
    while (chunk.length < size) chunk.push(last);
    const rows = await query(inList(before.length + 1, size), [...before, ...chunk]);
    for (const row of rows) out.push(row);
  }
  return out;
}

// `WHERE x IN (…)` over lists of any length with a bounded number of prepared statements: lists
// are cut into chunks of at most MAX and each chunk is padded (repeating its last value) to a
// power of two, so at most log2(MAX)+1 statement shapes exist per query.
import { inList } from '../../storage/dialect.ts';
import type { SqlValue } from '../../storage/types.ts';

const MAX = 256;

/** Runs `query(placeholders, params)` per chunk of distinct values and concatenates the rows. */
export async function inBatches<T>(
  values: readonly string[],
  query: (placeholders: string, params: SqlValue[]) => Promise<T[]>,
  before: readonly SqlValue[] = [],
): Promise<T[]> {
  const unique = [...new Set(values)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += MAX) {
    const chunk: SqlValue[] = unique.slice(i, i + MAX);
    let size = 1;
    while (size < chunk.length) size *= 2;
    const last = chunk[chunk.length - 1]!;
    while (chunk.length < size) chunk.push(last);
    out.push(...(await query(inList(before.length + 1, size), [...before, ...chunk])));
  }
  return out;
}

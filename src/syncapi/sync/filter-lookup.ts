// The `filter` query parameter of /sync (a filter ID, or inline JSON when it starts with `{`)
// and of the room endpoints (an inline RoomEventFilter). Compiled filters are kept by ID or by
// their JSON text, since long-polling clients send the same one with every request; compiled
// filters are never modified, so requests share them.
import { MatrixError, notFound } from '../../http/errors.ts';
import type { SyncapiContext } from '../context.ts';
import { selectFilter } from '../storage/filters.ts';
import { type EventFilter, type Filter, compileEventFilter, defaultFilter, parseFilter, roomEventFilterSchema } from './filter.ts';

const MAX = 10_000;

function parseJsonParam(raw: string, what: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new MatrixError('M_NOT_JSON', `${what} is not valid JSON`);
  }
}

export class FilterLookup {
  private readonly cache = new Map<string, Filter>();
  private readonly dflt = defaultFilter();
  constructor(private readonly ctx: SyncapiContext) {}

  async forSync(userId: string, param: string | undefined): Promise<Filter> {
    if (param === undefined || param === '') return this.dflt;
    const inline = param.trimStart().startsWith('{');
    const key = inline ? param : `${userId}|${param}`;
    const known = this.cache.get(key);
    if (known) return known;
    let f: Filter;
    if (inline) f = parseFilter(parseJsonParam(param, 'filter'));
    else {
      const json = await selectFilter(this.ctx.db, userId, param);
      if (json === undefined) throw notFound(`No filter ${param}`);
      f = parseFilter(JSON.parse(json));
    }
    if (this.cache.size >= MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, f);
    return f;
  }
}

/** A RoomEventFilter given inline (/messages, /context); no filter when absent. */
export function roomEventFilterParam(param: string | undefined): EventFilter {
  if (param === undefined || param === '') return compileEventFilter(undefined);
  return compileEventFilter(roomEventFilterSchema.parse(parseJsonParam(param, 'filter'), 'filter'));
}

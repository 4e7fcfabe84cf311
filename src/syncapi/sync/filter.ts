// Filters (Client-Server API, "Filtering"; filter.yaml): the schema clients upload, its
// defaults, and matching an event's indexed fields against it. Types and senders are matched here
// and, where they narrow a query, translated to SQL by filter-sql.ts.
import { MatrixError } from '../../http/errors.ts';
import { array, boolean, integer, literal, object, string } from '../../http/schema.ts';

const eventFilterShape = {
  limit: integer().opt(),
  not_senders: array(string()).opt(),
  not_types: array(string()).opt(),
  senders: array(string()).opt(),
  types: array(string()).opt(),
};

const roomEventFilterShape = {
  ...eventFilterShape,
  lazy_load_members: boolean().opt(),
  include_redundant_members: boolean().opt(),
  not_rooms: array(string()).opt(),
  rooms: array(string()).opt(),
  contains_url: boolean().opt(),
  unread_thread_notifications: boolean().opt(),
};

const eventFilterSchema = object(eventFilterShape);
export const roomEventFilterSchema = object(roomEventFilterShape);

export const filterSchema = object({
  event_fields: array(string()).opt(),
  event_format: literal('client', 'federation').opt(),
  presence: eventFilterSchema.opt(),
  account_data: eventFilterSchema.opt(),
  room: object({
    not_rooms: array(string()).opt(),
    rooms: array(string()).opt(),
    ephemeral: roomEventFilterSchema.opt(),
    include_leave: boolean().opt(),
    state: roomEventFilterSchema.opt(),
    timeline: roomEventFilterSchema.opt(),
    account_data: roomEventFilterSchema.opt(),
  }).opt(),
});

/** An EventFilter or RoomEventFilter, with wildcards compiled. */
export interface EventFilter {
  limit?: number;
  types?: Matcher;
  notTypes?: Matcher;
  senders?: Set<string>;
  notSenders?: Set<string>;
  rooms?: Set<string>;
  notRooms?: Set<string>;
  containsUrl?: boolean;
  lazyLoadMembers: boolean;
  includeRedundantMembers: boolean;
  unreadThreadNotifications: boolean;
  /** The type patterns as given, for SQL. */
  rawTypes?: string[];
  rawNotTypes?: string[];
}

export interface Filter {
  eventFields?: string[];
  eventFormat: 'client' | 'federation';
  presence: EventFilter;
  accountData: EventFilter;
  room: {
    rooms?: Set<string>;
    notRooms?: Set<string>;
    includeLeave: boolean;
    timeline: EventFilter;
    state: EventFilter;
    ephemeral: EventFilter;
    accountData: EventFilter;
  };
}

/** Matches event types against patterns where `*` stands for any run of characters. */
export class Matcher {
  private readonly exact = new Set<string>();
  private readonly patterns: RegExp[] = [];
  constructor(readonly raw: string[]) {
    for (const p of raw) {
      if (!p.includes('*')) this.exact.add(p);
      else this.patterns.push(new RegExp('^' + p.split('*').map(escapeRegex).join('.*') + '$', 's'));
    }
  }
  matches(s: string): boolean {
    return this.exact.has(s) || this.patterns.some((r) => r.test(s));
  }
  get isEmpty(): boolean {
    return this.raw.length === 0;
  }
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type RawEventFilter = {
  limit?: number;
  types?: string[];
  not_types?: string[];
  senders?: string[];
  not_senders?: string[];
  rooms?: string[];
  not_rooms?: string[];
  contains_url?: boolean;
  lazy_load_members?: boolean;
  include_redundant_members?: boolean;
  unread_thread_notifications?: boolean;
};

export function compileEventFilter(raw: RawEventFilter | undefined): EventFilter {
  const r = raw ?? {};
  return {
    limit: r.limit,
    types: r.types ? new Matcher(r.types) : undefined,
    notTypes: r.not_types && r.not_types.length > 0 ? new Matcher(r.not_types) : undefined,
    senders: r.senders ? new Set(r.senders) : undefined,
    notSenders: r.not_senders && r.not_senders.length > 0 ? new Set(r.not_senders) : undefined,
    rooms: r.rooms ? new Set(r.rooms) : undefined,
    notRooms: r.not_rooms && r.not_rooms.length > 0 ? new Set(r.not_rooms) : undefined,
    containsUrl: r.contains_url,
    lazyLoadMembers: r.lazy_load_members === true,
    includeRedundantMembers: r.include_redundant_members === true,
    unreadThreadNotifications: r.unread_thread_notifications === true,
    rawTypes: r.types,
    rawNotTypes: r.not_types,
  };
}

/** Validates a filter body (M_BAD_JSON / M_INVALID_PARAM on a wrong shape) and compiles it. */
export function parseFilter(json: unknown): Filter {
  const f = filterSchema.parse(json, '');
  if (f.event_fields?.some((field) => field === '')) throw new MatrixError('M_INVALID_PARAM', 'event_fields: empty field');
  const room: NonNullable<typeof f.room> | Record<string, undefined> = f.room ?? {};
  return {
    eventFields: f.event_fields,
    eventFormat: f.event_format ?? 'client',
    presence: compileEventFilter(f.presence),
    accountData: compileEventFilter(f.account_data),
    room: {
      rooms: room.rooms ? new Set(room.rooms) : undefined,
      notRooms: room.not_rooms ? new Set(room.not_rooms) : undefined,
      includeLeave: room.include_leave === true,
      timeline: compileEventFilter(room.timeline),
      state: compileEventFilter(room.state),
      ephemeral: compileEventFilter(room.ephemeral),
      accountData: compileEventFilter(room.account_data),
    },
  };
}

export const defaultFilter = (): Filter => parseFilter({});

/** What the matcher needs of an event: all of it is in our indexes, no event JSON. */
export interface FilterSubject {
  type: string;
  sender: string;
  roomId?: string;
  containsUrl?: boolean;
}

export function eventMatches(f: EventFilter, e: FilterSubject): boolean {
  if (f.notTypes?.matches(e.type)) return false;
  if (f.types && !f.types.matches(e.type)) return false;
  if (f.notSenders?.has(e.sender)) return false;
  if (f.senders && !f.senders.has(e.sender)) return false;
  if (e.roomId !== undefined) {
    if (f.notRooms?.has(e.roomId)) return false;
    if (f.rooms && !f.rooms.has(e.roomId)) return false;
  }
  if (f.containsUrl !== undefined && e.containsUrl !== undefined && f.containsUrl !== e.containsUrl) return false;
  return true;
}

/** Whether a room passes the filter's top-level room lists. */
export function roomAllowed(f: Filter, roomId: string): boolean {
  if (f.room.notRooms?.has(roomId)) return false;
  return !f.room.rooms || f.room.rooms.has(roomId);
}

/** A filter that lets nothing through (types: []), so a whole section can be skipped. */
export const matchesNothing = (f: EventFilter): boolean =>
  (f.types?.isEmpty ?? false) || (f.senders !== undefined && f.senders.size === 0) || (f.rooms !== undefined && f.rooms.size === 0);

export const TIMELINE_LIMIT_DEFAULT = 20;
export const TIMELINE_LIMIT_MAX = 1000;

/** The filter's limit, defaulted and capped; 0 is allowed (sections with no events). */
export function limitOf(f: EventFilter, dflt: number, max: number): number {
  const l = f.limit ?? dflt;
  return Math.max(0, Math.min(l, max));
}

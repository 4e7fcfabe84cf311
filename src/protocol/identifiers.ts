// Identifier grammars (Appendices, "Identifier Grammar"): server names, user IDs, room IDs, room
// aliases and event IDs, plus the common namespaced and opaque identifier grammars. Each parser
// returns the parts or a reason a person can act on; the `isValid…` forms answer yes or no.
//
// Two strictness levels for user IDs: the current grammar (a-z 0-9 . _ = - / +) is what we create;
// the historical one ("any legal non-surrogate Unicode code points except for `:` and `NUL`,
// including other control characters and the empty string") is what we must accept over
// federation (Appendices, "Historical User IDs").

import type { EventIdFormat, RoomVersion } from './room-versions.ts';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/** User IDs, room IDs, room aliases and event IDs "MUST NOT exceed 255 bytes" (UTF-8). */
export const MAX_ID_BYTES = 255;

export const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

// ---------------------------------------------------------------- server names

export interface ServerName {
  /** The hostname as written, brackets included for IPv6. */
  readonly host: string;
  readonly port: number | undefined;
  readonly kind: 'dns' | 'ipv4' | 'ipv6';
}

const DNS_NAME = /^[A-Za-z0-9.-]{1,255}$/;
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const PORT = /^[0-9]{1,5}$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** `server_name = hostname [ ":" port ]` (Appendices, "Server Name"). Case is kept: names are case-sensitive. */
export function parseServerName(name: string): Parsed<ServerName> {
  let host: string;
  let rest: string;
  let kind: ServerName['kind'];
  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    if (end < 0) return fail('IPv6 literal has no closing "]"');
    if (!isIPv6Address(name.slice(1, end))) return fail('invalid IPv6 literal');
    host = name.slice(0, end + 1);
    rest = name.slice(end + 1);
    kind = 'ipv6';
  } else {
    const colon = name.indexOf(':');
    host = colon < 0 ? name : name.slice(0, colon);
    rest = colon < 0 ? '' : name.slice(colon);
    if (host === '') return fail('empty hostname');
    if (!DNS_NAME.test(host)) return fail('hostname may only contain A-Z, a-z, 0-9, "-" and "." (at most 255)');
    const quad = DOTTED_QUAD.exec(host);
    // "IPv4 literals must be a sequence of four decimal numbers in the range 0 to 255".
    if (quad && quad.slice(1).some((octet) => Number(octet) > 255)) return fail('IPv4 literal octet above 255');
    kind = quad ? 'ipv4' : 'dns';
  }
  if (rest === '') return ok({ host, port: undefined, kind });
  if (rest[0] !== ':' || !PORT.test(rest.slice(1))) return fail('port must be ":" and 1 to 5 digits');
  return ok({ host, port: Number(rest.slice(1)), kind });
}

export const isValidServerName = (name: string): boolean => parseServerName(name).ok;

/** RFC 3513 section 2.2 text forms: eight groups, one "::" for a run of zeros, optional IPv4 tail. */
export function isIPv6Address(text: string): boolean {
  if (text.length < 2 || text.length > 45) return false;
  let groups = 0;
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return false;
  if (text.includes('.')) {
    const m = DOTTED_QUAD.exec(text.slice(lastColon + 1));
    if (!m || m.slice(1).some((o) => Number(o) > 255)) return false;
    groups += 2;
    // Keep the colon that precedes the IPv4 part only when it belongs to a "::".
    body = text.slice(0, text.endsWith('::', lastColon + 1) ? lastColon + 1 : lastColon);
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  for (const half of halves) {
    if (half === '') continue;
    for (const group of half.split(':')) {
      if (!HEX_GROUP.test(group)) return false;
      groups++;
    }
  }
  return halves.length === 2 ? groups <= 7 : groups === 8;
}

// ---------------------------------------------------------------- common helpers

/** The server name part of `&localpart:domain` (everything after the first ':'), if any. */
export function serverNameOf(id: string): string | undefined {
  const colon = id.indexOf(':');
  return colon < 0 ? undefined : id.slice(colon + 1);
}

/** "any valid non-surrogate Unicode code points except `:` and `NUL`". */
function historicalLocalpartError(localpart: string): string | undefined {
  if (localpart.includes('\u0000')) return 'contains NUL';
  if (!localpart.isWellFormed()) return 'contains a lone surrogate';
  return undefined;
}

interface Sigiled {
  readonly localpart: string;
  readonly serverName: string;
}

function splitSigiled(id: string, sigil: string, what: string): Parsed<Sigiled> {
  if (!id.startsWith(sigil)) return fail(`${what} must start with "${sigil}"`);
  if (byteLength(id) > MAX_ID_BYTES) return fail(`${what} is longer than ${MAX_ID_BYTES} bytes`);
  const colon = id.indexOf(':');
  if (colon < 0) return fail(`${what} has no ":server" part`);
  const serverName = id.slice(colon + 1);
  const server = parseServerName(serverName);
  if (!server.ok) return fail(`${what} has an invalid server name: ${server.reason}`);
  return ok({ localpart: id.slice(1, colon), serverName });
}

// ---------------------------------------------------------------- user IDs

export interface UserId extends Sigiled {
  /** The localpart fits the current grammar: 1*( a-z / 0-9 / - . = _ / + ). */
  readonly currentGrammar: boolean;
  /** Not "non-compliant": the localpart is non-empty and within U+0021–U+007E. Servers SHOULD NOT
   *  forward non-compliant user IDs to clients outside the context of an event. */
  readonly compliant: boolean;
}

const CURRENT_LOCALPART = /^[a-z0-9._=\-/+]+$/;
const COMPLIANT_LOCALPART = /^[\x21-\x7e]+$/;

/**
 * `@localpart:server_name`, at most 255 bytes. `accept` (default) applies the historical rules that
 * servers MUST accept; `create` requires the current grammar (Appendices, "User Identifiers").
 */
export function parseUserId(id: string, mode: 'accept' | 'create' = 'accept'): Parsed<UserId> {
  const parts = splitSigiled(id, '@', 'user ID');
  if (!parts.ok) return parts;
  const { localpart } = parts.value;
  const currentGrammar = CURRENT_LOCALPART.test(localpart);
  if (mode === 'create' && !currentGrammar) {
    return fail('user ID localpart may only contain a-z, 0-9, ".", "_", "=", "-", "/" and "+"');
  }
  const historical = historicalLocalpartError(localpart);
  if (historical !== undefined) return fail(`user ID localpart ${historical}`);
  return ok({ ...parts.value, currentGrammar, compliant: COMPLIANT_LOCALPART.test(localpart) });
}

export const isValidUserId = (id: string, mode: 'accept' | 'create' = 'accept'): boolean => parseUserId(id, mode).ok;

/**
 * Why `localpart` cannot be registered on `serverName`, or undefined if it can: the current grammar
 * (lowercase a-z, 0-9, `.`, `_`, `=`, `-`, `/`, `+`; not empty) and the whole `@localpart:server`
 * within 255 bytes. Homeservers downcase usernames before calling this ("Mapping from other
 * character sets").
 */
export function localpartError(localpart: string, serverName: string): string | undefined {
  if (localpart === '') return 'localpart is empty';
  if (!CURRENT_LOCALPART.test(localpart)) {
    return 'localpart may only contain a-z, 0-9, ".", "_", "=", "-", "/" and "+"';
  }
  const userId = `@${localpart}:${serverName}`;
  if (byteLength(userId) > MAX_ID_BYTES) return `user ID ${userId} is longer than ${MAX_ID_BYTES} bytes`;
  return undefined;
}

// ---------------------------------------------------------------- room IDs and aliases

export interface RoomId {
  /** Without the sigil; for v12 the URL-safe reference hash of the create event. */
  readonly opaque: string;
  /** Present for `!opaque:domain` room IDs (room versions 1–11). */
  readonly serverName: string | undefined;
}

const HASH_ID = /^[A-Za-z0-9_-]{43}$/;
const HASH_ID_STANDARD = /^[A-Za-z0-9+/]{43}$/;

/**
 * Room IDs (Appendices, "Room IDs"): `!opaque:domain` in room versions 1–11, `!` + the URL-safe
 * unpadded base64 reference hash of the create event (43 characters) in v12. Without a version,
 * either form is accepted, told apart by the ":".
 */
export function parseRoomId(id: string, version?: Pick<RoomVersion, 'roomIdFromCreateEvent'>): Parsed<RoomId> {
  const hashed = version === undefined ? !id.includes(':') : version.roomIdFromCreateEvent;
  if (hashed) {
    if (!id.startsWith('!')) return fail('room ID must start with "!"');
    if (!HASH_ID.test(id.slice(1))) return fail('room ID must be "!" and a 43-character URL-safe base64 hash');
    return ok({ opaque: id.slice(1), serverName: undefined });
  }
  const parts = splitSigiled(id, '!', 'room ID');
  if (!parts.ok) return parts;
  if (parts.value.localpart === '') return fail('room ID has an empty localpart');
  const err = historicalLocalpartError(parts.value.localpart);
  if (err !== undefined) return fail(`room ID localpart ${err}`);
  return ok({ opaque: parts.value.localpart, serverName: parts.value.serverName });
}

export const isValidRoomId = (id: string, version?: Pick<RoomVersion, 'roomIdFromCreateEvent'>): boolean =>
  parseRoomId(id, version).ok;

/** `#localpart:domain`, at most 255 bytes, localpart any non-surrogate code points but `:` and NUL. */
export function parseRoomAlias(alias: string): Parsed<Sigiled> {
  const parts = splitSigiled(alias, '#', 'room alias');
  if (!parts.ok) return parts;
  if (parts.value.localpart === '') return fail('room alias has an empty localpart');
  const err = historicalLocalpartError(parts.value.localpart);
  return err === undefined ? parts : fail(`room alias localpart ${err}`);
}

export const isValidRoomAlias = (alias: string): boolean => parseRoomAlias(alias).ok;

// ---------------------------------------------------------------- event IDs

export interface EventId {
  readonly opaque: string;
  /** Present for `$opaque:domain` event IDs (room versions 1–2). */
  readonly serverName: string | undefined;
}

/**
 * Event IDs per room version format (rooms/v1 "Event IDs", rooms/v3, rooms/v4 "Event IDs"):
 * `server` is `$opaque:domain`; `base64` is `$` + 43 standard base64 characters (v3); `urlsafe` is
 * `$` + 43 URL-safe ones (v4+). Without a format, any of the three.
 */
export function parseEventId(id: string, format?: EventIdFormat): Parsed<EventId> {
  if (!id.startsWith('$')) return fail('event ID must start with "$"');
  const rest = id.slice(1);
  if (format === 'urlsafe' || (format === undefined && HASH_ID.test(rest))) {
    return HASH_ID.test(rest)
      ? ok({ opaque: rest, serverName: undefined })
      : fail('event ID must be "$" and a 43-character URL-safe base64 hash');
  }
  if (format === 'base64' || (format === undefined && HASH_ID_STANDARD.test(rest))) {
    return HASH_ID_STANDARD.test(rest)
      ? ok({ opaque: rest, serverName: undefined })
      : fail('event ID must be "$" and a 43-character base64 hash');
  }
  const parts = splitSigiled(id, '$', 'event ID');
  if (!parts.ok) return parts;
  if (parts.value.localpart === '') return fail('event ID has an empty localpart');
  return ok({ opaque: parts.value.localpart, serverName: parts.value.serverName });
}

export const isValidEventId = (id: string, format?: EventIdFormat): boolean => parseEventId(id, format).ok;

// ---------------------------------------------------------------- other grammars

const NAMESPACED = /^[a-z][a-z0-9._-]{0,254}$/;
const OPAQUE = /^[0-9A-Za-z._~-]+$/;

/** Common Namespaced Identifier Grammar: 1–255 of [a-z0-9-_.], starting with [a-z]. */
export const isNamespacedIdentifier = (id: string): boolean => NAMESPACED.test(id);

/** Opaque Identifier Grammar: [0-9A-Za-z-._~], 1 to `maxLength` (default 255) characters. */
export const isOpaqueIdentifier = (id: string, maxLength = 255): boolean =>
  id.length >= 1 && id.length <= maxLength && OPAQUE.test(id);

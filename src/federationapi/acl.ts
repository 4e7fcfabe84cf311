// Server ACLs (Client-Server API, m.room.server_acl; Server-Server API, "Server Access Control
// Lists (ACLs)"): whether a server may take part in a room. The rule is applied in the event's
// order: no ACL event allows; an IP literal is denied when allow_ip_literals is false; a `deny`
// match denies; an `allow` match allows; anything else is denied. Globs are case-insensitive
// and matched against the server name without its port. ACL events are read from the room's
// current state and kept for a few seconds (and dropped when the room's ACL changes).
import { forbidden } from '../http/errors.ts';
import { EventType } from '../protocol/constants.ts';
import type { JsonObject } from '../protocol/event.ts';
import { parseServerName } from '../protocol/identifiers.ts';
import type { FederationRoomserver } from './context.ts';

const CACHE_MS = 5_000;

/** Whether `serverName` may take part in a room whose ACL content is `acl` (null: no ACL event). */
export function serverAllowed(acl: JsonObject | null, serverName: string): boolean {
  if (acl === null) return true;
  const parsed = parseServerName(serverName);
  if (!parsed.ok) return false;
  const host = parsed.value.host.startsWith('[') ? parsed.value.host.slice(1, -1) : parsed.value.host;
  if (parsed.value.kind !== 'dns' && acl.allow_ip_literals === false) return false;
  const globs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  if (globs(acl.deny).some((g) => globMatch(g, host))) return false;
  return globs(acl.allow).some((g) => globMatch(g, host));
}

/** Appendices, "Glob-style matching": `*` any run of characters, `?` exactly one; here case-insensitive. */
export function globMatch(glob: string, text: string): boolean {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'is').test(text);
}

export class AclCache {
  private readonly cache = new Map<string, { at: number; acl: Promise<JsonObject | null> }>();

  constructor(
    private readonly roomserver: Pick<FederationRoomserver, 'stateEvent'>,
    private readonly now: () => number = Date.now,
  ) {}

  async allowed(roomId: string, serverName: string): Promise<boolean> {
    return serverAllowed(await this.acl(roomId), serverName);
  }

  /** Throws 403 M_FORBIDDEN when the room's ACL denies `serverName`. */
  async check(roomId: string, serverName: string): Promise<void> {
    if (!(await this.allowed(roomId, serverName))) throw forbidden(`Server ${serverName} is denied by the room's server ACL`);
  }

  /** Forget a room's ACL (its m.room.server_acl changed). */
  invalidate(roomId: string): void {
    this.cache.delete(roomId);
  }

  private acl(roomId: string): Promise<JsonObject | null> {
    const hit = this.cache.get(roomId);
    if (hit && this.now() - hit.at < CACHE_MS) return hit.acl;
    const acl = this.roomserver.stateEvent(roomId, EventType.ServerAcl, '').then((e) => (e ? e.json.content : null));
    acl.catch(() => this.cache.delete(roomId));
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(roomId, { at: this.now(), acl });
    return acl;
  }
}

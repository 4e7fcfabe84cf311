// Completing a resident server's template (Server-Server API, "Joining Rooms": "The joining
// server is expected to add or replace the origin, origin_server_ts, and event_id on the
// templated event … MUST also verify that the type, room_id, sender, state_key and
// content.membership fields have the expected values. This event is then signed by the joining
// server."). Used for joins, leaves and knocks through another server, and for our own invites.
import { EventType } from '../../protocol/constants.ts';
import type { JsonObject, PduJson } from '../../protocol/event.ts';
import { hashAndSign } from '../../protocol/events/build.ts';
import { parseEvent } from '../../protocol/events/parse.ts';
import { roomVersion as lookupVersion, ROOM_VERSIONS, type RoomVersion } from '../../protocol/room-versions.ts';
import type { FederationContext } from '../context.ts';

/** Every room version this server supports: the `ver` of make_join and make_knock. */
export const SUPPORTED_VERSIONS: readonly string[] = [...ROOM_VERSIONS.keys()];

/** A template that is not what we asked for: "treated as malformed and discarded". */
export class BadTemplateError extends Error {
  constructor(server: string, reason: string) {
    super(`${server} sent an unusable template: ${reason}`);
    this.name = 'BadTemplateError';
  }
}

export function templateVersion(server: string, id: string | undefined): RoomVersion {
  // "If not provided, the room version is assumed to be either "1" or "2"" (same event format).
  const version = lookupVersion(id ?? '1');
  if (!version) throw new BadTemplateError(server, `room version ${id} is not supported here`);
  return version;
}

export function checkTemplate(server: string, event: unknown, want: { roomId: string; userId: string; membership: string }): PduJson {
  if (!event || typeof event !== 'object' || Array.isArray(event)) throw new BadTemplateError(server, 'no event');
  const e = event as PduJson;
  if (e.room_id !== want.roomId) throw new BadTemplateError(server, `room_id is ${String(e.room_id)}`);
  if (e.type !== EventType.Member) throw new BadTemplateError(server, `type is ${String(e.type)}`);
  if (e.sender !== want.userId || e.state_key !== want.userId) throw new BadTemplateError(server, 'sender or state_key is not the user');
  if (e.content?.membership !== want.membership) throw new BadTemplateError(server, `membership is not ${want.membership}`);
  return e;
}

/** Our signed event from a template, with `content` (which keeps the template's membership). */
export function completeTemplate(ctx: FederationContext, template: PduJson, version: RoomVersion, content: JsonObject): { pdu: PduJson; eventId: string } {
  const { hashes: _h, signatures: _s, unsigned: _u, event_id: _e, ...fields } = template;
  const pdu = { ...fields, content, origin: ctx.serverName, origin_server_ts: ctx.now() } as PduJson;
  if (version.eventIdFormat === 'server') pdu.event_id = `$${crypto.randomUUID().replaceAll('-', '')}:${ctx.serverName}`;
  const signed = hashAndSign(pdu, version, ctx.serverName, ctx.ourKeys.keyId, ctx.ourKeys.signer);
  // The result must be an event of the room version (size, fields): parse it as the resident will.
  parseEvent(signed.pdu, version);
  return signed;
}

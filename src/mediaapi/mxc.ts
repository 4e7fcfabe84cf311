// mxc:// URI parts. Client-Server API, Content repository, "Security considerations": servers
// MUST restrict the server-name segment to valid server names and the media-id segment to
// `A-Za-z0-9_-`, since both end up in storage lookups and outbound requests.
import { invalidParam } from '../http/errors.ts';

// Appendices, "Server Name": hostname [":" port]; hostname = IPv4 / "[" IPv6 "]" / dns-name.
const SERVER_NAME = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,255})(?::\d{1,5})?$/;
const MEDIA_ID = /^[A-Za-z0-9_-]{1,255}$/;

export function isValidServerName(s: string): boolean {
  return SERVER_NAME.test(s);
}

export function isValidMediaId(s: string): boolean {
  return MEDIA_ID.test(s);
}

/** Throws 400 M_INVALID_PARAM unless both parts are well-formed. */
export function checkMxcParts(serverName: string, mediaId: string): void {
  if (!isValidServerName(serverName)) throw invalidParam(`Invalid server name in media URI: ${JSON.stringify(serverName)}`);
  if (!isValidMediaId(mediaId)) throw invalidParam(`Invalid media ID: ${JSON.stringify(mediaId)}`);
}

export const mxcUri = (serverName: string, mediaId: string) => `mxc://${serverName}/${mediaId}`;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh media ID: 24 random alphanumerics (about 143 bits). */
export function newMediaId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let id = '';
  // 256 is not a multiple of 62: the slight bias toward the first letters does not matter here.
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}

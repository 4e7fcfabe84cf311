// The X-Matrix Authorization header (Server-Server API, "Request Authentication"): the signed
// JSON {method, uri, origin, destination, content} and the header that carries its signature.
// Parsing follows RFC 9110 §11.4 auth-params as the spec describes: case-insensitive names,
// values as tokens or quoted strings with backslash escapes, optional spaces and tabs around
// commas, colons allowed in unquoted values (older servers send `origin=example.org:8448`).
import { signJson } from '../../protocol/signing/sign-json.ts';
import type { Signer } from '../../protocol/signing/types.ts';

export interface RequestToSign {
  method: string;
  /** Path and query as sent: `/_matrix/federation/v1/send/123?x=y`. */
  uri: string;
  origin: string;
  destination: string;
  /** The JSON body, when the request has one. */
  content?: unknown;
}

/** The signed object of step 1, without its signatures. */
export function requestJson(r: RequestToSign): Record<string, unknown> {
  const json: Record<string, unknown> = { method: r.method, uri: r.uri, origin: r.origin, destination: r.destination };
  if (r.content !== undefined) json.content = r.content;
  return json;
}

/** `X-Matrix origin="…",destination="…",key="…",sig="…"` for our request. */
export function authorizationHeader(r: RequestToSign, keyId: string, signer: Signer): string {
  const signed = signJson(requestJson(r), r.origin, keyId, signer);
  const sig = signed.signatures[r.origin]![keyId]!;
  return `X-Matrix origin=${quote(r.origin)},destination=${quote(r.destination)},key=${quote(keyId)},sig=${quote(sig)}`;
}

const quote = (v: string) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;

export interface XMatrixParams {
  origin?: string;
  destination?: string;
  key?: string;
  sig?: string;
}

/** The parameters of one X-Matrix credential, or undefined if the header is not X-Matrix. */
export function parseXMatrix(header: string): XMatrixParams | undefined {
  const m = /^\s*X-Matrix +/i.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  let i = m[0].length;
  const n = header.length;
  while (i < n) {
    while (i < n && (header[i] === ' ' || header[i] === '\t' || header[i] === ',')) i++;
    const eq = header.indexOf('=', i);
    if (eq < 0) break;
    const name = header.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    let value = '';
    if (header[i] === '"') {
      i++;
      while (i < n && header[i] !== '"') {
        if (header[i] === '\\' && i + 1 < n) i++;
        value += header[i];
        i++;
      }
      i++; // closing quote
    } else {
      const end = header.indexOf(',', i);
      value = (end < 0 ? header.slice(i) : header.slice(i, end)).trim();
      i = end < 0 ? n : end;
    }
    // The first occurrence wins; a credential repeating a parameter is not ours to merge.
    if (name && !(name in params)) params[name] = value;
  }
  return { origin: params.origin, destination: params.destination, key: params.key, sig: params.sig };
}

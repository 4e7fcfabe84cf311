// The two signature checks the auth rules ask of their caller (protocol/auth/types.ts,
// AuthVerifier): a restricted join signed by the authorising user's server, and a third-party
// invite's `signed` block signed by one of the invite's public keys. Our own key is always
// known; other servers' keys come from `keys` (the federation API's key ring, later).
import type { AuthVerifier } from '../protocol/auth/types.ts';
import type { JsonObject } from '../protocol/event.ts';
import { jsonOptions } from '../protocol/events/hashes.ts';
import { redactEvent } from '../protocol/redaction.ts';
import { roomVersion } from '../protocol/room-versions.ts';
import { checkJsonSignatures, verifyJsonSignature } from '../protocol/signing/sign-json.ts';
import type { ServerKeyLookup } from './context.ts';

export function authVerifier(serverName: string, keyId: string, publicKey: Uint8Array, keys?: ServerKeyLookup): AuthVerifier {
  const lookup = (server: string, id: string): Uint8Array | string | undefined => {
    if (server === serverName && id === keyId) return publicKey;
    return keys?.(server, id);
  };
  return {
    isSignedByServer(event, server) {
      const rv = roomVersion(event.roomVersion);
      if (!rv) return false;
      // Events of other servers reach the auth rules only after the federation API checked every
      // signature they must carry, the authorising server's among them (requiredSigningServers):
      // where we hold no key of that server, its signature being there is what was verified.
      if (server !== serverName && !keys) return hasSignatureOf(event.json, server);
      // Signatures cover the redacted event (Server-Server API, "Signing events").
      const check = checkJsonSignatures(redactEvent(event.json, rv), server, (id) => lookup(server, id), jsonOptions(rv));
      return check.ok;
    },
    thirdPartyInviteSignedByAnyKey(signed: JsonObject, publicKeys: readonly string[]) {
      const signatures = signed.signatures;
      if (typeof signatures !== 'object' || signatures === null || Array.isArray(signatures)) return false;
      for (const [entity, byKey] of Object.entries(signatures)) {
        if (typeof byKey !== 'object' || byKey === null || Array.isArray(byKey)) continue;
        for (const id of Object.keys(byKey)) {
          if (publicKeys.some((key) => verifyJsonSignature(signed, entity, id, key))) return true;
        }
      }
      return false;
    },
  };
}

function hasSignatureOf(json: { signatures?: unknown }, server: string): boolean {
  const byKey = (json.signatures as Record<string, unknown> | undefined)?.[server];
  return typeof byKey === 'object' && byKey !== null && Object.keys(byKey).some((id) => id.startsWith('ed25519:'));
}

// Shared fixtures for the event tests: the spec's test signing key ("Cryptographic Test Vectors")
// and a builder of valid events for any room version.
import { decodeBase64 } from '../../../../src/protocol/base64.ts';
import type { EventRef, JsonObject } from '../../../../src/protocol/event.ts';
import { buildEvent, type BuildEventInput, type BuiltEvent } from '../../../../src/protocol/events/index.ts';
import { roomVersion, type RoomVersion } from '../../../../src/protocol/room-versions.ts';
import { encodePublicKey, nativeEd25519, type Signer } from '../../../../src/protocol/signing/index.ts';

export const SEED = decodeBase64('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1');
export const KEY_ID = 'ed25519:1';
export const ORIGIN = 'domain';
export const signer: Signer = nativeEd25519.signer(SEED);
export const PUBLIC_KEY = encodePublicKey(signer.publicKey);

export const version = (id: string): RoomVersion => {
  const v = roomVersion(id);
  if (v === undefined) throw new Error(`no room version ${id}`);
  return v;
};

/** A placeholder event reference in the version's format. */
export function someRef(v: RoomVersion, n = 0): EventRef {
  const body = `${'A'.repeat(42)}${'ABCDEFGHIJ'[n]}`;
  if (v.eventIdFormat === 'server') return [`$ev${n}:${ORIGIN}`, { sha256: body }];
  return `$${body}`;
}

export const roomIdFor = (v: RoomVersion): string =>
  v.roomIdFromCreateEvent ? `!${'R'.repeat(43)}` : `!room:${ORIGIN}`;

/** A valid message event for `versionId`, built and signed by ORIGIN; `overrides` tweak the input. */
export function message(versionId: string, content: JsonObject = { body: 'hi', msgtype: 'm.text' }, overrides: Partial<BuildEventInput> = {}): BuiltEvent {
  const v = version(versionId);
  return buildEvent(
    {
      roomVersion: v,
      roomId: roomIdFor(v),
      sender: `@alice:${ORIGIN}`,
      type: 'm.room.message',
      content,
      prevEvents: [someRef(v, 0)],
      authEvents: [someRef(v, 1), someRef(v, 2)],
      depth: 5,
      originServerTs: 1_700_000_000_000,
      eventIdLocalpart: 'local1',
      ...overrides,
    },
    ORIGIN,
    KEY_ID,
    signer,
  );
}

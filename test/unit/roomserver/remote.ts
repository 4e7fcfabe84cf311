// Another homeserver, for events that arrive "over federation": it builds and signs events with
// its own key, choosing prev and auth events itself, as the protocol lets any server do.
import { authEventsNeeded } from '../../../src/protocol/auth/auth-events.ts';
import type { EventRef, JsonObject, PduJson } from '../../../src/protocol/event.ts';
import { buildEvent } from '../../../src/protocol/events/build.ts';
import { eventReference } from '../../../src/protocol/events/hashes.ts';
import { roomVersion } from '../../../src/protocol/room-versions.ts';
import { nativeEd25519 } from '../../../src/protocol/signing/native.ts';
import type { Roomserver } from '../../../src/roomserver/index.ts';

export class RemoteServer {
  readonly keyId = 'ed25519:remote1';
  private readonly signer;

  constructor(
    readonly name: string,
    seedByte = 9,
  ) {
    this.signer = nativeEd25519.signer(new Uint8Array(32).fill(seedByte));
  }

  get publicKey(): Uint8Array {
    return this.signer.publicKey;
  }

  user(localpart: string): string {
    return `@${localpart}:${this.name}`;
  }

  /**
   * An event in `roomId` with the given prev events; its auth events are taken from the state
   * after the prev event on `rs` (what the sending server would pick), unless given.
   */
  async event(
    rs: Roomserver,
    roomId: string,
    f: {
      sender: string;
      type: string;
      stateKey?: string;
      content: JsonObject;
      prevEvents: string[];
      ts?: number;
      authEvents?: string[];
      redacts?: string;
    },
  ): Promise<PduJson> {
    const version = (await rs.roomVersion(roomId))!;
    const rv = roomVersion(version)!;
    const prev = await rs.eventsById(f.prevEvents);
    let authIds = f.authEvents;
    if (authIds === undefined) {
      // What the sending server saw: the state after its prev event.
      const state = (f.prevEvents.length === 1 ? await rs.stateAfterEvent(f.prevEvents[0]!) : null) ?? (await rs.currentState(roomId));
      authIds = [];
      for (const [type, stateKey] of authEventsNeeded({ type: f.type, stateKey: f.stateKey, sender: f.sender, content: f.content }, rv)) {
        const e = state.find((s) => s.json.type === type && s.json.state_key === stateKey);
        if (e) authIds.push(e.eventId);
      }
    }
    const auth = await rs.eventsById(authIds);
    const ref = (e: { json: PduJson; eventId: string }): EventRef => (rv.eventIdFormat === 'server' ? eventReference(e.json, rv) : e.eventId);
    const built = buildEvent(
      {
        roomVersion: rv,
        roomId,
        sender: f.sender,
        type: f.type,
        stateKey: f.stateKey,
        content: f.content,
        prevEvents: prev.map(ref),
        authEvents: auth.map(ref),
        depth: Math.max(1, ...prev.map((p) => p.json.depth + 1)),
        originServerTs: f.ts ?? Date.now(),
        redacts: f.redacts,
      },
      this.name,
      this.keyId,
      this.signer,
    );
    return built.pdu;
  }
}

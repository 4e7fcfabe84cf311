// The shape of a room event (PDU) as it travels over federation, and the read-only view of one
// that auth rules, state resolution and every component work with. Room versions differ in how
// prev_events/auth_events are written (v1–v2: [id, hashes] pairs; v3+: IDs) and in whether the
// event_id is part of the JSON (v1–v2 only); EventView hides both differences.

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

export type EventRef = string | [string, { sha256?: string }];

/** The wire format of a PDU (Server-Server API, "PDUs"; room version specs, "Event format"). */
export interface PduJson {
  event_id?: string;
  room_id?: string;
  sender: string;
  type: string;
  state_key?: string;
  content: JsonObject;
  origin_server_ts: number;
  depth: number;
  prev_events: EventRef[];
  auth_events: EventRef[];
  redacts?: string;
  hashes: { sha256: string };
  signatures: Record<string, Record<string, string>>;
  unsigned?: JsonObject;
  origin?: string;
  [key: string]: unknown;
}

export interface EventView {
  readonly eventId: string;
  readonly roomId: string;
  readonly roomVersion: string;
  readonly type: string;
  /** undefined for non-state events. */
  readonly stateKey: string | undefined;
  readonly sender: string;
  readonly content: JsonObject;
  readonly originServerTs: number;
  readonly depth: number;
  readonly prevEventIds: readonly string[];
  readonly authEventIds: readonly string[];
  /** Top-level `redacts` (v1–v10) or `content.redacts` (v11+). */
  readonly redacts: string | undefined;
  /** The full PDU JSON, exactly as hashed and signed. */
  readonly json: PduJson;
}

/** (type, state_key) as one string, the key of state maps everywhere. */
export const stateKeyOf = (type: string, stateKey: string): string => `${type}\u0000${stateKey}`;
export const splitStateKey = (key: string): [string, string] => {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
};

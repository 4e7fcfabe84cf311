// Runs every case of the state resolution fixtures (fixtures/README.md: data from ruma, MIT
// licence). Spec: room versions v2 "State resolution" (v10/v11 PDUs) and v12 "State resolution"
// (state resolution v2.1, MSC4297).

import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAuth } from '../../../../src/protocol/auth/check-auth.ts';
import { checkAuthEventsSelection } from '../../../../src/protocol/auth/auth-events.ts';
import { authStateFromEvents, authStateFromMap } from '../../../../src/protocol/auth/types.ts';
import { splitStateKey, stateKeyOf, type EventView } from '../../../../src/protocol/event.ts';
import { resolveState, type StateResOptions } from '../../../../src/protocol/state-res/index.ts';
import { pduToView, rv, testVerifier } from '../auth/fixtures.ts';

const DIR = join(import.meta.dir, 'fixtures');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(DIR, path), 'utf8')) as T;

interface Snapshot {
  type: string;
  state_key: string;
  event_id: string;
  content: unknown;
}

function loadPdus(files: string[]): { version: string; batches: EventView[][] } {
  const raw = files.map((file) => readJson<Record<string, unknown>[]>(`${file}.json`));
  const create = raw[0]![0]!;
  const version = (create.content as { room_version: string }).room_version;
  return { version, batches: raw.map((batch) => batch.map((pdu) => pduToView(pdu, version))) };
}

function options(version: string, events: Map<string, EventView>): StateResOptions {
  return { roomVersion: rv(version), getEvent: (id) => events.get(id), verifier: testVerifier };
}

function snapshotOf(state: Map<string, string>, events: Map<string, EventView>): Snapshot[] {
  return [...state]
    .map(([key, eventId]) => {
      const [type, stateKey] = splitStateKey(key);
      return { type, state_key: stateKey, event_id: eventId, content: events.get(eventId)!.content };
    })
    .sort((a, b) => (a.type === b.type ? (a.state_key < b.state_key ? -1 : 1) : a.type < b.type ? -1 : 1));
}

/** One PDU at a time: the state before a PDU resolves the states after its prev_events; the PDU
 *  is applied if it passes auth against its auth events and against that state. */
function resolveOneByOne(version: string, pdus: EventView[]): { state: Map<string, string>; events: Map<string, EventView> } {
  const events = new Map(pdus.map((e) => [e.eventId, e]));
  const opts = options(version, events);
  const after = new Map<string, Map<string, string>>();
  const referenced = new Set<string>();
  for (const pdu of pdus) {
    for (const prev of pdu.prevEventIds) referenced.add(prev);
    const before = resolveState(pdu.prevEventIds.map((id) => after.get(id)!), opts);
    const authEvents = pdu.authEventIds.map((id) => events.get(id)!);
    const passes =
      checkAuthEventsSelection(pdu, authEvents, opts.roomVersion).allowed &&
      checkAuth(pdu, withCreate(authStateFromEvents(authEvents), events, pdu), opts.roomVersion, testVerifier).allowed &&
      checkAuth(pdu, withCreate(authStateFromMap(before, (id) => events.get(id)), events, pdu), opts.roomVersion, testVerifier)
        .allowed;
    const state = new Map(before);
    if (passes && pdu.stateKey !== undefined) state.set(stateKeyOf(pdu.type, pdu.stateKey), pdu.eventId);
    after.set(pdu.eventId, state);
  }
  const leaves = pdus.filter((e) => !referenced.has(e.eventId)).map((e) => after.get(e.eventId)!);
  return { state: resolveState(leaves, opts), events };
}

/** v12: the create event is named by the room ID rather than listed in auth_events. */
function withCreate(
  lookup: (type: string, stateKey: string) => EventView | undefined,
  events: Map<string, EventView>,
  pdu: EventView,
) {
  return (type: string, stateKey: string) =>
    lookup(type, stateKey) ??
    (type === 'm.room.create' && stateKey === '' ? events.get(`$${pdu.roomId.slice(1)}`) : undefined);
}

/** Several PDUs at once: each PDU is its own one-entry state map, beside the previous result. */
function resolveBatch(
  version: string,
  pdus: EventView[],
  events: Map<string, EventView>,
  previous: Map<string, string> | undefined,
): Map<string, string> {
  for (const pdu of pdus) events.set(pdu.eventId, pdu);
  const stateSets = previous ? [previous] : [];
  for (const pdu of pdus) stateSets.push(new Map([[stateKeyOf(pdu.type, pdu.stateKey!), pdu.eventId]]));
  return resolveState(stateSets, options(version, events));
}

const BATCH_CASES: Array<[string, string[]]> = [
  ['minimal_private_chat', ['bootstrap-private-chat']],
  ['minimal_public_chat', ['bootstrap-public-chat']],
  ['origin_server_ts_tiebreak', ['bootstrap-private-chat', 'origin-server-ts-tiebreak']],
  ['ban_vs_power_levels', ['bootstrap-public-chat', 'ban-vs-power-levels-alice', 'ban-vs-power-levels-bob']],
  ['topic_vs_power_levels', ['bootstrap-public-chat', 'topic-vs-power-levels-alice', 'topic-vs-power-levels-bob']],
  ['power_levels_admin_vs_mod', ['bootstrap-public-chat', 'power-levels-admin-vs-mod-alice', 'power-levels-admin-vs-mod-bob']],
  ['topic_vs_ban', ['bootstrap-public-chat', 'topic-vs-ban-common', 'topic-vs-ban-alice', 'topic-vs-ban-bob']],
  ['join_rules_vs_join', ['bootstrap-public-chat', 'join-rules-vs-join-common', 'join-rules-vs-join-alice', 'join-rules-vs-join-ella']],
  ['concurrent_joins', ['bootstrap-public-chat', 'concurrent-joins-charlie', 'concurrent-joins-ella']],
];

describe('state resolution fixtures: batch cases (rooms/v2 "State resolution")', () => {
  for (const [name, files] of BATCH_CASES) {
    const expected = readJson<Snapshot[]>(`snapshots/${name}.json`);
    const { version, batches } = loadPdus(files);
    const all = batches.flat();

    test(`${name}: one PDU at a time`, () => {
      const { state, events } = resolveOneByOne(version, all);
      expect(snapshotOf(state, events)).toEqual(expected);
    });

    test(`${name}: one file at a time`, () => {
      const events = new Map<string, EventView>();
      let state: Map<string, string> | undefined;
      for (const batch of batches) state = resolveBatch(version, batch, events, state);
      expect(snapshotOf(state!, events)).toEqual(expected);
    });

    test(`${name}: all PDUs at once`, () => {
      const events = new Map<string, EventView>();
      const state = resolveBatch(version, all, events, undefined);
      expect(snapshotOf(state, events)).toEqual(expected);
    });
  }
});

const STATE_MAP_CASES: Array<[string, string, [string, string], string]> = [
  ['msc4297_problem_a_state_res_v2_0', 'MSC4297-problem-A', ['state-bob', 'state-charlie'], 'pdus-v11'],
  ['msc4297_problem_a_state_res_v2_1', 'MSC4297-problem-A', ['state-bob', 'state-charlie'], 'pdus-v12'],
  ['msc4297_problem_b_state_res_v2_0', 'MSC4297-problem-B', ['state-eve', 'state-zara'], 'pdus-v11'],
  ['msc4297_problem_b_state_res_v2_1', 'MSC4297-problem-B', ['state-eve', 'state-zara'], 'pdus-v12'],
];

describe('state resolution fixtures: MSC4297 state-map cases (rooms/v12 "State resolution")', () => {
  for (const [name, dir, [left, right], pduFile] of STATE_MAP_CASES) {
    test(name, () => {
      const { version, batches } = loadPdus([`${dir}/${pduFile}`]);
      const events = new Map(batches[0]!.map((e) => [e.eventId, e]));
      const toStateMap = (file: string) =>
        new Map(
          readJson<string[]>(`${dir}/${file}.json`).map((id) => {
            const event = events.get(id)!;
            return [stateKeyOf(event.type, event.stateKey!), id] as const;
          }),
        );
      const state = resolveState([toStateMap(left), toStateMap(right)], options(version, events));
      expect(snapshotOf(state, events)).toEqual(readJson<Snapshot[]>(`snapshots/${name}.json`));
    });
  }
});

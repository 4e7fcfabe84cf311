// "Mainline ordering": order events by how far back along the mainline of the resolved power
// levels event their own chain of power levels events joins it, then by origin_server_ts, then
// by event_id. Positions of power levels events are memoised, so each is computed once.

import { AuthEventType } from '../auth/names.ts';
import type { EventView } from '../event.ts';
import type { RoomVersion } from '../room-versions.ts';
import { authEventOfType } from './auth-graph.ts';

type GetEvent = (eventId: string) => EventView | undefined;

/**
 * Sorts `eventIds` by the mainline ordering based on `powerLevelsId` (the m.room.power_levels
 * event of the partially resolved state, if any). "The mainline position of e" is the index i of
 * the first P_i met walking e_1, e_2, … (the power levels events in the auth events of e, of e_1,
 * and so on); ∞ if none is met. Greater positions sort first.
 */
export function mainlineSort(
  eventIds: readonly string[],
  powerLevelsId: string | undefined,
  getEvent: GetEvent,
  rv: RoomVersion,
): string[] {
  const parentPowerLevels = (event: EventView): EventView | undefined =>
    authEventOfType(event, AuthEventType.PowerLevels, '', getEvent, rv);

  // position of each power levels event: its mainline index, or inherited from its parent.
  const position = new Map<string, number>();
  let mainlinePl = powerLevelsId === undefined ? undefined : getEvent(powerLevelsId);
  for (let i = 0; mainlinePl && !position.has(mainlinePl.eventId); i++) {
    position.set(mainlinePl.eventId, i);
    mainlinePl = parentPowerLevels(mainlinePl);
  }

  const positionOfPl = (start: EventView | undefined): number => {
    const path = new Set<string>();
    let current = start;
    let found = Infinity;
    // `path.has` stops at a cycle, which hashed event IDs make impossible but v1–v2 IDs do not.
    while (current && !path.has(current.eventId)) {
      const known = position.get(current.eventId);
      if (known !== undefined) {
        found = known;
        break;
      }
      path.add(current.eventId);
      current = parentPowerLevels(current);
    }
    for (const id of path) position.set(id, found);
    return found;
  };

  const keys = new Map<string, { position: number; ts: number }>();
  for (const id of eventIds) {
    const event = getEvent(id);
    if (!event) continue;
    keys.set(id, { position: positionOfPl(parentPowerLevels(event)), ts: event.originServerTs });
  }
  return [...keys.keys()].sort((a, b) => {
    const x = keys.get(a)!;
    const y = keys.get(b)!;
    if (x.position !== y.position) return x.position > y.position ? -1 : 1;
    if (x.ts !== y.ts) return x.ts - y.ts;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

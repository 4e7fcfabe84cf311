// Whether a redaction that passed the auth rules is actually applied to its target. Room
// versions 3+, "Handling redactions": "the server applies the redaction if one of the following
// conditions is met: 1. The power level of the redaction event's sender is greater than or equal
// to the redact level. 2. The domain of the redaction event's sender matches that of the original
// event's sender." In v1–v2 the auth rules already decided (rule 11), so a redaction that passed
// them applies.

import type { EventView } from '../event.ts';
import { namedLevel, userLevel, type RoomPowerLevels } from '../power-levels.ts';
import type { RoomVersion } from '../room-versions.ts';
import { domainOf } from './user-id.ts';

/** `powerLevels` is read from the state at the redaction event. */
export function redactionApplies(
  redaction: EventView,
  target: EventView,
  powerLevels: RoomPowerLevels,
  rv: RoomVersion,
): boolean {
  if (target.roomId !== redaction.roomId) return false;
  if (rv.redactionAuthRule) return true;
  if (userLevel(powerLevels, redaction.sender) >= namedLevel(powerLevels, 'redact')) return true;
  return domainOf(redaction.sender) === domainOf(target.sender);
}

// "If type is m.room.power_levels" (rule 10 in v1–v5 and v12, rule 9 in v6–v11): the new content
// must be well formed for the room version, v12 creators may not appear in `users`, and a sender
// may only change levels that are, and stay, within their own power.

import {
  LEVEL_NAMES,
  parsePowerLevelsContent,
  powerLevelsContentOf,
  roomCreators,
  userLevel,
} from '../power-levels.ts';
import { AuthEventType } from './names.ts';
import { ALLOW, deny, type AuthResult, type RuleContext } from './types.ts';

export function checkPowerLevelsChange(ctx: RuleContext): AuthResult {
  const { event, rv, state } = ctx;
  // v10+ 1–3 (v1–v9: 1): every level is an integer (v1–v9: or an integer string; v1–v5: or a
  // float, truncated), `events`/`notifications` are objects of levels, and `users` maps valid user
  // IDs to levels. See parsePowerLevelsContent for the NOTSPEC strictness before v10.
  const parsed = parsePowerLevelsContent(event.content, rv, true);
  if (!parsed.ok) return deny(`invalid power levels: ${parsed.reason}`);
  const next = parsed.content;
  // v12 10.4: "If the users property in content contains the sender of the m.room.create event or
  // any of the additional_creators array (if present) from the content of the m.room.create
  // event, reject."
  if (rv.privilegedCreators) {
    for (const creator of roomCreators(ctx.create, rv)) {
      if (next.users.has(creator)) return deny(`room creator ${creator} cannot be given a power level`);
    }
  }
  // "If there is no previous m.room.power_levels event in the room, allow."
  const previous = state(AuthEventType.PowerLevels, '');
  if (!previous) return ALLOW;
  const prev = powerLevelsContentOf(previous, rv);
  const senderLevel = userLevel(ctx.powerLevels, event.sender);

  // "For the properties users_default, events_default, state_default, ban, redact, kick, invite
  // check if they were added, changed or removed. For each found alteration: If the current value
  // is higher than the sender's current power level, reject. If the new value is higher than the
  // sender's current power level, reject."
  for (const name of LEVEL_NAMES) {
    const before = prev.levels[name];
    const after = next.levels[name];
    if (before === after) continue;
    if (before !== undefined && before > senderLevel) return deny(`cannot change ${name} from ${before}`);
    if (after !== undefined && after > senderLevel) return deny(`cannot set ${name} to ${after}`);
  }

  // "For each entry being changed in, or removed from, the events (v6+: or notifications)
  // properties: If the current value is greater than the sender's current power level, reject."
  // "For each entry being added to, or changed in, the events (v6+: or notifications) properties:
  // If the new value is greater than the sender's current power level, reject."
  const maps: Array<[string, ReadonlyMap<string, number>, ReadonlyMap<string, number>]> = [
    ['events', prev.events, next.events],
  ];
  if (rv.notificationsPowerLevels) maps.push(['notifications', prev.notifications, next.notifications]);
  for (const [name, before, after] of maps) {
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const old = before.get(key);
      const now = after.get(key);
      if (old === now) continue;
      if (old !== undefined && old > senderLevel) return deny(`cannot change ${name}[${JSON.stringify(key)}] from ${old}`);
      if (now !== undefined && now > senderLevel) return deny(`cannot set ${name}[${JSON.stringify(key)}] to ${now}`);
    }
  }

  // "For each entry being changed in, or removed from, the users property, other than the
  // sender's own entry: If the current value is greater than or equal to the sender's current
  // power level, reject." "For each entry being added to, or changed in, the users property: If the
  // new value is greater than the sender's current power level, reject."
  for (const user of new Set([...prev.users.keys(), ...next.users.keys()])) {
    const old = prev.users.get(user);
    const now = next.users.get(user);
    if (old === now) continue;
    if (old !== undefined && user !== event.sender && old >= senderLevel) {
      return deny(`cannot change the level of ${user}, who has ${old}`);
    }
    if (now !== undefined && now > senderLevel) return deny(`cannot give ${user} level ${now}`);
  }
  return ALLOW;
}

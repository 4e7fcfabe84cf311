// Room upgrades keep users' room-specific push rules (Client-Server API, "Room Upgrades": "When
// a user joins the new room, the server should automatically transfer/replicate some of the
// user's personalized settings such as notifications"). When a local user joins a room that
// replaced another, their rules naming the old room (a `room` rule, or override/underride
// conditions on room_id) are copied for the new one.
import { EventType, Membership } from '../../protocol/constants.ts';
import type { PushCondition, PushRule, PushRuleKind, PushRuleset } from '../api.ts';
import { localpartOf } from '../user-id.ts';
import type { PushContext } from './context.ts';
import { ConditionKind } from './default-rules.ts';
import type { NewRoomEvent } from './room-facts.ts';
import { isServerDefault } from './ruleset.ts';

const namesRoom = (c: PushCondition, roomId: string) => c.kind === ConditionKind.EventMatch && c.key === 'room_id' && c.pattern === roomId;

function copyOf(kind: PushRuleKind, r: PushRule, oldRoom: string, newRoom: string): PushRule | undefined {
  if (isServerDefault(r.rule_id)) return undefined;
  if (kind === 'room') return r.rule_id === oldRoom ? { ...r, rule_id: newRoom } : undefined;
  if ((kind === 'override' || kind === 'underride') && r.conditions?.some((c) => namesRoom(c, oldRoom))) {
    const conditions = r.conditions.map((c) => (namesRoom(c, oldRoom) ? { ...c, pattern: newRoom } : c));
    return { ...r, rule_id: `${r.rule_id}-${newRoom}`, conditions };
  }
  return undefined;
}

/** Adds each copy just before the rule it copies (same priority), unless it exists already. */
function addCopies(rs: PushRuleset, oldRoom: string, newRoom: string): number {
  let added = 0;
  for (const kind of Object.keys(rs) as PushRuleKind[]) {
    const rules = rs[kind];
    for (let i = 0; i < rules.length; i++) {
      const copy = copyOf(kind, rules[i]!, oldRoom, newRoom);
      if (!copy || rules.some((r) => r.rule_id === copy.rule_id)) continue;
      rules.splice(i, 0, copy);
      i++;
      added++;
    }
  }
  return added;
}

function isNewJoin(msg: NewRoomEvent): string | undefined {
  const j = msg.event.json;
  if (j.type !== EventType.Member || typeof j.state_key !== 'string' || j.content.membership !== Membership.Join) return undefined;
  const before = (j.unsigned as { prev_content?: { membership?: unknown } } | undefined)?.prev_content?.membership;
  return before === Membership.Join ? undefined : j.state_key;
}

export async function copyRulesOnJoin(ctx: PushContext, msg: NewRoomEvent): Promise<void> {
  const userId = isNewJoin(msg);
  if (userId === undefined || localpartOf(userId, ctx.serverName) === null) return;
  const { predecessor } = await ctx.rooms!.meta(msg.roomId);
  if (predecessor === undefined) return;
  const current = structuredClone(await ctx.rules.rules(userId));
  if (addCopies(current, predecessor, msg.roomId) === 0) return;
  await ctx.rules.edit(userId, (rs) => {
    addCopies(rs, predecessor, msg.roomId);
  });
}

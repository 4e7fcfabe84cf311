// The room summary of /sync (Client-Server API, "Syncing", `summary`): member counts, and heroes
// when the room has neither a name nor a canonical alias: the first five other members (joined or
// invited; else those who left or were banned), by user ID as SyTest 31sync/16room-summary.pl
// expects.
import { EventType, Membership } from '../../protocol/constants.ts';
import type { SyncapiContext } from '../context.ts';
import { selectHeroes, selectMemberCounts, selectStateKeys } from '../storage/current-room-state.ts';

const HEROES = 5;

export interface Summary {
  'm.joined_member_count': number;
  'm.invited_member_count': number;
  'm.heroes'?: string[];
}

export async function roomSummary(ctx: SyncapiContext, roomId: string, userId: string): Promise<Summary> {
  const counts = await selectMemberCounts(ctx.db, roomId);
  const summary: Summary = { 'm.joined_member_count': counts.joined, 'm.invited_member_count': counts.invited };
  if (!(await hasName(ctx, roomId))) {
    let heroes = await selectHeroes(ctx.db, roomId, userId, [Membership.Join, Membership.Invite], HEROES);
    if (heroes.length === 0) heroes = await selectHeroes(ctx.db, roomId, userId, [Membership.Leave, Membership.Ban], HEROES);
    summary['m.heroes'] = heroes;
  }
  return summary;
}

async function hasName(ctx: SyncapiContext, roomId: string): Promise<boolean> {
  const rows = [
    ...(await selectStateKeys(ctx.db, roomId, EventType.Name, [''])),
    ...(await selectStateKeys(ctx.db, roomId, EventType.CanonicalAlias, [''])),
  ];
  const bodies = await ctx.events.byNids(rows.map((r) => r.nid));
  return [...bodies.values()].some((ev) => {
    const c = ev.json.content;
    return (typeof c.name === 'string' && c.name !== '') || (typeof c.alias === 'string' && c.alias !== '');
  });
}

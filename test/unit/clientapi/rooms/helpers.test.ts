// Pure parts of the room endpoints: the history visibility rules (history visibility module,
// "Server behaviour"), /members filters (rooms.yaml, membership/not_membership), canonical alias
// content (m.room.canonical_alias, DELETE /directory/room), restricted join conditions
// ("Restricted rooms"), m.direct after an upgrade (Room Upgrades, "Server behaviour").
import { describe, expect, test } from 'bun:test';
import { namedAliases, withoutAlias } from '../../../../src/clientapi/rooms/aliases.ts';
import { allowedRooms, isRestricted } from '../../../../src/clientapi/rooms/restricted-join.ts';
import { directWithReplacement } from '../../../../src/clientapi/rooms/upgrade-user-state.ts';
import { visibilityState, visibleIn } from '../../../../src/clientapi/rooms/visibility.ts';
import { memberFilter } from '../../../../src/clientapi/routes/rooms.ts';
import { roomVersion } from '../../../../src/protocol/room-versions.ts';
import type { StoredEvent } from '../../../../src/roomserver/api.ts';

const stored = (type: string, stateKey: string, content: Record<string, unknown>): StoredEvent =>
  ({ nid: 1, eventId: '$x', roomId: '!r:hs', roomVersion: '10', json: { type, state_key: stateKey, content } }) as unknown as StoredEvent;

describe('history visibility rules 1-5', () => {
  const never = () => false;
  const later = () => true;
  test('world_readable allows anyone; join allows; invite only under "invited"', () => {
    expect(visibleIn({ historyVisibility: 'world_readable', membership: undefined }, never)).toBe(true);
    for (const hv of ['joined', 'invited', 'shared']) expect(visibleIn({ historyVisibility: hv, membership: 'join' }, never)).toBe(true);
    expect(visibleIn({ historyVisibility: 'invited', membership: 'invite' }, never)).toBe(true);
    expect(visibleIn({ historyVisibility: 'joined', membership: 'invite' }, later)).toBe(false);
    expect(visibleIn({ historyVisibility: 'joined', membership: 'leave' }, later)).toBe(false);
  });

  test('shared allows only when the user joined at some point after the event', () => {
    expect(visibleIn({ historyVisibility: 'shared', membership: undefined }, later)).toBe(true);
    expect(visibleIn({ historyVisibility: 'shared', membership: 'leave' }, never)).toBe(false);
  });

  test('the state read: unknown or absent history_visibility counts as shared; the user\'s own membership only', () => {
    const s = visibilityState([stored('m.room.history_visibility', '', { history_visibility: 'bogus' }), stored('m.room.member', '@a:hs', { membership: 'join' })], '@b:hs');
    expect(s).toEqual({ historyVisibility: 'shared', membership: undefined });
    const t = visibilityState([stored('m.room.history_visibility', '', { history_visibility: 'joined' }), stored('m.room.member', '@b:hs', { membership: 'invite' })], '@b:hs');
    expect(t).toEqual({ historyVisibility: 'joined', membership: 'invite' });
  });
});

describe('/members membership and not_membership', () => {
  test('either alone filters; together they are an "or" condition, as the spec says', () => {
    const all = ['join', 'invite', 'leave', 'ban', 'knock'];
    expect(all.filter(memberFilter('join', undefined))).toEqual(['join']);
    expect(all.filter(memberFilter(undefined, 'leave'))).toEqual(['join', 'invite', 'ban', 'knock']);
    expect(all.filter(memberFilter('leave', 'join'))).toEqual(['invite', 'leave', 'ban', 'knock']);
    expect(all.filter(memberFilter(undefined, undefined))).toEqual(all);
  });
});

describe('canonical alias content', () => {
  test('named aliases are alias and alt_aliases; a deleted alias leaves both', () => {
    const content = { alias: '#a:hs', alt_aliases: ['#a:hs', '#b:hs'] };
    expect(namedAliases(content)).toEqual(['#a:hs', '#a:hs', '#b:hs']);
    expect(withoutAlias(content, '#a:hs')).toEqual({ alt_aliases: ['#b:hs'] });
    expect(withoutAlias(content, '#b:hs')).toEqual({ alias: '#a:hs', alt_aliases: ['#a:hs'] });
    expect(withoutAlias(content, '#c:hs')).toBeNull();
  });
});

describe('restricted join rules', () => {
  test('restricted from v8, knock_restricted from v10; the m.room_membership rooms are the conditions', () => {
    expect(isRestricted('restricted', roomVersion('8')!)).toBe(true);
    expect(isRestricted('restricted', roomVersion('7')!)).toBe(false);
    expect(isRestricted('knock_restricted', roomVersion('9')!)).toBe(false);
    expect(isRestricted('knock_restricted', roomVersion('10')!)).toBe(true);
    expect(isRestricted('public', roomVersion('10')!)).toBe(false);
    const rules = { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: '!a:hs' }, { type: 'org.other', room_id: '!b:hs' }, 'junk'] };
    expect(allowedRooms(rules)).toEqual(['!a:hs']);
    expect(allowedRooms(undefined)).toEqual([]);
  });
});

describe('m.direct after an upgrade', () => {
  test('the new room joins every list the old one is in; nothing changes otherwise', () => {
    expect(directWithReplacement({ '@b:hs': ['!old:hs'], '@c:hs': ['!x:hs'] }, '!old:hs', '!new:hs')).toEqual({
      '@b:hs': ['!old:hs', '!new:hs'],
      '@c:hs': ['!x:hs'],
    });
    expect(directWithReplacement({ '@b:hs': ['!old:hs', '!new:hs'] }, '!old:hs', '!new:hs')).toBeNull();
  });
});

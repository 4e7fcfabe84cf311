// Spec strings as constants (STYLE.md "Names"); values as the spec writes them.
import { expect, test } from 'bun:test';
import {
  AccountDataType,
  EduType,
  EventType,
  HistoryVisibility,
  JoinRule,
  Membership,
  RoomPreset,
} from '../../../src/protocol/constants.ts';
import { isNamespacedIdentifier } from '../../../src/protocol/identifiers.ts';

test('event, EDU and account data types are m.-namespaced identifiers, each spelt once', () => {
  for (const table of [EventType, EduType, AccountDataType]) {
    const values = Object.values(table);
    for (const value of values) expect(isNamespacedIdentifier(value) && value.startsWith('m.')).toBe(true);
    expect(new Set(values).size).toBe(values.length);
  }
});

test('enumerations of the event schemas (m.room.member, m.room.join_rules, m.room.history_visibility, createRoom preset)', () => {
  expect(Object.values(Membership).sort()).toEqual(['ban', 'invite', 'join', 'knock', 'leave']);
  expect(Object.values(JoinRule).sort()).toEqual(['invite', 'knock', 'knock_restricted', 'private', 'public', 'restricted']);
  expect(Object.values(HistoryVisibility).sort()).toEqual(['invited', 'joined', 'shared', 'world_readable']);
  expect(Object.values(RoomPreset).sort()).toEqual(['private_chat', 'public_chat', 'trusted_private_chat']);
  expect(Object.values(EduType).sort()).toEqual(['m.device_list_update', 'm.direct_to_device', 'm.presence', 'm.receipt', 'm.signing_key_update', 'm.typing']);
  expect(EventType.Create).toBe('m.room.create');
  expect(EventType.Member).toBe('m.room.member');
});

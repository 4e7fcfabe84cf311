// Appendices "User Identifiers" / "Server Name", as the auth rules apply them to the `users` of
// m.room.power_levels and to v12 `additional_creators`.

import { expect, test } from 'bun:test';
import { domainOf, isValidUserId } from '../../../../src/protocol/auth/user-id.ts';

test('valid user IDs: historical localparts ("any legal non-surrogate Unicode code points except for : and NUL ... and the empty string")', () => {
  for (const id of ['@alice:example.com', '@a.b_c=d-e/f+g:example.com:8448', '@Old!Name:example.org', '@x:[::1]:8448', '@x:1.2.3.4', '@bøb:example.com', '@:example.com', '@al ice:example.com']) {
    expect(isValidUserId(id)).toBe(true);
  }
});

test('invalid user IDs', () => {
  for (const id of ['alice:example.com', '@alice', '@alice:', '@alice:bad host', '@a\u0000b:example.com', '@\ud800:example.com', `@${'a'.repeat(250)}:example.com`, 42, null]) {
    expect(isValidUserId(id)).toBe(false);
  }
});

test('domainOf: everything after the first colon', () => {
  expect(domainOf('@alice:example.com:8448')).toBe('example.com:8448');
  expect(domainOf('$abc:example.org')).toBe('example.org');
  expect(domainOf('$abcdef')).toBeUndefined();
});

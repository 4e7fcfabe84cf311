// Appendices, "Identifier Grammar".
import { describe, expect, test } from 'bun:test';
import {
  isIPv6Address,
  isNamespacedIdentifier,
  isOpaqueIdentifier,
  isValidEventId,
  isValidRoomAlias,
  isValidRoomId,
  isValidServerName,
  isValidUserId,
  localpartError,
  parseEventId,
  parseRoomAlias,
  parseRoomId,
  parseServerName,
  parseUserId,
  serverNameOf,
} from '../../../src/protocol/identifiers.ts';
import { roomVersion } from '../../../src/protocol/room-versions.ts';

const reasonOf = (r: { ok: boolean; reason?: string }) => (r.ok ? undefined : r.reason);

describe('"Server Name"', () => {
  test('the examples of valid server names', () => {
    expect(parseServerName('matrix.org')).toEqual({ ok: true, value: { host: 'matrix.org', port: undefined, kind: 'dns' } });
    expect(parseServerName('matrix.org:8888')).toEqual({ ok: true, value: { host: 'matrix.org', port: 8888, kind: 'dns' } });
    expect(parseServerName('1.2.3.4')).toEqual({ ok: true, value: { host: '1.2.3.4', port: undefined, kind: 'ipv4' } });
    expect(parseServerName('1.2.3.4:1234')).toEqual({ ok: true, value: { host: '1.2.3.4', port: 1234, kind: 'ipv4' } });
    expect(parseServerName('[1234:5678::abcd]')).toEqual({ ok: true, value: { host: '[1234:5678::abcd]', port: undefined, kind: 'ipv6' } });
    expect(parseServerName('[1234:5678::abcd]:5678')).toEqual({ ok: true, value: { host: '[1234:5678::abcd]', port: 5678, kind: 'ipv6' } });
  });
  test('dns-name is 1*255 of DIGIT / ALPHA / "-" / "."; case is kept', () => {
    expect(isValidServerName('localhost')).toBe(true);
    expect(isValidServerName('MATRIX.ORG')).toBe(true);
    expect(isValidServerName('a'.repeat(255))).toBe(true);
    expect(isValidServerName('a'.repeat(256))).toBe(false);
    for (const bad of ['', 'ex ample.org', 'exam_ple.org', 'ex/ample', 'éxample.org', ':8448', 'example.org:']) {
      expect(isValidServerName(bad)).toBe(false);
    }
  });
  test('port = 1*5DIGIT', () => {
    expect(isValidServerName('h:1')).toBe(true);
    expect(isValidServerName('h:65535')).toBe(true);
    expect(reasonOf(parseServerName('h:123456'))).toBe('port must be ":" and 1 to 5 digits');
    expect(isValidServerName('h:80a')).toBe(false);
    expect(isValidServerName('h:8:9')).toBe(false);
  });
  test('"IPv4 literals must be ... four decimal numbers in the range 0 to 255"', () => {
    expect(isValidServerName('255.255.255.255')).toBe(true);
    expect(reasonOf(parseServerName('256.1.1.1'))).toBe('IPv4 literal octet above 255');
    expect(parseServerName('1.2.3').ok && (parseServerName('1.2.3') as { value: { kind: string } }).value.kind).toBe('dns');
  });
  test('"IPv6 literals must be as specified by RFC3513, section 2.2"', () => {
    for (const good of ['::', '::1', '1::', 'FEDC:BA98:7654:3210:FEDC:BA98:7654:3210', '1080::8:800:200C:417A', '::13.1.68.3', '::FFFF:129.144.52.38', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7::']) {
      expect(isIPv6Address(good)).toBe(true);
    }
    for (const bad of ['1', ':', ':::', '1::2::3', '12345::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', 'g::1', '::1.2.3.256', '1.2.3.4', ':1', '1:']) {
      expect(isIPv6Address(bad)).toBe(false);
    }
    expect(isValidServerName('[::1')).toBe(false);
    expect(isValidServerName('[::1]x')).toBe(false);
    expect(isValidServerName('[1.2.3.4]')).toBe(false);
  });
});

describe('"User Identifiers" and "Historical User IDs"', () => {
  test('the current grammar: a-z 0-9 - . = _ / +', () => {
    const parsed = parseUserId('@a-z.0=9_/+:example.org', 'create');
    expect(parsed).toEqual({
      ok: true,
      value: { localpart: 'a-z.0=9_/+', serverName: 'example.org', currentGrammar: true, compliant: true },
    });
    expect(reasonOf(parseUserId('@Alice:example.org', 'create'))).toContain('may only contain');
    expect(isValidUserId('@:example.org', 'create')).toBe(false);
  });
  test('accepting: "any legal non-surrogate Unicode code points except for `:` and `NUL` ... and the empty string"', () => {
    for (const id of ['@Alice:example.org', '@:example.org', '@ü\u0001 x:example.org', '@😀:h']) {
      expect(isValidUserId(id)).toBe(true);
    }
    expect(reasonOf(parseUserId('@a\u0000b:example.org'))).toBe('user ID localpart contains NUL');
    expect(reasonOf(parseUserId('@a\ud800:example.org'))).toBe('user ID localpart contains a lone surrogate');
  });
  test('non-compliant: outside U+0021–U+007E, or empty', () => {
    const flags = (id: string) => {
      const r = parseUserId(id);
      return r.ok ? [r.value.currentGrammar, r.value.compliant] : r.reason;
    };
    expect(flags('@alice:h')).toEqual([true, true]);
    expect(flags('@Alice!:h')).toEqual([false, true]);
    expect(flags('@a b:h')).toEqual([false, false]);
    expect(flags('@:h')).toEqual([false, false]);
    expect(flags('@ü:h')).toEqual([false, false]);
  });
  test('the first ":" ends the localpart; the rest is a server name with port or IPv6', () => {
    expect(parseUserId('@bob:[::1]:8448')).toMatchObject({ ok: true, value: { localpart: 'bob', serverName: '[::1]:8448' } });
    expect(isValidUserId('@bob:example.org:x')).toBe(false);
    expect(isValidUserId('bob:example.org')).toBe(false);
    expect(isValidUserId('@bob')).toBe(false);
  });
  test('"The length of a user ID ... MUST NOT exceed 255 bytes" (bytes, not characters)', () => {
    const server = 'example.org';
    const fits = `@${'a'.repeat(255 - 2 - server.length)}:${server}`;
    expect(Buffer.byteLength(fits)).toBe(255);
    expect(isValidUserId(fits)).toBe(true);
    expect(isValidUserId(`@a${fits.slice(1)}`)).toBe(false);
    // 'é' is 2 bytes in UTF-8: fewer characters than 255, more bytes.
    const wide = `@${'é'.repeat(122)}:${server}`;
    expect(wide.length).toBeLessThan(255);
    expect(isValidUserId(wide)).toBe(false);
  });
  test('registration localparts: lowercase current grammar, whole ID within 255 bytes', () => {
    expect(localpartError('alice', 'example.org')).toBeUndefined();
    expect(localpartError('a.b_c=d-e/f+g', 'example.org')).toBeUndefined();
    expect(localpartError('', 'example.org')).toBe('localpart is empty');
    expect(localpartError('Alice', 'example.org')).toContain('may only contain');
    expect(localpartError('al ice', 'example.org')).toContain('may only contain');
    expect(localpartError('a'.repeat(250), 'example.org')).toContain('longer than 255 bytes');
  });
});

describe('"Room IDs"', () => {
  const v11 = roomVersion('11');
  const v12 = roomVersion('12');
  const hash = 'Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ';
  test('v1–v11: !opaque_id:domain', () => {
    expect(parseRoomId('!abc123:matrix.org', v11)).toEqual({ ok: true, value: { opaque: 'abc123', serverName: 'matrix.org' } });
    expect(isValidRoomId(`!${hash}`, v11)).toBe(false);
    expect(isValidRoomId('!:matrix.org', v11)).toBe(false);
    expect(isValidRoomId('!a\u0000:matrix.org', v11)).toBe(false);
    expect(isValidRoomId('#a:matrix.org', v11)).toBe(false);
    expect(isValidRoomId(`!${'a'.repeat(250)}:h.org`, v11)).toBe(false);
  });
  test('v12: "!" and the 43-character URL-safe reference hash, no domain', () => {
    expect(parseRoomId(`!${hash}`, v12)).toEqual({ ok: true, value: { opaque: hash, serverName: undefined } });
    expect(isValidRoomId('!abc123:matrix.org', v12)).toBe(false);
    expect(isValidRoomId(`!${hash.slice(1)}`, v12)).toBe(false);
    expect(isValidRoomId(`!${hash.replace('-', '+')}`, v12)).toBe(false);
  });
  test('without a version, either form', () => {
    expect(isValidRoomId(`!${hash}`)).toBe(true);
    expect(isValidRoomId('!abc:matrix.org')).toBe(true);
    expect(isValidRoomId('!abc')).toBe(false);
  });
});

describe('"Room Aliases"', () => {
  test('#room_alias:domain with any non-surrogate localpart except ":" and NUL', () => {
    expect(parseRoomAlias('#Ünïcode room:example.org')).toEqual({ ok: true, value: { localpart: 'Ünïcode room', serverName: 'example.org' } });
    expect(isValidRoomAlias('#:example.org')).toBe(false);
    expect(isValidRoomAlias('#a\u0000:example.org')).toBe(false);
    expect(isValidRoomAlias('#a:b:c')).toBe(false);
    expect(isValidRoomAlias(`#${'a'.repeat(243)}:example.org`)).toBe(false);
    expect(isValidRoomAlias(`#${'a'.repeat(242)}:example.org`)).toBe(true);
  });
});

describe('"Event IDs" per room version format', () => {
  const urlsafe = '$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg';
  const standard = '$RrGxF28UrHLmoASHndYb9Jb/1SFww2ptmtur9INS438';
  test('v1–v2: $opaque_id:domain', () => {
    expect(parseEventId('$a4ecee13e2accdadf56c1025:example.com', 'server')).toEqual({
      ok: true,
      value: { opaque: 'a4ecee13e2accdadf56c1025', serverName: 'example.com' },
    });
    expect(isValidEventId(urlsafe, 'server')).toBe(false);
    expect(isValidEventId('$:example.com', 'server')).toBe(false);
  });
  test('v3: 43 characters of standard base64; v4+: URL-safe', () => {
    expect(isValidEventId(standard, 'base64')).toBe(true);
    expect(isValidEventId(standard, 'urlsafe')).toBe(false);
    expect(isValidEventId(urlsafe, 'urlsafe')).toBe(true);
    expect(isValidEventId(`${urlsafe}A`, 'urlsafe')).toBe(false);
    expect(isValidEventId(urlsafe.slice(1), 'urlsafe')).toBe(false);
  });
  test('without a format, any of the three', () => {
    for (const id of [urlsafe, standard, '$x:example.org']) expect(isValidEventId(id)).toBe(true);
    expect(isValidEventId('$short')).toBe(false);
  });
  test('"the length of an event ID ... MUST NOT exceed 255 bytes"', () => {
    expect(isValidEventId(`$${'a'.repeat(243)}:example.org`, 'server')).toBe(false);
    expect(isValidEventId(`$${'a'.repeat(242)}:example.org`, 'server')).toBe(true);
  });
});

describe('other grammars', () => {
  test('serverNameOf takes everything after the first ":"', () => {
    expect(serverNameOf('@a:example.org:8448')).toBe('example.org:8448');
    expect(serverNameOf('$abc')).toBeUndefined();
  });
  test('"Common Namespaced Identifier Grammar"', () => {
    expect(isNamespacedIdentifier('m.room.message')).toBe(true);
    expect(isNamespacedIdentifier('com.example-x_y')).toBe(true);
    expect(isNamespacedIdentifier('M.room')).toBe(false);
    expect(isNamespacedIdentifier('1abc')).toBe(false);
    expect(isNamespacedIdentifier('a'.repeat(256))).toBe(false);
  });
  test('"Opaque Identifiers"', () => {
    expect(isOpaqueIdentifier('AZaz09-._~')).toBe(true);
    expect(isOpaqueIdentifier('')).toBe(false);
    expect(isOpaqueIdentifier('a b')).toBe(false);
    expect(isOpaqueIdentifier('a'.repeat(256))).toBe(false);
  });
});

// Server-Server API, "Validating hashes and signatures on received events"; rooms/v8 auth rule 4.2
// (join_authorised_via_users_server must have signed); rooms/v5 "Signing key validity period".
import { describe, expect, test } from 'bun:test';
import {
  addEventSignature,
  checkContentHash,
  requiredSigningServers,
  verifyEventSignatures,
  type KeyLookup,
} from '../../../../src/protocol/events/index.ts';
import { redactEvent } from '../../../../src/protocol/redaction.ts';
import { encodePublicKey, nativeEd25519, nobleEd25519 } from '../../../../src/protocol/signing/index.ts';
import { KEY_ID, message, ORIGIN, PUBLIC_KEY, version } from './fixtures.ts';

const other = nativeEd25519.signer(new Uint8Array(32).fill(5));
const OTHER_KEY = encodePublicKey(other.publicKey);
const keys: Record<string, Record<string, string>> = { [ORIGIN]: { [KEY_ID]: PUBLIC_KEY }, 'b.org': { 'ed25519:b': OTHER_KEY } };
const lookup: KeyLookup = (server, keyId) => keys[server]?.[keyId];

describe('which servers must have signed', () => {
  test('v3+: the sender\'s server only', () => {
    expect(requiredSigningServers(message('11').pdu, version('11'))).toEqual([ORIGIN]);
  });
  test('v1–v2: also the server of the event ID when it differs', () => {
    const { pdu } = message('1', undefined, { sender: '@bob:b.org' });
    expect(requiredSigningServers(pdu, version('1'))).toEqual(['b.org', ORIGIN]);
    expect(requiredSigningServers(message('1').pdu, version('1'))).toEqual([ORIGIN]);
  });
  test('restricted joins (v8+): also the server of join_authorised_via_users_server', () => {
    const join = (v: string) =>
      message(v, { membership: 'join', join_authorised_via_users_server: '@admin:b.org' }, { type: 'm.room.member', stateKey: '@alice:domain' }).pdu;
    expect(requiredSigningServers(join('8'), version('8'))).toEqual([ORIGIN, 'b.org']);
    expect(requiredSigningServers(join('12'), version('12'))).toEqual([ORIGIN, 'b.org']);
    expect(requiredSigningServers(join('7'), version('7'))).toEqual([ORIGIN]);
  });
  test('third-party invites: the sending server may differ, so the sender\'s is not required', () => {
    const { pdu } = message('11', { membership: 'invite', third_party_invite: { display_name: 'x', signed: {} } }, { type: 'm.room.member', stateKey: '@carol:c.org' });
    expect(requiredSigningServers(pdu, version('11'))).toEqual([]);
  });
});

describe('verifyEventSignatures', () => {
  test('a built event verifies, with either implementation', () => {
    for (const verifier of [nativeEd25519, nobleEd25519]) {
      expect(verifyEventSignatures(message('11').pdu, version('11'), lookup, verifier)).toEqual({ ok: true });
    }
  });
  test('"this step should succeed whether we have been sent the full event or a redacted copy"', () => {
    const { pdu } = message('11');
    expect(verifyEventSignatures(redactEvent(pdu, version('11')), version('11'), lookup)).toEqual({ ok: true });
  });
  test('a changed message body still verifies (content is redacted) but fails the content hash', () => {
    const { pdu } = message('11');
    const changed = { ...pdu, content: { body: 'forged' } };
    expect(verifyEventSignatures(changed, version('11'), lookup)).toEqual({ ok: true });
    expect(checkContentHash(changed, version('11'))).toBe(false);
  });
  test('a changed signed field fails', () => {
    const { pdu } = message('11');
    const result = verifyEventSignatures({ ...pdu, origin_server_ts: 1 }, version('11'), lookup);
    expect(result).toEqual({ ok: false, server: ORIGIN, reason: `signature ${ORIGIN} ${KEY_ID} does not verify` });
  });
  test('unknown keys are skipped, leaving no key: fails', () => {
    const result = verifyEventSignatures(message('11').pdu, version('11'), () => undefined);
    expect(result).toEqual({ ok: false, server: ORIGIN, reason: `no known key for ${ORIGIN} (${KEY_ID})` });
  });
  test('v1: the event ID\'s server and the sender\'s server must both sign', () => {
    const v = version('1');
    const { pdu } = message('1', undefined, { sender: '@bob:b.org' });
    expect(verifyEventSignatures(pdu, v, lookup)).toEqual({ ok: false, server: 'b.org', reason: 'not signed by b.org' });
    const cosigned = addEventSignature(pdu, v, 'b.org', 'ed25519:b', other);
    expect(verifyEventSignatures(cosigned, v, lookup)).toEqual({ ok: true });
  });
  test('restricted join: the authorising server must sign', () => {
    const v = version('9');
    const { pdu } = message('9', { membership: 'join', join_authorised_via_users_server: '@admin:b.org' }, { type: 'm.room.member', stateKey: '@alice:domain' });
    expect(verifyEventSignatures(pdu, v, lookup)).toMatchObject({ ok: false, server: 'b.org' });
    expect(verifyEventSignatures(addEventSignature(pdu, v, 'b.org', 'ed25519:b', other), v, lookup)).toEqual({ ok: true });
  });
  test('v5+ ask for keys valid at origin_server_ts; v1–v4 ignore validity', () => {
    const asked: (number | undefined)[] = [];
    const spy: KeyLookup = (server, keyId, validAt) => {
      asked.push(validAt);
      return lookup(server, keyId, validAt);
    };
    verifyEventSignatures(message('4').pdu, version('4'), spy);
    verifyEventSignatures(message('5').pdu, version('5'), spy);
    expect(asked).toEqual([undefined, 1_700_000_000_000]);
  });
});

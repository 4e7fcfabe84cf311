// Server-Server API, "Request Authentication": the X-Matrix Authorization header, written as the
// spec recommends for compatibility and parsed as RFC 9110 §11.4 auth-params.
import { describe, expect, test } from 'bun:test';
import { authorizationHeader, parseXMatrix, requestJson } from '../../../src/federationapi/client/x-matrix.ts';
import { nativeEd25519, signJson, verifyJsonSignature } from '../../../src/protocol/signing/index.ts';

const signer = nativeEd25519.signer(new Uint8Array(32).fill(7));
const req = { method: 'PUT', uri: '/_matrix/federation/v1/send/1?a=%2F', origin: 'origin.example:8448', destination: 'dest.example', content: { pdus: [] } };

describe('X-Matrix header (Server-Server API, "Request Authentication")', () => {
  test('we send one space after X-Matrix, lower-case names, quoted values, no spaces around commas', () => {
    const h = authorizationHeader(req, 'ed25519:k1', signer);
    expect(h).toMatch(/^X-Matrix origin="origin\.example:8448",destination="dest\.example",key="ed25519:k1",sig="[A-Za-z0-9+/]+"$/);
  });

  test('the signature covers {method, uri, origin, destination, content} and verifies', () => {
    const h = parseXMatrix(authorizationHeader(req, 'ed25519:k1', signer))!;
    const signed = { ...requestJson(req), signatures: { [req.origin]: { 'ed25519:k1': h.sig! } } };
    expect(verifyJsonSignature(signed, req.origin, 'ed25519:k1', signer.publicKey)).toBe(true);
    // The same bytes signJson would sign.
    expect(signJson(requestJson(req), req.origin, 'ed25519:k1', signer).signatures[req.origin]!['ed25519:k1']).toBe(h.sig!);
    const tampered = { ...signed, uri: '/_matrix/federation/v1/send/2' };
    expect(verifyJsonSignature(tampered, req.origin, 'ed25519:k1', signer.publicKey)).toBe(false);
  });

  test('a request without a body has no content in the signed JSON', () => {
    expect(requestJson({ method: 'GET', uri: '/x', origin: 'a', destination: 'b' })).toEqual({ method: 'GET', uri: '/x', origin: 'a', destination: 'b' });
  });

  test('names are case-insensitive, order does not matter, spaces and tabs around commas are allowed', () => {
    const p = parseXMatrix('X-Matrix  SIG="abc" ,\tKey="ed25519:1", Origin=example.org,destination="d"');
    expect(p).toEqual({ origin: 'example.org', destination: 'd', key: 'ed25519:1', sig: 'abc' });
  });

  test('unquoted values may hold colons (older servers); quoted values are unescaped', () => {
    expect(parseXMatrix('X-Matrix origin=example.org:8448,key=ed25519:a_b,sig=xyz')).toEqual({
      origin: 'example.org:8448',
      destination: undefined,
      key: 'ed25519:a_b',
      sig: 'xyz',
    });
    expect(parseXMatrix('X-Matrix origin="ex\\"am\\\\ple",key="k",sig="s"')?.origin).toBe('ex"am\\ple');
  });

  test('unknown parameters are ignored; another scheme is not X-Matrix', () => {
    expect(parseXMatrix('X-Matrix origin=a,foo="bar",key=k,sig=s')?.key).toBe('k');
    expect(parseXMatrix('Bearer abc')).toBeUndefined();
  });
});

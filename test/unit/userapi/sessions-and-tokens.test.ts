// User-interactive auth sessions (Client-Server API, "User-Interactive Authentication API"),
// registration tokens ("Token-authenticated registration"), login tokens ("POST /login/get_token")
// and shared-secret registration nonces, over both databases.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { UIA_SESSION_TTL_MS } from '../../../src/userapi/uia-sessions.ts';
import { LOGIN_TOKEN_TTL_MS, NONCE_TTL_MS } from '../../../src/userapi/one-time-tokens.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type UserapiHarness, userapiHarness } from './harness.ts';

forEachDatabase('userapi sessions and tokens', (dbc) => {
  let h: UserapiHarness;
  beforeAll(async () => {
    h = await userapiHarness(dbc.db());
  });
  afterAll(() => h.close());

  test('UIA sessions keep their operation, stages in order of completion, user and data', async () => {
    const s = await h.api.createUiaSession({ operation: 'DELETE /devices/X', data: { a: 1 } });
    expect(s).toMatchObject({ operation: 'DELETE /devices/X', completed: [], data: { a: 1 } });
    expect(s.userId).toBeUndefined();
    const after = await h.api.completeUiaStage(s.id, 'm.login.password', '@u:x');
    expect(after).toMatchObject({ completed: ['m.login.password'], userId: '@u:x' });
    // Completing a stage twice records it once; another stage keeps the user.
    await h.api.completeUiaStage(s.id, 'm.login.password', '@u:x');
    expect((await h.api.completeUiaStage(s.id, 'm.login.dummy')).completed).toEqual(['m.login.password', 'm.login.dummy']);
    await expect(h.api.completeUiaStage(s.id, 'm.login.terms', '@other:x')).rejects.toMatchObject({ errcode: 'M_FORBIDDEN' });
    await h.api.updateUiaSessionData(s.id, { b: 'two', a: null });
    expect((await h.api.getUiaSession(s.id))!.data).toEqual({ b: 'two' });
    await h.api.deleteUiaSession(s.id);
    expect(await h.api.getUiaSession(s.id)).toBeNull();
    await expect(h.api.completeUiaStage(s.id, 'm.login.dummy')).rejects.toMatchObject({ errcode: 'M_UNKNOWN', status: 400 });
  });

  test('concurrent stages on one session are all kept (compare-and-set)', async () => {
    const s = await h.api.createUiaSession({ operation: 'op' });
    await Promise.all(['a', 'b', 'c', 'd'].map((stage) => h.api.completeUiaStage(s.id, stage)));
    expect((await h.api.getUiaSession(s.id))!.completed.sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  test('registration tokens: uses_allowed counts pending and completed uses; expiry ends validity', async () => {
    const t = await h.api.createRegistrationToken({ token: `tok-${dbc.kind}`, usesAllowed: 2 });
    expect(t).toMatchObject({ usesAllowed: 2, pending: 0, completed: 0, expiryTime: null, valid: true });
    expect(await h.api.reserveRegistrationToken(t.token)).toBe(true);
    expect(await h.api.reserveRegistrationToken(t.token)).toBe(true);
    expect(await h.api.reserveRegistrationToken(t.token)).toBe(false);
    expect(await h.api.getRegistrationToken(t.token)).toMatchObject({ pending: 2, valid: false });
    await h.api.releaseRegistrationToken(t.token);
    await h.api.completeRegistrationToken(t.token);
    expect(await h.api.getRegistrationToken(t.token)).toMatchObject({ pending: 0, completed: 1, valid: true });
    expect(await h.api.reserveRegistrationToken('no-such-token')).toBe(false);

    const generated = await h.api.createRegistrationToken({ length: 24, expiryTime: h.clock.now + 1000 });
    expect(generated.token).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(generated.valid).toBe(true);
    h.clock.now += 2000;
    expect(await h.api.getRegistrationToken(generated.token)).toMatchObject({ valid: false });
    expect(await h.api.reserveRegistrationToken(generated.token)).toBe(false);
    const extended = await h.api.updateRegistrationToken(generated.token, { expiryTime: null });
    expect(extended).toMatchObject({ expiryTime: null, valid: true });
    expect((await h.api.listRegistrationTokens()).map((x) => x.token)).toContain(generated.token);
    await h.api.deleteRegistrationToken(generated.token);
    expect(await h.api.getRegistrationToken(generated.token)).toBeNull();
    expect(await h.api.updateRegistrationToken(generated.token, { usesAllowed: 1 })).toBeNull();
  });

  test('registration tokens: bad tokens, duplicate tokens and bad limits are M_INVALID_PARAM', async () => {
    for (const req of [{ token: 'has space' }, { token: 'x'.repeat(65) }, { usesAllowed: -1 }, { expiryTime: 1 }, { length: 0 }]) {
      await expect(h.api.createRegistrationToken(req)).rejects.toMatchObject({ errcode: 'M_INVALID_PARAM' });
    }
    await h.api.createRegistrationToken({ token: `dup-${dbc.kind}` });
    await expect(h.api.createRegistrationToken({ token: `dup-${dbc.kind}` })).rejects.toMatchObject({ errcode: 'M_INVALID_PARAM' });
  });

  test('expired UIA sessions disappear and give back the registration token use they reserved', async () => {
    const token = (await h.api.createRegistrationToken({ token: `sweep-${dbc.kind}`, usesAllowed: 1 })).token;
    const s = await h.api.createUiaSession({ operation: 'POST /register' });
    expect(await h.api.reserveRegistrationToken(token)).toBe(true);
    await h.api.updateUiaSessionData(s.id, { registration_token: token });
    h.clock.now += UIA_SESSION_TTL_MS + 1;
    expect(await h.api.getUiaSession(s.id)).toBeNull();
    await h.api.createUiaSession({ operation: 'anything' }); // sweeps
    expect(await h.api.getRegistrationToken(token)).toMatchObject({ pending: 0, valid: true });
  });

  test('login tokens and registration nonces work once, and not after they expire', async () => {
    const { token, expiresInMs } = await h.api.createLoginToken('@u:x');
    expect(expiresInMs).toBe(LOGIN_TOKEN_TTL_MS);
    expect(await h.api.consumeLoginToken(token)).toBe('@u:x');
    expect(await h.api.consumeLoginToken(token)).toBeNull();
    const late = await h.api.createLoginToken('@u:x');
    h.clock.now += LOGIN_TOKEN_TTL_MS + 1;
    expect(await h.api.consumeLoginToken(late.token)).toBeNull();

    const nonce = await h.api.createRegistrationNonce();
    expect(await h.api.consumeLoginToken(nonce)).toBeNull(); // kinds do not mix
    const nonce2 = await h.api.createRegistrationNonce();
    expect(await h.api.consumeRegistrationNonce(nonce2)).toBe(true);
    expect(await h.api.consumeRegistrationNonce(nonce2)).toBe(false);
    const nonce3 = await h.api.createRegistrationNonce();
    h.clock.now += NONCE_TTL_MS + 1;
    expect(await h.api.consumeRegistrationNonce(nonce3)).toBe(false);
  });
});

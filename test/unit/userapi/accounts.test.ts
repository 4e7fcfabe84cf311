// The user API's accounts over both databases: creation and the M_USER_IN_USE rule
// (Client-Server API, "POST /register"), passwords (bcrypt), password changes that log out other
// devices ("Password management") and deactivation ("Account deactivation").
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { MatrixError } from '../../../src/http/errors.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type UserapiHarness, uid, uniqueLocalpart, userapiHarness } from './harness.ts';

forEachDatabase('userapi accounts', (dbc) => {
  let h: UserapiHarness;
  beforeAll(async () => {
    h = await userapiHarness(dbc.db());
  });
  afterAll(() => h.close());

  test('create an account; the localpart is then taken (M_USER_IN_USE) and the profile has a display name', async () => {
    const lp = uniqueLocalpart();
    expect(await h.api.isLocalpartAvailable(lp)).toBe(true);
    const account = await h.api.createAccount({ localpart: lp, password: 'secret pw', kind: 'user' });
    expect(account).toMatchObject({ userId: uid(lp), localpart: lp, kind: 'user', deactivated: false });
    expect(await h.api.isLocalpartAvailable(lp)).toBe(false);
    const again = h.api.createAccount({ localpart: lp, password: 'x', kind: 'user' });
    await expect(again).rejects.toMatchObject({ errcode: 'M_USER_IN_USE', status: 400 });
    expect(await h.api.getAccount(uid(lp))).toMatchObject({ userId: uid(lp), kind: 'user' });
    expect(await h.api.getProfile(uid(lp))).toEqual({ displayname: lp });
    expect(await h.api.getAccount('@nobody:elsewhere')).toBeNull();
  });

  test('passwords are stored as bcrypt hashes and verified', async () => {
    const lp = uniqueLocalpart();
    await h.api.createAccount({ localpart: lp, password: 'correct horse', kind: 'user' });
    const row = await dbc.db().get<{ password_hash: string }>('SELECT password_hash FROM userapi_accounts WHERE localpart = $1', [lp]);
    expect(row!.password_hash).toStartWith('$2');
    expect(row!.password_hash).not.toContain('correct horse');
    expect(await h.api.verifyPassword(uid(lp), 'correct horse')).toMatchObject({ userId: uid(lp) });
    expect(await h.api.verifyPassword(uid(lp), 'wrong')).toBeNull();
    expect(await h.api.verifyPassword(uid('no-such-user'), 'correct horse')).toBeNull();
    // A precomputed hash (registration remembers only the hash) works the same.
    const lp2 = uniqueLocalpart();
    await h.api.createAccount({ localpart: lp2, passwordHash: await h.api.hashPassword('pw2'), kind: 'user' });
    expect(await h.api.verifyPassword(uid(lp2), 'pw2')).not.toBeNull();
  });

  test('guests get numeric localparts that skip taken ones, and no display name', async () => {
    const a = await h.api.nextNumericLocalpart();
    expect(a).toMatch(/^[0-9]+$/);
    // Someone takes the next number: it must be skipped.
    await h.api.createAccount({ localpart: String(Number(a) + 1), kind: 'user' });
    const b = await h.api.nextNumericLocalpart();
    expect(Number(b)).toBeGreaterThan(Number(a) + 1);
    const guest = await h.api.createAccount({ localpart: b, kind: 'guest' });
    expect(guest.kind).toBe('guest');
    expect(await h.api.getProfile(guest.userId)).toEqual({});
  });

  test('account kinds: admins, and invalid localparts or kinds are refused', async () => {
    const admin = await h.api.createAccount({ localpart: uniqueLocalpart('admin'), kind: 'admin' });
    const user = await h.api.createAccount({ localpart: uniqueLocalpart(), kind: 'user' });
    expect(await h.api.isAdmin(admin.userId)).toBe(true);
    expect(await h.api.isAdmin(user.userId)).toBe(false);
    expect(await h.api.isAdmin('@admin:other.server')).toBe(false);
    await expect(h.api.createAccount({ localpart: '', kind: 'user' })).rejects.toMatchObject({ errcode: 'M_INVALID_USERNAME' });
    // biome-ignore lint: deliberately wrong kind
    await expect(h.api.createAccount({ localpart: uniqueLocalpart(), kind: 'root' as any })).rejects.toBeInstanceOf(MatrixError);
  });

  test('setPassword logs out the other devices unless asked not to (Password management)', async () => {
    const lp = uniqueLocalpart();
    const userId = uid(lp);
    await h.api.createAccount({ localpart: lp, password: 'old', kind: 'user' });
    const keep = await h.api.createDevice({ userId });
    const other = await h.api.createDevice({ userId });
    expect(await h.api.queryAccessToken(other.accessToken)).not.toBeNull();

    await h.api.setPassword({ userId, password: 'new', logoutDevices: false });
    expect(await h.api.queryAccessToken(other.accessToken)).not.toBeNull();
    expect(await h.api.verifyPassword(userId, 'old')).toBeNull();
    expect(await h.api.verifyPassword(userId, 'new')).not.toBeNull();

    await h.api.setPassword({ userId, password: 'newer', logoutDevices: true, keepDeviceId: keep.deviceId });
    expect(await h.api.queryAccessToken(other.accessToken)).toBeNull();
    expect(await h.api.queryAccessToken(keep.accessToken)).toMatchObject({ userId, deviceId: keep.deviceId });
    expect((await h.api.listDevices(userId)).map((d) => d.deviceId)).toEqual([keep.deviceId]);
  });

  test('deactivation ends every token, wipes the password, keeps the localpart taken', async () => {
    const lp = uniqueLocalpart();
    const userId = uid(lp);
    await h.api.createAccount({ localpart: lp, password: 'pw', kind: 'user' });
    const d = await h.api.createDevice({ userId });
    expect(await h.api.queryAccessToken(d.accessToken)).not.toBeNull(); // now cached
    await h.api.setProfileField(userId, 'm.tz', 'Europe/Paris');
    await h.api.deactivateAccount(userId);
    expect(await h.api.queryAccessToken(d.accessToken)).toBeNull();
    expect(await h.api.verifyPassword(userId, 'pw')).toBeNull();
    expect(await h.api.getAccount(userId)).toMatchObject({ deactivated: true });
    expect(await h.api.isLocalpartAvailable(lp)).toBe(false);
    await expect(h.api.createDevice({ userId })).rejects.toMatchObject({ errcode: 'M_FORBIDDEN' });
    // Without erase the profile stays; with erase it goes, with the account data.
    expect(await h.api.getProfile(userId)).toMatchObject({ 'm.tz': 'Europe/Paris' });

    const lp2 = uniqueLocalpart();
    const erased = uid(lp2);
    await h.api.createAccount({ localpart: lp2, password: 'pw', kind: 'user' });
    await h.api.setAccountData(erased, '', 'org.example.x', { a: 1 });
    await h.api.deactivateAccount(erased, { erase: true });
    expect(await h.api.getProfile(erased)).toEqual({});
    expect(await h.api.getAccountData(erased, '', 'org.example.x')).toBeNull();
  });
});

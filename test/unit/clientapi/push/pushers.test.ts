// The pushers endpoints (Client-Server API, "Push Notifications: Client behaviour", pusher.yaml),
// after SyTest's tests/61push/06_get_pusher.pl and the pusher tests of 14account/01change-password.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../../helpers/databases.ts';
import { login } from '../harness.ts';
import { type PushHarness, type TestUser, call, client, pushHarness, v3 } from '../../userapi/push/harness.ts';

const URL_OK = 'https://dummy.url/_matrix/push/v1/notify';

forEachDatabase('pushers API', (dbc) => {
  let h: PushHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await pushHarness(dbc);
    c = client(h);
  });
  afterAll(() => h.close());

  const pusher = (over: Record<string, unknown> = {}) => ({
    profile_tag: 'tag',
    kind: 'http',
    app_id: 'sytest',
    app_display_name: 'SyTest',
    device_display_name: 'A testing machine',
    pushkey: 'This is my pushkey',
    lang: 'en',
    data: { testcustom: 'This is some custom data', url: URL_OK, format: 'id_event_only' },
    ...over,
  });
  const set = (user: TestUser, body: unknown) => call(h.app, 'POST', v3('/pushers/set'), body, user.token);
  const list = async (user: TestUser) => (await call(h.app, 'GET', v3('/pushers'), undefined, user.token)).body.pushers;

  test('a pusher is set, read back as given, updated in place and deleted with kind null', async () => {
    const u = await c.register();
    expect(await list(u)).toEqual([]);
    expect((await set(u, pusher())).status).toBe(200);
    const { append: _a, ...expected } = { ...pusher(), append: undefined };
    expect(await list(u)).toEqual([expected]);
    await set(u, pusher({ lang: 'fr' }));
    expect((await list(u)).map((p: { lang: string }) => p.lang)).toEqual(['fr']);
    expect((await set(u, { kind: null, app_id: 'sytest', pushkey: 'This is my pushkey' })).status).toBe(200);
    expect(await list(u)).toEqual([]);
  });

  test('invalid pushers are refused with the spec\'s errors', async () => {
    const u = await c.register();
    const cases: [unknown, number, string][] = [
      [pusher({ data: { url: 'https://dummy.url/somewhere/else' } }), 400, 'M_INVALID_PARAM'],
      [pusher({ data: {} }), 400, 'M_MISSING_PARAM'],
      [pusher({ data: { url: 'not a url' } }), 400, 'M_INVALID_PARAM'],
      [pusher({ kind: 'email', app_id: 'm.email', pushkey: 'a@example.com' }), 400, 'M_INVALID_PARAM'],
      [pusher({ kind: 'carrier-pigeon' }), 400, 'M_INVALID_PARAM'],
      [pusher({ lang: undefined }), 400, 'M_MISSING_PARAM'],
      [{ app_id: 'x', pushkey: 'y' }, 400, 'M_MISSING_PARAM'],
      [pusher({ app_id: 'a'.repeat(65) }), 400, 'M_INVALID_PARAM'],
      [pusher({ pushkey: 'k'.repeat(513) }), 400, 'M_INVALID_PARAM'],
    ];
    for (const [body, status, errcode] of cases) {
      const r = await set(u, body);
      expect([r.status, r.body.errcode]).toEqual([status, errcode]);
    }
    expect(await list(u)).toEqual([]);
  });

  test('append false takes the app ID and pushkey from other users; append true shares them', async () => {
    const [a, b, d] = [await c.register(), await c.register(), await c.register()];
    await set(a, pusher());
    await set(b, pusher({ append: true }));
    expect((await list(a)).length).toBe(1);
    await set(d, pusher());
    expect([(await list(a)).length, (await list(b)).length, (await list(d)).length]).toEqual([0, 0, 1]);
  });

  test('a password change that logs out other devices deletes their pushers, not the caller\'s (SyTest 14account)', async () => {
    const u = await c.register();
    const other = await login(h.app, u);
    await set(other, pusher({ pushkey: 'other-device' }));
    await set(u, pusher({ pushkey: 'this-device' }));
    const r = await call(h.app, 'POST', v3('/account/password'), {
      new_password: 'n3w-pAssw0rd!',
      auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: u.userId }, password: u.password },
    }, u.token);
    expect(r.status).toBe(200);
    expect((await list(u)).map((p: { pushkey: string }) => p.pushkey)).toEqual(['this-device']);
  });

  test('logging out deletes the device\'s pushers', async () => {
    const u = await c.register();
    await set(u, pusher());
    const second = await login(h.app, u);
    expect((await call(h.app, 'POST', v3('/logout'), {}, u.token)).status).toBe(200);
    expect(await list(second)).toEqual([]);
  });
});

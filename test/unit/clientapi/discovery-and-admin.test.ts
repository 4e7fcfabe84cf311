// Client-Server API "API Versions", "Well-known URIs", "Capabilities negotiation", "Client Config"
// (account data), "Server Administration" (whois), "Adding Account Administrative Contact
// Information", and Synapse's shared-secret registration (NOTSPEC, served as Dendrite does).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Hono } from 'hono';
import { sharedSecretMac } from '../../../src/clientapi/routes/shared_secret_registration.ts';
import type { Env } from '../../../src/http/env.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type UserapiHarness, userapiHarness } from '../userapi/harness.ts';
import { OPEN_REGISTRATION, SERVER, call, clientApp, registerUser, uniqueName } from './harness.ts';

const ADMIN_REGISTER = '/_synapse/admin/v1/register';

forEachDatabase('client API discovery, account data and admin', (dbc) => {
  let h: UserapiHarness;
  let app: Hono<Env>;
  beforeAll(async () => {
    h = await userapiHarness(dbc.db());
    app = clientApp(h);
  });
  afterAll(() => h.close());

  test('GET /versions lists r0.x and v1.1 to v1.19, and unstable_features', async () => {
    const r = await call(app, 'GET', '/_matrix/client/versions');
    expect(r.status).toBe(200);
    expect(r.body.versions).toContain('r0.6.1');
    expect(r.body.versions).toContain('v1.1');
    expect(r.body.versions).toContain('v1.19');
    expect(r.body.versions).not.toContain('v1.20');
    expect(typeof r.body.unstable_features).toBe('object');
  });

  test('well-known: 404 M_NOT_FOUND when not configured, the configured names otherwise', async () => {
    for (const path of ['/.well-known/matrix/client', '/.well-known/matrix/server']) {
      const r = await call(app, 'GET', path);
      expect([path, r.status, r.body.errcode]).toEqual([path, 404, 'M_NOT_FOUND']);
    }
    const configured = clientApp(h, {
      clientApi: OPEN_REGISTRATION,
      global: {
        well_known_client_name: 'https://matrix.example.org',
        well_known_server_name: 'matrix.example.org:443',
        well_known_sliding_sync_proxy: 'https://sync.example.org',
      },
    });
    expect((await call(configured, 'GET', '/.well-known/matrix/client')).body).toEqual({
      'm.homeserver': { base_url: 'https://matrix.example.org' },
      'org.matrix.msc3575.proxy': { url: 'https://sync.example.org' },
    });
    expect((await call(configured, 'GET', '/.well-known/matrix/server')).body).toEqual({ 'm.server': 'matrix.example.org:443' });
  });

  test('GET /capabilities: needs a token; change_password, room_versions (configured default), profile and 3PID flags', async () => {
    expect((await call(app, 'GET', '/_matrix/client/v3/capabilities')).status).toBe(401);
    const user = await registerUser(app);
    const r = await call(app, 'GET', '/_matrix/client/v3/capabilities', undefined, user.token);
    const caps = r.body.capabilities;
    expect(caps['m.change_password']).toEqual({ enabled: true });
    expect(caps['m.set_displayname']).toEqual({ enabled: true });
    expect(caps['m.set_avatar_url']).toEqual({ enabled: true });
    expect(caps['m.3pid_changes']).toEqual({ enabled: false });
    expect(caps['m.room_versions'].default).toBe('12');
    expect(Object.keys(caps['m.room_versions'].available)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
    expect(caps['m.room_versions'].available['10']).toBe('stable');
    // The default comes from room_server.default_room_version (an unknown one falls back to the spec's).
    const app10 = clientApp(h, { clientApi: OPEN_REGISTRATION, defaultRoomVersion: '10' });
    const caps10 = await call(app10, 'GET', '/_matrix/client/v3/capabilities', undefined, user.token);
    expect(caps10.body.capabilities['m.room_versions'].default).toBe('10');
    const appBad = clientApp(h, { clientApi: OPEN_REGISTRATION, defaultRoomVersion: '99' });
    const capsBad = await call(appBad, 'GET', '/_matrix/client/v3/capabilities', undefined, user.token);
    expect(capsBad.body.capabilities['m.room_versions'].default).toBe('12');
  });

  test('account data: PUT then GET, global and per room; others get 403; server-managed types 405; unknown 404', async () => {
    const user = await registerUser(app);
    const eve = await registerUser(app);
    const global = `/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/account_data/org.example.cfg`;
    const room = `/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/rooms/${encodeURIComponent('!room:x')}/account_data/m.tag`;
    expect((await call(app, 'GET', global, undefined, user.token)).status).toBe(404);
    expect((await call(app, 'PUT', global, { a: 1 }, user.token)).status).toBe(200);
    expect((await call(app, 'GET', global, undefined, user.token)).body).toEqual({ a: 1 });
    expect((await call(app, 'PUT', room, { tags: { u: {} } }, user.token)).status).toBe(200);
    expect((await call(app, 'GET', room, undefined, user.token)).body).toEqual({ tags: { u: {} } });
    expect((await call(app, 'GET', global, undefined, eve.token)).status).toBe(403);
    expect((await call(app, 'PUT', global, { a: 2 }, eve.token)).status).toBe(403);
    const managed = await call(app, 'PUT', `/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/account_data/m.fully_read`, {}, user.token);
    expect([managed.status, managed.body.errcode]).toEqual([405, 'M_BAD_JSON']);
    const badRoom = `/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/rooms/notaroom/account_data/m.tag`;
    expect((await call(app, 'PUT', badRoom, {}, user.token)).body.errcode).toBe('M_INVALID_PARAM');
    expect((await call(app, 'PUT', global, [1], user.token)).body.errcode).toBe('M_BAD_JSON');
  });

  test('GET /admin/whois: yourself, with ip, last_seen and user_agent per connection; others need an admin', async () => {
    const user = await registerUser(app);
    const eve = await registerUser(app);
    const path = `/_matrix/client/v3/admin/whois/${encodeURIComponent(user.userId)}`;
    const r = await call(app, 'GET', path, undefined, user.token);
    expect(r.status).toBe(200);
    expect(r.body.user_id).toBe(user.userId);
    const conn = r.body.devices[user.deviceId].sessions[0].connections[0];
    expect(Object.keys(conn).sort()).toEqual(['ip', 'last_seen', 'user_agent']);
    expect((await call(app, 'GET', path, undefined, eve.token)).status).toBe(403);
  });

  test('GET /account/3pid: always an empty list', async () => {
    const user = await registerUser(app);
    expect((await call(app, 'GET', '/_matrix/client/v3/account/3pid', undefined, user.token)).body).toEqual({ threepids: [] });
  });

  async function sharedSecretRegister(target: Hono<Env>, username: string, admin: boolean, secret = 'reg_secret', password = 'an0th3r s3kr1t') {
    const { body: nonceBody } = await call(target, 'GET', ADMIN_REGISTER);
    const mac = sharedSecretMac(secret, { nonce: nonceBody.nonce, username, password, admin });
    return call(target, 'POST', ADMIN_REGISTER, { nonce: nonceBody.nonce, username, password, admin, mac });
  }

  test('shared-secret registration: users and admins, names lower-cased, the token works', async () => {
    const name = uniqueName('secret');
    const r = await sharedSecretRegister(app, name, false);
    expect(r.status).toBe(200);
    expect(r.body.user_id).toBe(`@${name}:${SERVER}`);
    expect((await call(app, 'GET', '/_matrix/client/v3/account/whoami', undefined, r.body.access_token)).status).toBe(200);
    expect(await h.api.isAdmin(r.body.user_id)).toBe(false);
    const adminName = uniqueName('Admin');
    const a = await sharedSecretRegister(app, adminName, true);
    expect(a.body.user_id).toBe(`@${adminName.toLowerCase()}:${SERVER}`);
    expect(await h.api.isAdmin(a.body.user_id)).toBe(true);
    // An admin may look up other users.
    const whois = await call(app, 'GET', `/_matrix/client/v3/admin/whois/${encodeURIComponent(r.body.user_id)}`, undefined, a.body.access_token);
    expect(whois.status).toBe(200);
  });

  test('shared-secret registration refusals: symbols M_INVALID_USERNAME, wrong MAC 403, nonces single use, disabled without a secret', async () => {
    const symbols = await sharedSecretRegister(app, 'us,er', false);
    expect([symbols.status, symbols.body.errcode]).toEqual([400, 'M_INVALID_USERNAME']);
    const wrongMac = await sharedSecretRegister(app, uniqueName('mac'), false, 'not the secret');
    expect([wrongMac.status, wrongMac.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
    // A MAC for a user cannot register an admin.
    const { body: n } = await call(app, 'GET', ADMIN_REGISTER);
    const username = uniqueName('escalate');
    const mac = sharedSecretMac('reg_secret', { nonce: n.nonce, username, password: 'pw', admin: false });
    const escalate = await call(app, 'POST', ADMIN_REGISTER, { nonce: n.nonce, username, password: 'pw', admin: true, mac });
    expect(escalate.status).toBe(403);
    // The nonce was spent by that attempt.
    const replay = await call(app, 'POST', ADMIN_REGISTER, { nonce: n.nonce, username, password: 'pw', admin: false, mac });
    expect([replay.status, replay.body.errcode]).toEqual([400, 'M_INVALID_PARAM']);
    const disabled = clientApp(h, { clientApi: { ...OPEN_REGISTRATION, registration_shared_secret: '' } });
    expect((await call(disabled, 'GET', ADMIN_REGISTER)).status).toBe(403);
    expect((await call(disabled, 'POST', ADMIN_REGISTER, { nonce: 'x', username: 'u', password: 'p', mac: 'm' })).status).toBe(403);
  });

  test('unknown paths 404 and wrong methods 405 M_UNRECOGNIZED across the mounted routes', async () => {
    const r = await call(app, 'DELETE', '/_matrix/client/v3/login');
    expect([r.status, r.body.errcode]).toEqual([405, 'M_UNRECOGNIZED']);
    expect((await call(app, 'GET', '/_matrix/client/v3/nothing')).status).toBe(404);
  });
});

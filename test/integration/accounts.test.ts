// The real server on loopback, on SQLite and on PostgreSQL: registration, login, devices,
// profiles and logout over HTTP (Client-Server API "Account registration and management",
// "Login", "Device management", "Profiles"), and accounts surviving a restart and a crash.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { TestClient } from '../helpers/client.ts';
import { postgresAvailable } from '../helpers/databases.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !postgresAvailable())(`accounts over HTTP [${database}]`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer({ database });
    });
    afterAll(async () => {
      await server?.cleanup();
    });

    test('register, whoami, login on a second device, list devices', async () => {
      const alice = await new TestClient(server.url).register('alice');
      expect(alice.userId).toBe(`@alice:${server.serverName}`);
      const who = await alice.request('GET', '/_matrix/client/v3/account/whoami');
      expect(who.body).toMatchObject({ user_id: alice.userId, device_id: alice.deviceId });
      const second = new TestClient(server.url);
      expect((await second.login('alice')).status).toBe(200);
      const devices = await alice.request('GET', '/_matrix/client/v3/devices');
      expect(devices.body.devices.map((d: { device_id: string }) => d.device_id).sort()).toEqual(
        [alice.deviceId, second.deviceId].sort(),
      );
    });

    test('profile displayname set and read back by another user', async () => {
      const bob = await new TestClient(server.url).register('bob');
      const put = await bob.request('PUT', `/_matrix/client/v3/profile/${encodeURIComponent(bob.userId)}/displayname`, {
        displayname: 'Bob B',
      });
      expect(put.status).toBe(200);
      const carol = await new TestClient(server.url).register('carol');
      const got = await carol.request('GET', `/_matrix/client/v3/profile/${encodeURIComponent(bob.userId)}`);
      expect(got.body.displayname).toBe('Bob B');
    });

    test('logout makes the token unknown (401 M_UNKNOWN_TOKEN)', async () => {
      const dave = await new TestClient(server.url).register('dave');
      expect((await dave.request('POST', '/_matrix/client/v3/logout', {})).status).toBe(200);
      const after = await dave.request('GET', '/_matrix/client/v3/account/whoami');
      expect([after.status, after.body.errcode]).toEqual([401, 'M_UNKNOWN_TOKEN']);
    });

    test('accounts and tokens survive a clean restart and a crash (SIGKILL)', async () => {
      const erin = await new TestClient(server.url).register('erin');
      await server.stop();
      await server.restart();
      expect((await erin.request('GET', '/_matrix/client/v3/account/whoami')).body.user_id).toBe(erin.userId);
      const frank = await new TestClient(server.url).register('frank');
      await server.stop({ kill: true });
      await server.restart();
      expect((await frank.request('GET', '/_matrix/client/v3/account/whoami')).body.user_id).toBe(frank.userId);
      expect((await new TestClient(server.url).login('frank')).status).toBe(200);
    });

    test('bad input is a Matrix error and the server keeps serving', async () => {
      const c = new TestClient(server.url);
      const notJson = await c.request('POST', '/_matrix/client/v3/login', '{nope', null);
      expect([notJson.status, notJson.body.errcode]).toEqual([400, 'M_NOT_JSON']);
      const unknown = await c.request('GET', '/_matrix/client/v3/no/such/thing', undefined, null);
      expect([unknown.status, unknown.body.errcode]).toEqual([404, 'M_UNRECOGNIZED']);
      const wrongMethod = await c.request('DELETE', '/_matrix/client/v3/login', undefined, null);
      expect([wrongMethod.status, wrongMethod.body.errcode]).toEqual([405, 'M_UNRECOGNIZED']);
      expect((await c.request('GET', '/_matrix/client/versions', undefined, null)).status).toBe(200);
    });
  });
}

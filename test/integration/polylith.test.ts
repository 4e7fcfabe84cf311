// Polylith (DESIGN.md "One binary, many ways to run it"): the user API and the client API as two
// processes, the client API reaching the user API through POST /api/userapi/<method>, both on
// NATS JetStream. A user registered through the client API's public port exists in the user
// API's database, and Matrix errors raised in the user API reach the client unchanged.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Subprocess } from 'bun';
import { TestClient } from '../helpers/client.ts';
import { freePort } from '../helpers/server.ts';

const ROOT = resolve(import.meta.dir, '../..');
const NATS = { host: '127.0.0.1', port: 4222 };
const REQUIRED = process.env.REQUIRE_ALL_BACKENDS === '1';
const PREFIX = `Poly${process.pid}x${Date.now().toString(36)}`;

async function natsUp(): Promise<boolean> {
  try {
    const s = await Bun.connect({ hostname: NATS.host, port: NATS.port, socket: { data() {} } });
    s.end();
    return true;
  } catch {
    return false;
  }
}
const natsReachable = await natsUp();
if (!natsReachable && !REQUIRED) console.warn(`[polylith] skipped: no NATS at ${NATS.host}:${NATS.port} (polylith requires NATS)`);

describe.skipIf(!natsReachable && !REQUIRED)('polylith: user API and client API as separate processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-poly-'));
  const procs: Subprocess[] = [];
  const userapiPort = freePort();
  const clientInternal = freePort();
  const clientPublic = freePort();
  let out = '';

  function spawn(component: string) {
    const p = Bun.spawn(
      [process.execPath, join(ROOT, 'cmd/dendrite.ts'), 'run', 'polylith', component, '--config', join(dir, 'dendrite.yaml'), '--really-enable-open-registration'],
      { cwd: dir, stdout: 'pipe', stderr: 'pipe' },
    );
    for (const s of [p.stdout, p.stderr]) void new Response(s).text().then((t) => (out += t));
    procs.push(p);
  }

  async function waitFor(url: string) {
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(url)).status < 500) return;
      } catch {
        // not up yet
      }
      await Bun.sleep(50);
    }
    throw new Error(`${url} never answered:\n${out}`);
  }

  beforeAll(async () => {
    const gen = Bun.spawnSync([process.execPath, join(ROOT, 'cmd/dendrite.ts'), 'generate-keys', '--private-key', join(dir, 'matrix_key.pem')]);
    expect(gen.exitCode).toBe(0);
    const http = (port: number) => ({ listen: `http://127.0.0.1:${port}`, connect: `http://127.0.0.1:${port}` });
    const config = {
      version: 2,
      global: {
        server_name: 'poly.test',
        private_key: 'matrix_key.pem',
        database: { connection_string: `file:${join(dir, 'poly.db')}` },
        jetstream: { addresses: [`nats://${NATS.host}:${NATS.port}`], topic_prefix: PREFIX },
      },
      user_api: { internal_api: http(userapiPort), bcrypt_cost: 4 },
      client_api: {
        internal_api: http(clientInternal),
        external_api: { listen: `http://127.0.0.1:${clientPublic}` },
        registration_disabled: false,
        rate_limiting: { enabled: false },
      },
      logging: [{ type: 'std', level: 'warn' }],
    };
    writeFileSync(join(dir, 'dendrite.yaml'), JSON.stringify(config));
    spawn('userapi');
    spawn('clientapi');
    await waitFor(`http://127.0.0.1:${clientPublic}/_matrix/client/versions`);
    await waitFor(`http://127.0.0.1:${userapiPort}/api/userapi/isAdmin`);
  });

  afterAll(async () => {
    for (const p of procs) p.kill('SIGINT');
    await Promise.all(procs.map((p) => p.exited));
    rmSync(dir, { recursive: true, force: true });
    // The streams live on the shared NATS server; leave it as we found it.
    const nc = await connect({ servers: `${NATS.host}:${NATS.port}` });
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) if (name.startsWith(PREFIX)) await jsm.streams.delete(name);
    await nc.close();
  });

  test('register and log in through the client API process', async () => {
    const alice = await new TestClient(`http://127.0.0.1:${clientPublic}`).register('alice');
    expect(alice.userId).toBe('@alice:poly.test');
    const who = await alice.request('GET', '/_matrix/client/v3/account/whoami');
    expect(who.body.user_id).toBe('@alice:poly.test');
    // The user API process answers directly on its internal API too.
    const res = await fetch(`http://127.0.0.1:${userapiPort}/api/userapi/isAdmin`, {
      method: 'POST',
      body: JSON.stringify({ args: ['@alice:poly.test'] }),
    });
    expect(await res.json()).toEqual({ result: false });
  });

  test("a Matrix error raised in the user API process reaches the client (M_USER_IN_USE)", async () => {
    const again = await new TestClient(`http://127.0.0.1:${clientPublic}`).request(
      'POST',
      '/_matrix/client/v3/register',
      { username: 'alice', password: 'a good long password', auth: { type: 'm.login.dummy' } },
      null,
    );
    expect([again.status, again.body.errcode]).toEqual([400, 'M_USER_IN_USE']);
  });
});

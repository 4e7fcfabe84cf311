// The compiled binary as a user runs it: start-up time to the first served request, idle RSS,
// RSS after 10k requests, and registrations + logins per second over HTTP on SQLite.
//   ./build.sh && bun bench/server.ts [runs=3]
// Prints one table with the median of the runs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, freePort, median, rssKb } from './lib/server.ts';

const RUNS = Number(process.argv[2] ?? 3);


async function oneRun() {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-bench-'));
  const port = freePort();
  Bun.spawnSync([BIN, 'generate-keys', '--private-key', join(dir, 'matrix_key.pem')]);
  writeFileSync(
    join(dir, 'dendrite.yaml'),
    JSON.stringify({
      version: 2,
      global: { server_name: 'bench.local', private_key: 'matrix_key.pem', database: { connection_string: `file:${join(dir, 'd.db')}` }, jetstream: { storage_path: join(dir, 'js') } },
      client_api: { registration_disabled: false, rate_limiting: { enabled: false } },
      user_api: { bcrypt_cost: 4 },
      logging: [{ type: 'std', level: 'warn' }],
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const proc = Bun.spawn([BIN, 'run', 'monolith', '--config', join(dir, 'dendrite.yaml'), '--http-bind-address', `127.0.0.1:${port}`, '--really-enable-open-registration'], {
    stdout: 'ignore',
    stderr: 'ignore',
  });
  let startupMs = NaN;
  for (;;) {
    try {
      if ((await fetch(`${base}/_matrix/client/versions`)).ok) {
        startupMs = performance.now() - t0;
        break;
      }
    } catch {
      await Bun.sleep(2);
    }
  }
  await Bun.sleep(500);
  const idle = rssKb(proc.pid);

  // 10k requests: a mix of /versions and authenticated whoami, 32 at a time.
  const reg = await (
    await fetch(`${base}/_matrix/client/v3/register`, { method: 'POST', body: JSON.stringify({ username: 'load', password: 'load-password-1', auth: { type: 'm.login.dummy' } }) })
  ).json() as { access_token: string };
  const auth = { Authorization: `Bearer ${reg.access_token}` };
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < 10_000) {
        const i = next++;
        const res = await fetch(i % 2 ? `${base}/_matrix/client/versions` : `${base}/_matrix/client/v3/account/whoami`, { headers: auth });
        await res.arrayBuffer();
      }
    }),
  );
  const afterLoad = rssKb(proc.pid);

  // Registrations followed by a login each, 8 clients at a time, for 3 seconds.
  let done = 0;
  const tReg = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; performance.now() - tReg < 3000; i++) {
        const username = `u${w}x${i}`;
        const r = await fetch(`${base}/_matrix/client/v3/register`, {
          method: 'POST',
          body: JSON.stringify({ username, password: 'pw-long-enough-1', auth: { type: 'm.login.dummy' } }),
        });
        await r.arrayBuffer();
        const l = await fetch(`${base}/_matrix/client/v3/login`, {
          method: 'POST',
          body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: username }, password: 'pw-long-enough-1' }),
        });
        await l.arrayBuffer();
        if (r.ok && l.ok) done++;
      }
    }),
  );
  const regPerSec = done / ((performance.now() - tReg) / 1000);
  proc.kill('SIGINT');
  await proc.exited;
  rmSync(dir, { recursive: true, force: true });
  return { startupMs, idleMb: idle / 1024, loadMb: afterLoad / 1024, regPerSec };
}

const runs: Awaited<ReturnType<typeof oneRun>>[] = [];
for (let i = 0; i < RUNS; i++) runs.push(await oneRun());
const m = (k: keyof (typeof runs)[0]) => median(runs.map((r) => r[k]));
console.log(`bench/server.ts: ${BIN}, ${RUNS} runs (median)`);
console.log(`| start-up to first /versions | ${m('startupMs').toFixed(0)} ms |`);
console.log(`| idle RSS | ${m('idleMb').toFixed(1)} MB |`);
console.log(`| RSS after 10k requests | ${m('loadMb').toFixed(1)} MB |`);
console.log(`| registration + login pairs/s (bcrypt cost 4, 8 clients) | ${m('regPerSec').toFixed(0)} |`);

// Starts bin/dendrite (the compiled binary) on a free loopback port with a fresh data folder, for
// benchmarks that measure the server as users run it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve(import.meta.dir, '../../bin/dendrite');

export function freePort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const p = s.port;
  s.stop(true);
  return p;
}

export const rssKb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export interface BenchServer {
  url: string;
  pid: number;
  startupMs: number;
  stop(): Promise<void>;
}

/** `database`: a postgres:// URL, or undefined for SQLite files in the data folder. */
export async function startBinary(opts: { database?: string; extra?: Record<string, unknown> } = {}): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-bench-'));
  const port = freePort();
  Bun.spawnSync([BIN, 'generate-keys', '--private-key', join(dir, 'matrix_key.pem')]);
  writeFileSync(
    join(dir, 'dendrite.yaml'),
    JSON.stringify({
      version: 2,
      global: {
        server_name: 'bench.local',
        private_key: 'matrix_key.pem',
        database: { connection_string: opts.database ?? `file:${join(dir, 'd.db')}` },
        jetstream: { storage_path: join(dir, 'js') },
      },
      client_api: { registration_disabled: false, rate_limiting: { enabled: false } },
      user_api: { bcrypt_cost: 4 },
      media_api: { base_path: join(dir, 'media') },
      logging: [{ type: 'std', level: 'warn' }],
      ...opts.extra,
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const proc = Bun.spawn(
    [BIN, 'run', 'monolith', '--config', join(dir, 'dendrite.yaml'), '--http-bind-address', `127.0.0.1:${port}`, '--really-enable-open-registration'],
    { stdout: 'ignore', stderr: 'inherit' },
  );
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`${url}/_matrix/client/versions`)).ok) break;
    } catch {
      await Bun.sleep(2);
    }
  }
  return {
    url,
    pid: proc.pid,
    startupMs: performance.now() - t0,
    async stop() {
      proc.kill('SIGINT');
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function register(url: string, username: string): Promise<{ token: string; userId: string }> {
  const res = await fetch(`${url}/_matrix/client/v3/register`, {
    method: 'POST',
    body: JSON.stringify({ username, password: 'bench-password-1', auth: { type: 'm.login.dummy' } }),
  });
  const body = (await res.json()) as { access_token: string; user_id: string };
  if (!res.ok) throw new Error(`register ${username}: ${JSON.stringify(body)}`);
  return { token: body.access_token, userId: body.user_id };
}

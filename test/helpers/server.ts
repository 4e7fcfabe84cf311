// Integration tests start the real server: `bun cmd/dendrite.ts run monolith` as a child process
// on 127.0.0.1 with a free port, a temporary data folder, and SQLite or a fresh PostgreSQL database.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Subprocess } from 'bun';
import { freshDatabase } from './databases.ts';

const ROOT = resolve(import.meta.dir, '../..');

export interface TestServer {
  readonly url: string;
  readonly serverName: string;
  /** With `federation`: the HTTPS listener other servers use (https://127.0.0.1:<port>). */
  readonly federationUrl?: string;
  readonly dir: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  /** Stops the server (SIGINT) and waits for it; `kill: true` sends SIGKILL, as a crash. */
  stop(opts?: { kill?: boolean }): Promise<void>;
  /** Starts the same server again on the same data (after stop). */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  cleanup(): Promise<void>;
}

export interface TestServerOptions {
  database?: 'sqlite' | 'postgres';
  /** Extra YAML merged under the config's top-level keys, as an object. */
  config?: Record<string, unknown>;
  sharedSecret?: string;
  /**
   * Serve federation: an HTTPS listener with a certificate from generate-keys, server name
   * `localhost:<https port>`, outbound TLS not validated and loopback allowed (both servers are
   * on 127.0.0.1).
   */
  federation?: boolean;
}

export function freePort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)
        ? deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export async function startServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-it-'));
  const port = freePort();
  const httpsPort = opts.federation ? freePort() : undefined;
  const serverName = `localhost:${httpsPort ?? port}`;
  const db = opts.database === 'postgres' ? await freshDatabase('postgres') : undefined;
  const tlsArgs = opts.federation
    ? ['--tls-cert', join(dir, 'server.crt'), '--tls-key', join(dir, 'server.key'), '--keysize', '2048', '--server', 'localhost']
    : [];
  const keygen = Bun.spawnSync([process.execPath, join(ROOT, 'cmd/dendrite.ts'), 'generate-keys', '--private-key', join(dir, 'matrix_key.pem'), ...tlsArgs], {
    cwd: dir,
  });
  if (keygen.exitCode !== 0) throw new Error(`generate-keys failed: ${keygen.stderr.toString()}`);
  const base: Record<string, unknown> = {
    version: 2,
    global: {
      server_name: serverName,
      private_key: 'matrix_key.pem',
      database: { connection_string: db?.connectionString ?? `file:${join(dir, 'dendrite.db')}`, max_open_conns: 10 },
      jetstream: { addresses: [], storage_path: join(dir, 'jetstream'), in_memory: false },
    },
    client_api: {
      registration_disabled: false,
      registration_shared_secret: opts.sharedSecret ?? 'test-shared-secret',
      rate_limiting: { enabled: false },
    },
    media_api: { base_path: join(dir, 'media') },
    // Tests make many accounts; cost 4 keeps bcrypt from dominating their run time.
    user_api: { bcrypt_cost: 4 },
    logging: [{ type: 'std', level: 'warn' }],
    ...(opts.federation ? { federation_api: { disable_tls_validation: true, deny_networks: [] } } : {}),
  };
  const config = deepMerge(base, opts.config ?? {});
  // JSON is YAML: the loader reads it like any dendrite.yaml.
  writeFileSync(join(dir, 'dendrite.yaml'), JSON.stringify(config, null, 2));
  let proc: Subprocess<'ignore', 'pipe', 'pipe'> | undefined;
  let out = '';

  async function pump(stream: ReadableStream<Uint8Array>) {
    const dec = new TextDecoder();
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) out += dec.decode(chunk);
  }

  async function start() {
    proc = Bun.spawn(
      [process.execPath, join(ROOT, 'cmd/dendrite.ts'), 'run', 'monolith', '--config', join(dir, 'dendrite.yaml'),
        '--http-bind-address', `127.0.0.1:${port}`, '--really-enable-open-registration',
        ...(httpsPort ? ['--https-bind-address', `127.0.0.1:${httpsPort}`, '--tls-cert', join(dir, 'server.crt'), '--tls-key', join(dir, 'server.key')] : [])],
      { cwd: dir, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' },
    );
    void pump(proc.stdout);
    void pump(proc.stderr);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${out}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/_matrix/client/versions`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await Bun.sleep(50);
    }
    throw new Error(`server did not answer /versions within 20 s:\n${out}`);
  }

  async function stop(o: { kill?: boolean } = {}) {
    if (!proc || proc.exitCode !== null) return;
    proc.kill(o.kill ? 'SIGKILL' : 'SIGINT');
    await proc.exited;
  }

  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    serverName,
    ...(httpsPort ? { federationUrl: `https://127.0.0.1:${httpsPort}` } : {}),
    dir,
    output: () => out,
    stop,
    restart: start,
    async cleanup() {
      await stop();
      await db?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

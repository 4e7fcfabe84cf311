// forEachBus runs the same tests on every bus implementation: in-process in memory, in-process
// on a log file, NATS JetStream over TCP (the server on 127.0.0.1:4222), and NATS over
// websocket (a nats-server this helper starts on free ports). A missing NATS skips its cases
// with one printed line, unless REQUIRE_ALL_BACKENDS=1 (CI), where it fails.
//
// Each test gets a fresh bus: a new temp dir, or a topic prefix no other test uses (its streams
// are deleted afterwards), so tests never see each other's durables.
import { afterAll, afterEach, beforeAll, beforeEach, describe, test } from 'bun:test';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Subprocess } from 'bun';
import { connectNats } from '../../src/bus/nats/connect.ts';
import { openBus } from '../../src/bus/open.ts';
import type { Bus } from '../../src/bus/types.ts';
import type { JetStreamOptions } from '../../src/config/types.ts';
import { stderrLogger } from '../../src/setup/logger.ts';

export type BusKind = 'inprocess-memory' | 'inprocess-file' | 'nats-tcp' | 'nats-ws';

export interface BusContext {
  readonly kind: BusKind;
  /** Messages and consumer positions survive restart() and the death of the process. */
  readonly durable: boolean;
  /** Several buses with different prefixes can share this backend (a NATS server). */
  readonly shared: boolean;
  /** The current test's bus. */
  readonly bus: Bus;
  /** Its options, to open the same bus in a child process. */
  readonly options: JetStreamOptions;
  /** Closes the bus, runs `between` (with the bus closed), opens it again on the same storage or server. */
  restart(between?: () => Promise<void>): Promise<Bus>;
  /** Another bus on the same NATS server under another topic prefix; closed after the test. */
  openWithPrefix(prefix: string): Promise<Bus>;
  /** `test` when `cond` holds; otherwise a test that is skipped, with `why` printed. */
  testIf(cond: boolean, why: string): (name: string, fn: () => Promise<void>, timeoutMs?: number) => void;
}

/** The NATS server of the TCP cases; NATS_URL overrides it (another host, or a port to see the skip). */
const NATS_TCP = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REQUIRED = process.env.REQUIRE_ALL_BACKENDS === '1';
const RUN_ID = `T${Date.now().toString(36)}${process.pid.toString(36)}`;
let testCounter = 0;
const printed = new Set<string>();
// Tests make handlers fail on purpose; the bus's warnings about that would only be noise.
const quietLog = stderrLogger('error', 'bus');

function say(line: string): void {
  if (printed.has(line)) return;
  printed.add(line);
  console.log(line);
}

async function probeNatsTcp(): Promise<string | undefined> {
  let nc: NatsConnection | undefined;
  try {
    nc = await connect({ servers: NATS_TCP, timeout: 1500, maxReconnectAttempts: 0 });
    await jetstreamManager(nc);
    return undefined;
  } catch (err) {
    return `no NATS JetStream at ${NATS_TCP}: ${(err as Error).message}`;
  } finally {
    await nc?.close();
  }
}

function natsServerBinary(): string | undefined {
  return Bun.which('nats-server') ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : undefined);
}

const tcpUnavailable = await probeNatsTcp();
const natsBin = natsServerBinary();

export function freePort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/** A nats-server with JetStream and a websocket listener, in a temp dir. */
async function startWsServer(bin: string): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'bus-nats-ws-'));
  const port = freePort();
  const wsPort = freePort();
  const conf = join(dir, 'nats.conf');
  writeFileSync(
    conf,
    `listen: 127.0.0.1:${port}\njetstream { store_dir: "${join(dir, 'js')}" }\nwebsocket { host: 127.0.0.1, port: ${wsPort}, no_tls: true }\n`,
  );
  const proc: Subprocess = Bun.spawn([bin, '-c', conf], { stdout: 'ignore', stderr: 'pipe' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const s = await Bun.connect({ hostname: '127.0.0.1', port: wsPort, socket: { data() {} } });
      s.end();
      break;
    } catch {
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill();
        const err = await new Response(proc.stderr as ReadableStream).text();
        throw new Error(`nats-server (websocket) did not start: ${err.slice(-500)}`);
      }
      await Bun.sleep(50);
    }
  }
  return {
    url: `ws://127.0.0.1:${wsPort}`,
    async stop() {
      proc.kill('SIGTERM');
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Backend {
  kind: BusKind;
  label: string;
  durable: boolean;
  shared: boolean;
  unavailable?: string;
  /** Per describe block: start a server if needed; returns the address to use. */
  setup?(): Promise<{ address: string; stop(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  { kind: 'inprocess-memory', label: 'in-process, memory', durable: false, shared: false },
  { kind: 'inprocess-file', label: 'in-process, file', durable: true, shared: false },
  {
    kind: 'nats-tcp',
    label: 'NATS over TCP',
    durable: true,
    shared: true,
    unavailable: tcpUnavailable,
    setup: async () => ({ address: NATS_TCP, stop: async () => {} }),
  },
  {
    kind: 'nats-ws',
    label: 'NATS over websocket',
    durable: true,
    shared: true,
    unavailable: natsBin ? undefined : 'no nats-server binary on PATH or at /usr/sbin/nats-server',
    setup: async () => {
      const s = await startWsServer(natsBin as string);
      return { address: s.url, stop: s.stop };
    },
  },
];

async function deleteStreams(address: string, prefix: string): Promise<void> {
  const nc = await connectNats(options([address], '', prefix), 'test cleanup');
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const si of jsm.streams.list()) if (si.config.name.startsWith(prefix)) names.push(si.config.name);
    for (const n of names) await jsm.streams.delete(n);
  } finally {
    await nc.close();
  }
}

function options(addresses: string[], storagePath: string, prefix: string, inMemory = false): JetStreamOptions {
  return {
    addresses,
    storage_path: storagePath,
    topic_prefix: prefix,
    in_memory: inMemory,
    disable_tls_validation: false,
    credentials_path: '',
  };
}

export function forEachBus(title: string, fn: (ctx: BusContext) => void): void {
  for (const b of BACKENDS) {
    const label = `${title} [${b.label}]`;
    if (b.unavailable) {
      if (REQUIRED) {
        describe(label, () => {
          test('backend is available (REQUIRE_ALL_BACKENDS=1)', () => {
            throw new Error(`${b.label} is required but unavailable: ${b.unavailable}`);
          });
        });
      } else {
        say(`forEachBus: skipping ${b.label} cases: ${b.unavailable}`);
      }
      continue;
    }
    describe(label, () => declare(b, fn));
  }
}

function declare(b: Backend, fn: (ctx: BusContext) => void): void {
  let server: { address: string; stop(): Promise<void> } | undefined;
  let current: Bus | undefined;
  let opts: JetStreamOptions | undefined;
  let dir: string | undefined;
  let extra: { bus: Bus; prefix: string }[] = [];

  beforeAll(async () => {
    if (b.setup) server = await b.setup();
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    const prefix = `${RUN_ID}n${++testCounter}_`;
    if (b.kind === 'inprocess-memory') opts = options([], '', 'Test', true);
    else if (b.kind === 'inprocess-file') opts = options([], (dir = mkdtempSync(join(tmpdir(), 'bus-file-'))), 'Test');
    else opts = options([(server as { address: string }).address], '', prefix);
    current = await openBus(opts, quietLog);
  });
  afterEach(async () => {
    await current?.close();
    for (const e of extra) await e.bus.close();
    if (server && opts) {
      for (const p of [opts.topic_prefix, ...extra.map((e) => e.prefix)]) await deleteStreams(server.address, p);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    current = undefined;
    dir = undefined;
    extra = [];
  });

  const ctx: BusContext = {
    kind: b.kind,
    durable: b.durable,
    shared: b.shared,
    get bus() {
      if (!current) throw new Error('forEachBus: the bus exists only inside a test');
      return current;
    },
    get options() {
      if (!opts) throw new Error('forEachBus: options exist only inside a test');
      return opts;
    },
    async restart(between) {
      await current?.close();
      current = undefined;
      await between?.();
      current = await openBus(ctx.options, quietLog);
      return current;
    },
    async openWithPrefix(prefix) {
      if (!server) throw new Error('forEachBus: openWithPrefix needs a NATS server');
      const p = `${RUN_ID}n${++testCounter}${prefix}`;
      const bus = await openBus(options([server.address], '', p), quietLog);
      extra.push({ bus, prefix: p });
      return bus;
    },
    testIf(cond, why) {
      if (cond) return test;
      return (name, f) => {
        say(`forEachBus: skipping "${name}" on ${b.label}: ${why}`);
        test.skip(name, f);
      };
    },
  };
  fn(ctx);
}

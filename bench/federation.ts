// Federation throughput against the compiled binary (server B), with this process playing the
// other server (A) over real HTTPS on loopback:
//   inbound:  A's PDUs over PUT /send (50 per transaction, one transaction after another, as a
//             sending server must), each checked (signatures, hashes) and taken in by B's room server;
//   outbound: B's user sends messages through the client API; B's sender delivers them to A in
//             transactions; time from the client's 200 to the event's arrival at A.
//   ./build.sh && bun bench/federation.ts [transactions=40] [messages=1000] [postgres://…]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from '../src/cli/tls-certificate.ts';
import { authorizationHeader } from '../src/federationapi/client/x-matrix.ts';
import type { PduJson } from '../src/protocol/event.ts';
import { buildEvent } from '../src/protocol/events/build.ts';
import { encodePublicKey, nativeEd25519, signJson } from '../src/protocol/signing/index.ts';
import { BIN, freePort, median, percentile, rssKb } from './lib/server.ts';

const TXNS = Number(process.argv[2] ?? 40);
const MESSAGES = Number(process.argv[3] ?? 1000);
const database = process.argv[4];

const cert = await makeCertificate({ serverName: 'localhost', keySize: 2048 });
const insecure = { tls: { rejectUnauthorized: false } } as RequestInit;

// --- server A: this process -------------------------------------------------------------
const aPort = freePort();
const aName = `localhost:${aPort}`;
const aKeyId = 'ed25519:bench';
const aSigner = nativeEd25519.signer(crypto.getRandomValues(new Uint8Array(32)));
const arrivals = new Map<string, number>();
let txnsIn = 0;
const aServer = Bun.serve({
  hostname: '127.0.0.1',
  port: aPort,
  tls: { cert: cert.certPem, key: cert.keyPem },
  async fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === '/_matrix/key/v2/server') {
      const body = { server_name: aName, verify_keys: { [aKeyId]: { key: encodePublicKey(aSigner.publicKey) } }, old_verify_keys: {}, valid_until_ts: Date.now() + 86400_000 };
      return Response.json(signJson(body, aName, aKeyId, aSigner));
    }
    if (path.startsWith('/_matrix/federation/v1/send/')) {
      const txn = (await req.json()) as { pdus: PduJson[] };
      txnsIn++;
      const now = performance.now();
      for (const p of txn.pdus) if (typeof p.content?.body === 'string') arrivals.set(p.content.body, now);
      return Response.json({ pdus: {} });
    }
    return Response.json({ errcode: 'M_UNRECOGNIZED', error: 'not here' }, { status: 404 });
  },
});

// --- server B: the binary ------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'dendrite-bench-fed-'));
const httpPort = freePort();
const httpsPort = freePort();
const bName = `localhost:${httpsPort}`;
Bun.spawnSync([BIN, 'generate-keys', '--private-key', join(dir, 'matrix_key.pem')]);
writeFileSync(join(dir, 'tls.crt'), cert.certPem);
writeFileSync(join(dir, 'tls.key'), cert.keyPem);
writeFileSync(
  join(dir, 'dendrite.yaml'),
  JSON.stringify({
    version: 2,
    global: {
      server_name: bName,
      private_key: 'matrix_key.pem',
      database: { connection_string: database ?? `file:${join(dir, 'd.db')}` },
      jetstream: { storage_path: join(dir, 'js') },
    },
    client_api: { registration_disabled: false, rate_limiting: { enabled: false } },
    federation_api: { disable_tls_validation: true, deny_networks: [] },
    user_api: { bcrypt_cost: 4 },
    media_api: { base_path: join(dir, 'media') },
    logging: [{ type: 'std', level: 'warn' }],
  }),
);
const proc = Bun.spawn(
  [BIN, 'run', 'monolith', '--config', join(dir, 'dendrite.yaml'), '--http-bind-address', `127.0.0.1:${httpPort}`,
    '--https-bind-address', `127.0.0.1:${httpsPort}`, '--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key'), '--really-enable-open-registration'],
  { stdout: 'ignore', stderr: 'inherit' },
);
const client = `http://127.0.0.1:${httpPort}`;
for (;;) {
  if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
  try {
    if ((await fetch(`${client}/_matrix/client/versions`)).ok) break;
  } catch {
    await Bun.sleep(5);
  }
}

try {
  const reg = await (await fetch(`${client}/_matrix/client/v3/register`, { method: 'POST', body: JSON.stringify({ username: 'bob', password: 'bench password', auth: { type: 'm.login.dummy' } }) })).json() as { access_token: string };
  const auth = { Authorization: `Bearer ${reg.access_token}`, 'Content-Type': 'application/json' };
  const { room_id: roomId } = (await (await fetch(`${client}/_matrix/client/v3/createRoom`, { method: 'POST', headers: auth, body: JSON.stringify({ preset: 'public_chat', room_version: '10' }) })).json()) as { room_id: string };
  const state = (await (await fetch(`${client}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`, { headers: auth })).json()) as { type: string; state_key: string; event_id: string }[];
  const sid = (type: string, key = '') => state.find((e) => e.type === type && e.state_key === key)!.event_id;
  const head = (await (await fetch(`${client}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=1`, { headers: auth })).json()) as { chunk: { event_id: string }[] };

  // A's user joins with a PDU; every later PDU of A follows the last one.
  const alice = `@alice:${aName}`;
  let prev = head.chunk[0]!.event_id;
  let depth = 100;
  let aliceJoin = '';
  const event = (type: string, content: Record<string, unknown>, stateKey?: string) => {
    const authEvents = [sid('m.room.create'), sid('m.room.power_levels'), ...(stateKey !== undefined ? [sid('m.room.join_rules')] : [aliceJoin])];
    const built = buildEvent({ roomVersion: '10', roomId, sender: alice, type, stateKey, content: content as never, prevEvents: [prev], authEvents, depth: ++depth, originServerTs: Date.now() }, aName, aKeyId, aSigner);
    prev = built.event.eventId;
    return built;
  };
  let txnId = 0;
  const send = async (pdus: PduJson[]) => {
    const uri = `/_matrix/federation/v1/send/bench${txnId++}`;
    const body = { origin: aName, origin_server_ts: Date.now(), pdus };
    const res = await fetch(`https://127.0.0.1:${httpsPort}${uri}`, {
      ...insecure,
      method: 'PUT',
      headers: { Authorization: authorizationHeader({ method: 'PUT', uri, origin: aName, destination: bName, content: body }, aKeyId, aSigner), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as { pdus: Record<string, { error?: string }> };
    const errors = Object.values(answer.pdus ?? {}).filter((r) => r.error);
    if (!res.ok || errors.length > 0) throw new Error(`send: ${res.status} ${JSON.stringify(errors[0] ?? answer)}`);
  };
  const join = event('m.room.member', { membership: 'join' }, alice);
  aliceJoin = join.event.eventId;
  await send([join.pdu]);

  // Inbound: TXNS transactions of 50 PDUs, one after another.
  const batches = Array.from({ length: TXNS }, (_, t) => Array.from({ length: 50 }, (_, i) => event('m.room.message', { msgtype: 'm.text', body: `in ${t}.${i}` }).pdu));
  const t0 = performance.now();
  for (const b of batches) await send(b);
  const inboundRate = (TXNS * 50) / ((performance.now() - t0) / 1000);

  // Outbound: MESSAGES client sends; each must arrive at A.
  const sentAt = new Map<string, number>();
  const t1 = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    const body = `out ${i}`;
    const res = await fetch(`${client}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/o${i}`, { method: 'PUT', headers: auth, body: JSON.stringify({ msgtype: 'm.text', body }) });
    if (!res.ok) throw new Error(`client send: ${res.status}`);
    await res.arrayBuffer();
    sentAt.set(body, performance.now());
  }
  const deadline = Date.now() + 60_000;
  while ([...sentAt.keys()].some((b) => !arrivals.has(b)) && Date.now() < deadline) await Bun.sleep(10);
  const delivered = [...sentAt.keys()].filter((b) => arrivals.has(b));
  const outboundRate = delivered.length / ((Math.max(...delivered.map((b) => arrivals.get(b)!)) - t1) / 1000);
  const latencies = delivered.map((b) => arrivals.get(b)! - sentAt.get(b)!);

  console.log(`bench/federation.ts: ${database ? 'PostgreSQL' : 'SQLite'}; A = this process, B = bin/dendrite over HTTPS on loopback`);
  console.log(`| inbound PDUs/s (${TXNS} txns x 50, sequential) | ${inboundRate.toFixed(0)} |`);
  console.log(`| outbound: ${delivered.length}/${MESSAGES} delivered, events/s | ${outboundRate.toFixed(0)} | in ${txnsIn} transactions |`);
  console.log(`| outbound latency, client 200 -> arrival at A, ms | p50 ${median(latencies).toFixed(1)} | p99 ${percentile(latencies, 99).toFixed(1)} |`);
  console.log(`| B RSS after | ${(rssKb(proc.pid) / 1024).toFixed(0)} MiB |`);
} finally {
  proc.kill('SIGINT');
  await proc.exited;
  await aServer.stop(true);
  rmSync(dir, { recursive: true, force: true });
}

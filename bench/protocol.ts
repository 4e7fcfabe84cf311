// Throughput of the pure protocol core: canonical JSON, ed25519 (both implementations), event
// build (hash + sign) and event parse (validate + event ID). Each figure is the median of 3 runs of
// about `--ms` milliseconds (default 1000), each case in a fresh process.
// Usage: bun bench/protocol.ts [--ms 1000] [--json]

import { canonicalJson, canonicalJsonBytes, findNonCanonicalNumber } from '../src/protocol/canonical-json.ts';
import type { PduJson } from '../src/protocol/event.ts';
import { buildEvent, checkContentHash, parseEvent, verifyEventSignatures } from '../src/protocol/events/index.ts';
import { roomVersion } from '../src/protocol/room-versions.ts';
import { encodePublicKey, nativeEd25519, nobleEd25519, type Ed25519 } from '../src/protocol/signing/index.ts';

const args = process.argv.slice(2);
const runMs = Number(args[args.indexOf('--ms') + 1]) || 1000;
const asJson = args.includes('--json');

const v11 = roomVersion('11');
if (v11 === undefined) throw new Error('room version 11 missing');
const seed = new Uint8Array(32).fill(42);
const origin = 'bench.example.org';
const keyId = 'ed25519:bench';
const signer = nativeEd25519.signer(seed);
const publicKey = encodePublicKey(signer.publicKey);

const input = {
  roomVersion: v11,
  roomId: '!BenchRoomIdentifier123:bench.example.org',
  sender: '@alice.benchmark:bench.example.org',
  type: 'm.room.message',
  content: {
    msgtype: 'm.text',
    body: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4).trim(),
    format: 'org.matrix.custom.html',
    formatted_body: '<p>Lorem ipsum <b>dolor</b> sit amet, «consectetur» adipiscing elit 😀</p>',
    'm.mentions': { user_ids: ['@bob:bench.example.org'] },
  },
  prevEvents: ['$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg'],
  authEvents: ['$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '$BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', '$CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC'],
  depth: 1234,
  originServerTs: 1_763_000_000_000,
  unsigned: { age: 1200, transaction_id: 'm1763000000000.42' },
};
const { pdu } = buildEvent(input, origin, keyId, signer);
const pduText = JSON.stringify(pdu);
const pduBytes = canonicalJsonBytes(pdu);
const message = canonicalJsonBytes({ ...pdu, signatures: undefined, unsigned: undefined });

/** Operations per second of `fn`, run for about runMs after a short warm-up. */
function measure(fn: () => unknown): number {
  const warmEnd = performance.now() + Math.min(200, runMs / 5);
  while (performance.now() < warmEnd) fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < runMs) {
    for (let i = 0; i < 64; i++) fn();
    ops += 64;
    now = performance.now();
  }
  return ops / ((now - start) / 1000);
}

const median3 = (fn: () => unknown): number => {
  const runs = [measure(fn), measure(fn), measure(fn)].sort((a, b) => a - b);
  return runs[1] as number;
};

function signVerify(impl: Ed25519): [string, () => unknown][] {
  const s = impl.signer(seed);
  const sig = s.sign(message);
  return [
    [`ed25519 sign (${impl.name})`, () => s.sign(message)],
    [`ed25519 verify (${impl.name})`, () => impl.verify(s.publicKey, message, sig)],
  ];
}

const cases: [string, () => unknown][] = [
  [`canonical JSON string, ${pduBytes.length} B PDU`, () => canonicalJson(pdu)],
  [`canonical JSON bytes, ${pduBytes.length} B PDU`, () => canonicalJsonBytes(pdu)],
  ['JSON.stringify (unsorted, for scale)', () => JSON.stringify(pdu)],
  ['strict number check of the PDU text', () => findNonCanonicalNumber(pduText)],
  ...signVerify(nativeEd25519),
  ...signVerify(nobleEd25519),
  ['event build (hash + sign + ID), v11', () => buildEvent(input, origin, keyId, signer)],
  ['event parse (validate + ID), v11', () => parseEvent(pdu as PduJson, v11)],
  ['event parse from text (JSON.parse + parseEvent)', () => parseEvent(JSON.parse(pduText), v11)],
  ['content hash check', () => checkContentHash(pdu, v11)],
  ['event signature check (native)', () => verifyEventSignatures(pdu, v11, () => publicKey)],
];

// Each case runs in its own process, so the JIT state of one does not slow another down.
const only = args.includes('--case') ? Number(args[args.indexOf('--case') + 1]) : undefined;
if (only !== undefined) {
  const entry = cases[only];
  if (entry === undefined) throw new Error(`no case ${only}`);
  console.log(JSON.stringify({ name: entry[0], opsPerSec: median3(entry[1]) }));
} else {
  const results: { name: string; opsPerSec: number }[] = [];
  for (let i = 0; i < cases.length; i++) {
    const child = Bun.spawnSync([process.execPath, import.meta.path, '--case', String(i), '--ms', String(runMs)]);
    if (child.exitCode !== 0) throw new Error(child.stderr.toString());
    const result = JSON.parse(child.stdout.toString()) as { name: string; opsPerSec: number };
    results.push(result);
    if (!asJson) console.log(`${result.name.padEnd(48)} ${Math.round(result.opsPerSec).toLocaleString('en-US').padStart(12)} /s`);
  }
  if (asJson) console.log(JSON.stringify({ bun: Bun.version, runMs, pduBytes: pduBytes.length, results }, null, 2));
}

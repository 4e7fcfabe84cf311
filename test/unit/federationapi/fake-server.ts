// A stand-in for another homeserver's HTTPS listener whose answers each test writes (SyTest's
// fake federation servers play the same part): it serves signed key responses built from seeds
// the test chooses, and records every request it gets.
import type { Signer } from '../../../src/protocol/signing/types.ts';
import { encodePublicKey, nativeEd25519, signJson } from '../../../src/protocol/signing/index.ts';
import { freePort, testCertificate } from './harness.ts';

export interface FakeServer {
  serverName: string;
  requests: { method: string; path: string; headers: Headers; body: string }[];
  /** The handler for the next requests; return undefined to answer 404. */
  handle: (req: Request, path: string) => Response | Promise<Response> | undefined;
  close(): Promise<void>;
}

export async function fakeServer(): Promise<FakeServer> {
  const { certPem, keyPem } = await testCertificate();
  const port = freePort();
  const fake: FakeServer = {
    serverName: `127.0.0.1:${port}`,
    requests: [],
    handle: () => undefined,
    close: async () => server.stop(true),
  };
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port,
    tls: { cert: certPem, key: keyPem },
    async fetch(req) {
      const url = new URL(req.url);
      const body = await req.text();
      fake.requests.push({ method: req.method, path: url.pathname + url.search, headers: req.headers, body });
      return (await fake.handle(new Request(req.url, { method: req.method, headers: req.headers, body: body || undefined }), url.pathname)) ?? new Response('{"errcode":"M_UNRECOGNIZED"}', { status: 404 });
    },
  });
  return fake;
}

export const signerFor = (seed: number): Signer => nativeEd25519.signer(new Uint8Array(32).fill(seed));

/** A keys response of `serverName` (keys.yaml), signed by each of its verify keys. */
export function keyResponse(
  serverName: string,
  keys: { keyId: string; signer: Signer }[],
  validUntil: number,
  old: Record<string, { key: string; expired_ts: number }> = {},
): Record<string, unknown> {
  let body: Record<string, unknown> = {
    server_name: serverName,
    verify_keys: Object.fromEntries(keys.map((k) => [k.keyId, { key: encodePublicKey(k.signer.publicKey) }])),
    old_verify_keys: old,
    valid_until_ts: validUntil,
  };
  for (const k of keys) body = signJson(body, serverName, k.keyId, k.signer);
  return body;
}

export const jsonResponse = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

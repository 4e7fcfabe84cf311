// Server-Server API, "TLS": certificates of other servers are checked unless
// federation_api.disable_tls_validation; extra authorities come from sytest.ca_file or
// NODE_EXTRA_CA_CERTS. The test server's certificate is self-signed: unknown until trusted.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemDns } from '../../../src/federationapi/client/dns.ts';
import { NetworkGuard } from '../../../src/federationapi/client/network-guard.ts';
import { Transport, UnreachableError } from '../../../src/federationapi/client/transport.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import { freePort, testCertificate } from './harness.ts';

describe('certificate checks of outbound federation', () => {
  let server: ReturnType<typeof Bun.serve>;
  let port: number;
  let dir: string;
  beforeAll(async () => {
    const { certPem, keyPem } = await testCertificate();
    dir = mkdtempSync(join(tmpdir(), 'fed-tls-'));
    writeFileSync(join(dir, 'ca.pem'), certPem);
    port = freePort();
    server = Bun.serve({ hostname: '127.0.0.1', port, tls: { cert: certPem, key: keyPem }, fetch: () => new Response('{}') });
  });
  afterAll(async () => {
    await server.stop(true);
    rmSync(dir, { recursive: true, force: true });
  });

  const transport = (o: { disable: boolean; caFiles: string[] }) =>
    new Transport({ dns: systemDns, guard: new NetworkGuard([], []), disableTlsValidation: o.disable, caFiles: o.caFiles, keepAlive: false, log: stderrLogger('error') });
  const get = (t: Transport) => t.request(`127.0.0.1:${port}`, { method: 'GET', path: '/', signal: AbortSignal.timeout(5000) });

  test('an untrusted certificate is refused', async () => {
    await expect(get(transport({ disable: false, caFiles: [] }))).rejects.toThrow(/certificate/);
    await expect(get(transport({ disable: false, caFiles: [] }))).rejects.toBeInstanceOf(UnreachableError);
  });

  test('it is accepted once its authority is trusted (sytest.ca_file, NODE_EXTRA_CA_CERTS)', async () => {
    expect((await get(transport({ disable: false, caFiles: [join(dir, 'ca.pem')] }))).status).toBe(200);
  });

  test('with disable_tls_validation any certificate is accepted', async () => {
    expect((await get(transport({ disable: true, caFiles: [] }))).status).toBe(200);
  });
});

// federation_api.deny_networks / allow_networks: outbound federation never connects to a denied
// address, judged after DNS, whatever the server name says.
import { describe, expect, test } from 'bun:test';
import { systemDns } from '../../../src/federationapi/client/dns.ts';
import { NetworkGuard } from '../../../src/federationapi/client/network-guard.ts';
import { Transport, UnreachableError } from '../../../src/federationapi/client/transport.ts';
import { PRIVATE_NETWORKS } from '../../../src/config/defaults.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import { freePort, testCertificate } from './harness.ts';

describe('network guard (federation_api.deny_networks, allow_networks)', () => {
  test('the default private networks are denied, public addresses allowed', () => {
    const g = new NetworkGuard(PRIVATE_NETWORKS, []);
    for (const a of ['127.0.0.1', '10.1.2.3', '192.168.0.1', '169.254.1.1', '::1', 'fd00::1', 'fe80::1']) expect(g.allows(a)).toBe(false);
    for (const a of ['8.8.8.8', '2001:4860::8888']) expect(g.allows(a)).toBe(true);
  });

  test('an IPv4-mapped IPv6 address is judged as the IPv4 address it carries', () => {
    const g = new NetworkGuard(['127.0.0.0/8'], []);
    expect(g.allows('::ffff:127.0.0.1')).toBe(false);
  });

  test('allow_networks wins over deny_networks', () => {
    const g = new NetworkGuard(['10.0.0.0/8'], ['10.5.0.0/16']);
    expect(g.allows('10.5.1.1')).toBe(true);
    expect(g.allows('10.6.1.1')).toBe(false);
  });

  test('a bad CIDR is refused when the guard is made', () => {
    expect(() => new NetworkGuard(['10.0.0.0/33'], [])).toThrow();
    expect(() => new NetworkGuard(['nonsense'], [])).toThrow();
  });

  test('the transport refuses a server whose name resolves to a denied address, and reaches it when allowed', async () => {
    const { certPem, keyPem } = await testCertificate();
    let hits = 0;
    const port = freePort();
    const server = Bun.serve({ hostname: '127.0.0.1', port, tls: { cert: certPem, key: keyPem }, fetch: () => (hits++, new Response('{}')) });
    try {
      const make = (deny: string[]) =>
        new Transport({ dns: systemDns, guard: new NetworkGuard(deny, []), disableTlsValidation: true, caFiles: [], keepAlive: true, log: stderrLogger('error') });
      const req = { method: 'GET', path: '/x', signal: AbortSignal.timeout(5000) };
      // "localhost" is a DNS name: the check happens on the address it resolves to.
      await expect(make(PRIVATE_NETWORKS).request(`localhost:${port}`, req)).rejects.toBeInstanceOf(UnreachableError);
      expect(hits).toBe(0);
      const res = await make([]).request(`localhost:${port}`, req);
      expect(res.status).toBe(200);
      expect(hits).toBe(1);
    } finally {
      await server.stop(true);
    }
  });
});

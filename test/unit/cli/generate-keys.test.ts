// generate-keys (the seeds' README and INSTALL): the Matrix signing key, and TLS certificates that
// openssl accepts, with the right subject alternative name (RFC 5280 4.2.1.6). Not a spec section.
import { describe, expect, test } from 'bun:test';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyIdForSeed, readSigningKey } from '../../../src/config/signing-key.ts';
import { dendrite, tempDir } from './run-cli.ts';

const openssl = Bun.which('openssl');
const withOpenssl = openssl ? test : test.skip;
if (!openssl) console.warn('generate-keys tests: openssl is not installed; the certificate checks are skipped');

function x509Text(file: string): string {
  const r = Bun.spawnSync([openssl!, 'x509', '-in', file, '-noout', '-text']);
  if (r.exitCode !== 0) throw new Error(`openssl rejected ${file}: ${r.stderr}`);
  return r.stdout.toString();
}

describe('generate-keys --private-key', () => {
  test("writes a 0600 key in Dendrite's format, its ID by Dendrite's rule", () => {
    const dir = tempDir();
    const r = dendrite(['generate-keys', '--private-key', 'matrix_key.pem'], { cwd: dir });
    expect(r.code).toBe(0);
    const path = join(dir, 'matrix_key.pem');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const key = readSigningKey(path);
    expect(key.keyId).toBe(keyIdForSeed(key.seed));
    expect(r.stdout).toBe(`Created Matrix signing key ${key.keyId} in matrix_key.pem\n`);
    expect(readFileSync(path, 'utf8')).toStartWith(`-----BEGIN MATRIX PRIVATE KEY-----\nKey-ID: ${key.keyId}\n\n`);
  });

  test('refuses to overwrite an existing file unless --force', () => {
    const dir = tempDir();
    const path = join(dir, 'matrix_key.pem');
    writeFileSync(path, 'precious');
    const r = dendrite(['generate-keys', '--private-key', 'matrix_key.pem'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([1, 'dendrite generate-keys: matrix_key.pem already exists; not overwriting (pass --force to replace)\n']);
    expect(readFileSync(path, 'utf8')).toBe('precious');
    expect(dendrite(['generate-keys', '--private-key', 'matrix_key.pem', '--force'], { cwd: dir }).code).toBe(0);
    expect(readSigningKey(path).seed).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test('writes nothing when one of several files exists', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'server.crt'), 'old');
    const r = dendrite(['generate-keys', '--private-key', 'k.pem', '--tls-cert', 'server.crt', '--tls-key', 'server.key'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(() => statSync(join(dir, 'k.pem'))).toThrow();
    expect(() => statSync(join(dir, 'server.key'))).toThrow();
  });
});

describe('generate-keys --tls-cert --tls-key', () => {
  withOpenssl('a self-signed certificate for localhost by default: RSA 4096, 10 years, SAN DNS:localhost', () => {
    const dir = tempDir();
    expect(dendrite(['generate-keys', '--tls-cert', 'server.crt', '--tls-key', 'server.key'], { cwd: dir }).code).toBe(0);
    const text = x509Text(join(dir, 'server.crt'));
    expect(text).toContain('Subject: CN = localhost');
    expect(text).toContain('Issuer: CN = localhost');
    expect(text).toContain('Public-Key: (4096 bit)');
    expect(text).toMatch(/X509v3 Subject Alternative Name: *\n\s*DNS:localhost\n/);
    expect(text).toContain('TLS Web Server Authentication');
    const notAfter = /Not After : (.*)\n/.exec(text)![1]!;
    const years = (Date.parse(notAfter) - Date.now()) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    expect(statSync(join(dir, 'server.key')).mode & 0o777).toBe(0o600);
    const check = Bun.spawnSync([openssl!, 'pkey', '-in', join(dir, 'server.key'), '-noout', '-check']);
    expect(check.exitCode).toBe(0);
  });

  withOpenssl('--server names the host (port dropped); an IP address goes in as an IP SAN', () => {
    const dir = tempDir();
    dendrite(['generate-keys', '--tls-cert', 'a.crt', '--tls-key', 'a.key', '--server', 'example.org:8448', '--keysize', '2048'], { cwd: dir });
    expect(x509Text(join(dir, 'a.crt'))).toMatch(/Subject Alternative Name: *\n\s*DNS:example.org\n/);
    dendrite(['generate-keys', '--tls-cert', 'b.crt', '--tls-key', 'b.key', '--server', '127.0.0.1', '--keysize', '2048'], { cwd: dir });
    expect(x509Text(join(dir, 'b.crt'))).toMatch(/Subject Alternative Name: *\n\s*IP Address:127.0.0.1\n/);
    dendrite(['generate-keys', '--tls-cert', 'c.crt', '--tls-key', 'c.key', '--server', '[::1]:8448', '--keysize', '2048'], { cwd: dir });
    expect(x509Text(join(dir, 'c.crt'))).toMatch(/IP Address:0:0:0:0:0:0:0:1/);
  });

  withOpenssl('signed by a CA with --tls-authority-cert/--tls-authority-key: openssl verifies the chain', () => {
    const dir = tempDir();
    for (const [alg, args] of [
      ['rsa', ['-newkey', 'rsa:2048']],
      ['ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']],
    ] as const) {
      const ca = Bun.spawnSync(
        [openssl!, 'req', '-x509', ...args, '-nodes', '-keyout', `${alg}-ca.key`, '-out', `${alg}-ca.crt`, '-subj', '/CN=Test CA', '-days', '30'],
        { cwd: dir },
      );
      expect(ca.exitCode).toBe(0);
      const r = dendrite(
        ['generate-keys', '--tls-cert', `${alg}.crt`, '--tls-key', `${alg}.key`, '--server', 'localhost', '--keysize', '2048',
          '--tls-authority-cert', `${alg}-ca.crt`, '--tls-authority-key', `${alg}-ca.key`],
        { cwd: dir },
      );
      expect(r.code).toBe(0);
      const verify = Bun.spawnSync([openssl!, 'verify', '-CAfile', `${alg}-ca.crt`, `${alg}.crt`], { cwd: dir });
      expect(verify.stdout.toString()).toBe(`${alg}.crt: OK\n`);
      expect(x509Text(join(dir, `${alg}.crt`))).toContain('Issuer: CN = Test CA');
    }
  });
});

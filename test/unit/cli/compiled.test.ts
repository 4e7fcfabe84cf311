// The binary ./build.sh makes (bin/dendrite and the seed names linked beside it) works as the
// seeds' README uses it, including X.509 generation inside `bun build --compile`. Skipped, with
// the reason printed, when bin/dendrite has not been built. Not a spec section.
import { describe, expect, test } from 'bun:test';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readSigningKey } from '../../../src/config/signing-key.ts';
import { ROOT, run, tempDir } from './run-cli.ts';

const BIN = join(ROOT, 'bin');
const built = existsSync(join(BIN, 'dendrite'));
const withBinary = built ? test : test.skip;
if (!built) console.warn('compiled binary tests: bin/dendrite is missing (run ./build.sh); skipped');

describe('bin/dendrite (./build.sh)', () => {
  withBinary('the seed names are links to dendrite', () => {
    for (const name of ['generate-keys', 'generate-config', 'create-account', 'dendrite-monolith-server', 'dendrite-polylith-multi']) {
      expect(lstatSync(join(BIN, name)).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(BIN, name))).toBe('dendrite');
    }
  });

  withBinary('README: ./bin/generate-keys --private-key, then --tls-cert/--tls-key (x509 inside the binary)', () => {
    const dir = tempDir();
    expect(run([join(BIN, 'generate-keys')], ['--private-key', 'matrix_key.pem'], { cwd: dir }).code).toBe(0);
    expect(readSigningKey(join(dir, 'matrix_key.pem')).keyId).toMatch(/^ed25519:\w{6}$/);
    const tls = run([join(BIN, 'generate-keys')], ['--tls-cert', 'server.crt', '--tls-key', 'server.key', '--keysize', '2048'], { cwd: dir });
    expect(tls.code).toBe(0);
    expect(existsSync(join(dir, 'server.crt')) && existsSync(join(dir, 'server.key'))).toBe(true);
  });

  withBinary('dendrite-monolith-server and dendrite-polylith-multi run their subcommands', () => {
    const dir = tempDir();
    const mono = run([join(BIN, 'dendrite-monolith-server')], ['-config', 'missing.yaml'], { cwd: dir });
    expect([mono.code, mono.stderr]).toEqual([1, 'missing.yaml: a problem in the configuration:\n  - cannot read the config file: no such file\n']);
    const poly = run([join(BIN, 'dendrite-polylith-multi')], ['--config=missing.yaml', 'nosuch'], { cwd: dir });
    expect(poly.code).toBe(2);
    expect(run([join(BIN, 'dendrite')], ['--bogus-flag'], { cwd: dir }).code).toBe(2);
    expect(run([join(BIN, 'dendrite')], ['--version'], { cwd: dir }).stdout).toMatch(/^dendrite \d+\.\d+\.\d+\n$/);
  });

  withBinary('generate-config prints a config that the binary reads back', () => {
    const dir = tempDir();
    const g = run([join(BIN, 'generate-config')], ['--server', 'example.org'], { cwd: dir });
    expect(g.code).toBe(0);
    expect(g.stdout).toContain('server_name: example.org');
  });
});

// The command line (DESIGN.md, "One binary, many ways to run it"; the seeds' README and INSTALL
// commands): exit codes, one-line errors, Go-style flags and Dendrite's binary names. Not a spec
// section. Every case runs the real program in a child process.
import { describe, expect, test } from 'bun:test';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { formatSigningKey, generateSigningKey } from '../../../src/config/signing-key.ts';
import { alias, dendrite, run, tempDir } from './run-cli.ts';

/** A folder with a key and a config that fails to load with exactly one known problem. */
function badConfigDir(): string {
  const dir = tempDir();
  const key = generateSigningKey();
  writeFileSync(join(dir, 'matrix_key.pem'), formatSigningKey(key.keyId, key.seed));
  writeFileSync(
    join(dir, 'bad.yaml'),
    stringify({ version: 2, global: { server_name: 'not a name', private_key: 'matrix_key.pem', database: { connection_string: 'file:d.db' } } }),
  );
  return dir;
}
const BAD_NAME = 'global.server_name: expected a server name';

describe('exit codes and messages', () => {
  test('--version and --help exit 0, at the top and in subcommands', () => {
    const dir = tempDir();
    const v = dendrite(['--version'], { cwd: dir });
    expect([v.code, v.stdout.trim()]).toEqual([0, 'dendrite 0.1.0']);
    expect(dendrite(['run', 'monolith', '--version'], { cwd: dir }).code).toBe(0);
    const help = dendrite(['run', 'monolith', '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--really-enable-open-registration');
    expect(dendrite(['generate-keys', '-h'], { cwd: dir }).stdout).toContain('--tls-authority-cert');
  });

  test('a wrong flag prints one clear line and exits 2', () => {
    const r = dendrite(['run', 'monolith', '--bogus'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("dendrite run monolith: unknown option '--bogus' (see --help)\n");
  });

  test('wrong arguments exit 2: unknown command, bad component, missing component, no command', () => {
    const dir = tempDir();
    expect(dendrite(['frobnicate'], { cwd: dir }).code).toBe(2);
    const bad = dendrite(['run', 'polylith', 'nosuch'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('Allowed choices are clientapi, syncapi, mediaapi, federationapi, roomserver, appservice, keyserver, userapi');
    expect(dendrite(['run', 'polylith'], { cwd: dir }).code).toBe(2);
    expect(dendrite([], { cwd: dir }).code).toBe(2);
    expect(dendrite(['run'], { cwd: dir }).code).toBe(2);
  });

  test('usage mistakes the parser cannot see also exit 2', () => {
    const dir = tempDir();
    const r = dendrite(['run', 'monolith', '--tls-cert', 'server.crt'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, 'dendrite run monolith: --tls-cert and --tls-key go together: give both or neither (see --help)\n']);
    expect(dendrite(['run', 'monolith', '--http-bind-address', 'nonsense'], { cwd: dir }).code).toBe(2);
    expect(dendrite(['generate-keys'], { cwd: dir }).code).toBe(2);
    expect(dendrite(['generate-keys', '--keysize', '512', '--tls-cert', 'a', '--tls-key', 'b'], { cwd: dir }).code).toBe(2);
    expect(dendrite(['generate-config', '--server', 'bad name'], { cwd: dir }).code).toBe(2);
  });

  test('a config that does not load exits 1 and lists its problems', () => {
    const dir = badConfigDir();
    const r = dendrite(['run', 'monolith', '--config', 'bad.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith(`bad.yaml: a problem in the configuration:\n  - ${BAD_NAME}`);
    const missing = dendrite(['run', 'monolith', '--config', 'nope.yaml'], { cwd: dir });
    expect([missing.code, missing.stderr]).toEqual([1, 'nope.yaml: a problem in the configuration:\n  - cannot read the config file: no such file\n']);
  });

  test('open registration without --really-enable-open-registration is refused with the explanation', () => {
    const dir = tempDir();
    const gen = dendrite(['generate-config', '--ci'], { cwd: dir });
    writeFileSync(join(dir, 'dendrite.yaml'), gen.stdout);
    dendrite(['generate-keys', '--private-key', 'matrix_key.pem'], { cwd: dir });
    const r = dendrite(['run', 'monolith'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('client_api.registration_disabled: false, with no captcha');
    expect(r.stderr).toContain('--really-enable-open-registration');
  });

  test('warnings are printed one line each with the file and key path', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'dendrite.yaml'), dendrite(['generate-config'], { cwd: dir }).stdout + 'shiny: true\n');
    dendrite(['generate-keys', '--private-key', 'matrix_key.pem'], { cwd: dir });
    // create-account loads the config before it needs the password; an empty one stops it there.
    const r = dendrite(['create-account', '--username', 'alice', '--password-stdin'], { cwd: dir, stdin: '\n' });
    expect(r.stderr).toBe('dendrite.yaml: warning: shiny: unknown key; ignored\ndendrite create-account: the password is empty (see --help)\n');
    expect(r.code).toBe(2);
  });
});

describe("Dendrite's flag spellings", () => {
  test('single-dash Go flags: -config, -config=, -tls-cert', () => {
    const dir = badConfigDir();
    for (const args of [['-config', 'bad.yaml'], ['-config=bad.yaml'], ['--config=bad.yaml']]) {
      const r = dendrite(['run', 'monolith', ...args], { cwd: dir });
      expect([r.code, r.stderr.includes(BAD_NAME)]).toEqual([1, true]);
    }
    expect(dendrite(['run', 'monolith', '-tls-cert=x.crt'], { cwd: dir }).stderr).toContain('--tls-cert and --tls-key go together');
  });

  test('create-account: -username, -passwordstdin, -passwordfile, -admin=true', () => {
    const dir = tempDir();
    const r = dendrite(['create-account', '-config', 'missing.yaml', '-username', 'alice', '-passwordstdin', '-admin=true'], { cwd: dir, stdin: 'pw\n' });
    // It got as far as the config: every flag was understood.
    expect([r.code, r.stderr]).toEqual([1, 'missing.yaml: a problem in the configuration:\n  - cannot read the config file: no such file\n']);
    writeFileSync(join(dir, 'dendrite.yaml'), dendrite(['generate-config'], { cwd: dir }).stdout);
    dendrite(['generate-keys', '--private-key', 'matrix_key.pem'], { cwd: dir });
    const two = dendrite(['create-account', '-username', 'a', '-password', 'p', '-passwordfile', 'f'], { cwd: dir });
    expect([two.code, two.stderr]).toEqual([2, 'dendrite create-account: give only one of --password, --password-file and --password-stdin (see --help)\n']);
  });

  test('`dendrite --config F` alone means run monolith, as Dendrite 0.12+', () => {
    const r = dendrite(['--config', 'bad.yaml'], { cwd: badConfigDir() });
    expect([r.code, r.stderr.includes(BAD_NAME)]).toEqual([1, true]);
  });
});

describe("argv[0]: started under one of Dendrite's binary names", () => {
  test('generate-keys, through `bun LINK` and through the link itself (shebang)', () => {
    const dir = tempDir();
    const link = alias(dir, 'generate-keys');
    expect(run([process.execPath, link], ['--private-key', 'a.pem'], { cwd: dir }).code).toBe(0);
    expect(run([link], ['-private-key', 'b.pem'], { cwd: dir }).code).toBe(0);
    expect(existsSync(join(dir, 'a.pem')) && existsSync(join(dir, 'b.pem'))).toBe(true);
  });

  test('dendrite-monolith-server is run monolith', () => {
    const dir = badConfigDir();
    const r = run([alias(dir, 'dendrite-monolith-server')], ['--tls-cert', 's.crt', '--tls-key', 's.key', '--config', 'bad.yaml'], { cwd: dir });
    expect([r.code, r.stderr.includes(BAD_NAME)]).toEqual([1, true]);
  });

  test('dendrite-polylith-multi is run polylith: --config=F COMPONENT', () => {
    const dir = badConfigDir();
    const link = alias(dir, 'dendrite-polylith-multi');
    const r = run([link], ['--config=bad.yaml', 'clientapi'], { cwd: dir });
    expect([r.code, r.stderr.includes(BAD_NAME)]).toEqual([1, true]);
    expect(run([link], ['--config=bad.yaml', 'nosuch'], { cwd: dir }).code).toBe(2);
  });

  test('generate-config and create-account', () => {
    const dir = tempDir();
    const g = run([alias(dir, 'generate-config')], ['-server', 'example.org'], { cwd: dir });
    expect(g.code).toBe(0);
    expect(g.stdout).toContain('server_name: example.org');
    const c = run([alias(dir, 'create-account')], ['-config', 'missing.yaml', '-username', 'bob', '-password', 'x'], { cwd: dir });
    expect(c.stderr).toContain('missing.yaml: a problem in the configuration');
  });
});

// The annotated sample (dendrite-config.yaml) works as the README says: copy it to dendrite.yaml
// next to a signing key and it loads as a monolith on SQLite; and docs/CONFIG.md documents every
// key of the loaded Config. Not a spec section: the project's own config contract.
import { describe, expect, test } from 'bun:test';
import { copyFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../../src/config/load.ts';
import { fixture, minimal } from './fixture.ts';

const ROOT = resolve(import.meta.dir, '../../..');
const DOCS = readFileSync(join(ROOT, 'docs/CONFIG.md'), 'utf8');

/** Every leaf key path of a value; items of lists of mappings as `list[].key`. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) {
    // A list of plain values is one key; a list of mappings has keys of its own.
    const paths = value.filter((item) => item && typeof item === 'object').flatMap((item) => leafPaths(item, `${prefix}[]`));
    return paths.length > 0 ? [...new Set(paths)] : [prefix];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix === '' ? k : `${prefix}.${k}`));
  }
  return [prefix];
}

const mentioned = (path: string) => DOCS.includes(`\`${path}\``);

/** A database block's fields are documented once, under global.database. */
function documented(path: string): boolean {
  if (mentioned(path)) return true;
  const db = /^(.*\.(?:database|account_database))\.(\w+)$/.exec(path);
  return !!db && mentioned(db[1]!) && mentioned(`global.database.${db[2]}`);
}

describe('dendrite-config.yaml and docs/CONFIG.md', () => {
  test('cp dendrite-config.yaml dendrite.yaml loads as a monolith on SQLite, with no warnings', () => {
    const f = fixture();
    const path = join(f.dir, 'dendrite.yaml');
    copyFileSync(join(ROOT, 'dendrite-config.yaml'), path);
    const { config, warnings } = loadConfig(path, { mode: 'monolith' });
    expect(warnings).toEqual([]);
    expect(config.global.server_name).toBe('localhost');
    expect(config.global.key_id).toBe(f.keyId);
    expect(config.room_server.database.connection_string).toBe(`file:${join(f.dir, 'roomserver.db')}`);
    expect(config.user_api.account_database.connection_string).toBe(`file:${join(f.dir, 'userapi_accounts.db')}`);
    expect(config.global.jetstream.addresses).toEqual([]);
    expect(config.federation_api.key_perspectives[0]!.server_name).toBe('matrix.org');
  });

  test('the sample also loads as a polylith once NATS is set', () => {
    const f = fixture();
    const text = readFileSync(join(ROOT, 'dendrite-config.yaml'), 'utf8').replace('addresses: []', 'addresses: [nats://localhost:4222]');
    expect(() => loadConfig(f.write(text), { mode: 'polylith' })).not.toThrow();
  });

  test('docs/CONFIG.md mentions every key of the loaded Config', () => {
    const f = fixture();
    copyFileSync(join(ROOT, 'dendrite-config.yaml'), join(f.dir, 'dendrite.yaml'));
    const sample = loadConfig(join(f.dir, 'dendrite.yaml')).config;
    // A second config covers the lists the sample leaves empty, and the sytest block.
    const extra = loadConfig(
      f.write(
        minimal({
          global: { old_private_keys: [{ public_key: 'mn59Kxfdq9VziYHSBzI7+EDPDcBS2Xl7jeUdiiQcOnM', key_id: 'ed25519:a', expired_at: 1 }] },
          sytest: { hs_index: 0, ca_file: 'ca.pem', allow_loopback: true },
        }),
        'extra.yaml',
      ),
    ).config;
    const paths = [...new Set([...leafPaths(sample), ...leafPaths(extra)])];
    expect(paths.length).toBeGreaterThan(150);
    expect(paths.filter((p) => !documented(p))).toEqual([]);
  });
});

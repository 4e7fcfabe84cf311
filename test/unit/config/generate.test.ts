// generate-config's output, and the config `run monolith` writes on first start, load back.
// Not a spec section: Dendrite's generate-config contract.
import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateConfigYaml } from '../../../src/config/generate.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { fixture } from './fixture.ts';

function loadBack(yaml: string, opts: Parameters<typeof loadConfig>[1] = { mode: 'monolith' }) {
  const f = fixture();
  return { f, ...loadConfig(f.write(yaml), opts) };
}

describe('generate-config', () => {
  test('the default output loads back as a monolith, with a SQLite file per component', () => {
    const yaml = generateConfigYaml({});
    expect(yaml).toStartWith('# Dendrite configuration (version 2)');
    const { config, warnings, f } = loadBack(yaml);
    expect(warnings).toEqual([]);
    expect(config.global.server_name).toBe('localhost');
    expect(config.global.private_key).toBe(join(f.dir, 'matrix_key.pem'));
    expect(config.room_server.database.connection_string).toBe(`file:${join(f.dir, 'dendrite_roomserver.db')}`);
    expect(config.user_api.account_database.connection_string).toBe(`file:${join(f.dir, 'dendrite_userapi.db')}`);
    expect(config.client_api.registration_disabled).toBe(true);
    expect(config.federation_api.key_perspectives.map((p) => p.server_name)).toEqual(['matrix.org']);
  });

  test('--server, --dir, --db and --nats are applied', () => {
    const yaml = generateConfigYaml({ server: 'example.org:8448', dir: '/srv/dendrite', db: 'postgres://d:p@db/dendrite', nats: 'nats://a:4222, nats://b:4222' });
    const { config } = loadBack(yaml);
    expect(config.global.server_name).toBe('example.org:8448');
    expect(config.global.database.connection_string).toBe('postgres://d:p@db/dendrite');
    expect(config.sync_api.database.connection_string).toBe('postgres://d:p@db/dendrite');
    expect(config.global.jetstream.addresses).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(config.media_api.base_path).toBe('/srv/dendrite/media_store');
    expect(config.logging[1]!.params.path).toBe('/srv/dendrite/log');
  });

  test('--polylith output passes the polylith checks', () => {
    const { config } = loadBack(generateConfigYaml({ polylith: true }), { mode: 'polylith' });
    expect(config.global.jetstream.addresses).toEqual(['nats://localhost:4222']);
  });

  test("--ci: Dendrite's fast test settings", () => {
    const { config } = loadBack(generateConfigYaml({ ci: true, dir: '/tmp/ci' }), { mode: 'monolith', openRegistrationConfirmed: true });
    expect(config.client_api.registration_disabled).toBe(false);
    expect(config.client_api.rate_limiting.enabled).toBe(false);
    expect(config.user_api.bcrypt_cost).toBe(4);
    expect(config.global.jetstream.in_memory).toBe(true);
    expect(config.federation_api.key_perspectives).toEqual([]);
    expect(config.federation_api.deny_networks).toEqual([]);
    expect(config.logging).toEqual([{ type: 'std', level: 'trace', params: {} }]);
  });

  test('registration_disabled sits on a line of its own, as .ci/smoke edits it with sed', () => {
    expect(generateConfigYaml({})).toMatch(/^ {2}registration_disabled: true$/m);
  });

  test('--normalise keeps what the file says, fills in the rest and drops unknown keys', () => {
    const f = fixture();
    const text = 'version: 2\nglobal:\n  server_name: kept.example\n  private_key: keys/k.pem\n  cache: {max_age: 5m}\n  shiny: 1\nclient_api:\n  rate_limiting: {threshold: 99}\n';
    const out = parse(generateConfigYaml({ normalise: { text, configDir: f.dir, source: 'in.yaml' } }));
    expect(out.global.server_name).toBe('kept.example');
    expect(out.global.private_key).toBe('keys/k.pem');
    expect(out.global.cache).toEqual({ max_size_estimated: '1gb', max_age: '5m' });
    expect(out.global.shiny).toBeUndefined();
    expect(out.client_api.rate_limiting).toEqual({ enabled: true, threshold: 99, cooloff_ms: 500, exempt_user_ids: [] });
    expect(out.media_api.thumbnail_sizes).toHaveLength(3);
  });

  test('a bad value is refused before anything is printed', () => {
    expect(() => generateConfigYaml({ server: 'not a name' })).toThrow('global.server_name: expected a server name');
  });
});

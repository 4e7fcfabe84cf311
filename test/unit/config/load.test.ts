// Loading dendrite.yaml (Dendrite's version 2 config format; not in the Matrix spec except where a
// test names a section): defaults, notations, paths, database fallback, warnings and errors.
import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.ts';
import { DEFAULT_ROOM_VERSION } from '../../../src/protocol/room-versions.ts';
import { fixture, load, minimal, problems } from './fixture.ts';

describe('config defaults (Dendrite defaults, one place: src/config/defaults.ts)', () => {
  test('a minimal config gets every default', () => {
    const { config, warnings, f } = load(minimal());
    expect(warnings).toEqual([]);
    expect(config.version).toBe(2);
    expect(config.config_dir).toBe(f.dir);
    expect(config.global.key_id).toBe(f.keyId);
    expect(config.global.key_validity_period).toBe(7 * 24 * 3600 * 1000);
    expect(config.global.cache).toEqual({ max_size_estimated: 1024 ** 3, max_age: 3_600_000 });
    expect(config.global.trusted_third_party_id_servers).toEqual(['matrix.org', 'vector.im']);
    expect(config.global.jetstream).toEqual({
      addresses: [],
      storage_path: f.dir,
      topic_prefix: 'Dendrite',
      in_memory: false,
      disable_tls_validation: false,
      credentials_path: '',
    });
    expect(config.global.dns_cache).toEqual({ enabled: false, cache_size: 256, cache_lifetime: 300_000 });
    expect(config.client_api.registration_disabled).toBe(true);
    expect(config.client_api.guests_disabled).toBe(true);
    expect(config.client_api.open_registration_confirmed).toBe(false);
    expect(config.client_api.rate_limiting).toEqual({ enabled: true, threshold: 5, cooloff_ms: 500, exempt_user_ids: [] });
    expect(config.client_api.turn.turn_user_lifetime).toBe(300_000);
    expect(config.federation_api.send_max_retries).toBe(16);
    expect(config.federation_api.deny_networks).toContain('127.0.0.0/8');
    expect(config.media_api.max_file_size_bytes).toBe(10_485_760);
    expect(config.media_api.base_path).toBe(join(f.dir, 'media_store'));
    expect(config.media_api.thumbnail_sizes).toHaveLength(3);
    expect(config.room_server.default_room_version).toBe(DEFAULT_ROOM_VERSION);
    expect(config.sync_api.search.index_path).toBe(join(f.dir, 'searchindex'));
    expect(config.user_api.bcrypt_cost).toBe(10);
    expect(config.user_api.openid_token_lifetime_ms).toBe(3_600_000);
    expect(config.logging).toEqual([{ type: 'std', level: 'info', params: {} }]);
  });

  test("polylith addresses default to Dendrite's ports: internal 777x, public 807x", () => {
    const { config } = load(minimal());
    expect(config.room_server.internal_api).toEqual({ listen: 'http://localhost:7770', connect: 'http://localhost:7770' });
    expect(config.client_api.internal_api.listen).toBe('http://localhost:7771');
    expect(config.client_api.external_api.listen).toBe('http://[::]:8071');
    expect(config.federation_api.external_api.listen).toBe('http://[::]:8072');
    expect(config.sync_api.external_api.listen).toBe('http://[::]:8073');
    expect(config.media_api.external_api.listen).toBe('http://[::]:8074');
    expect(config.user_api.internal_api.listen).toBe('http://localhost:7781');
    expect(config.key_server.internal_api.listen).toBe('http://localhost:7779');
    expect(config.app_service_api.internal_api.listen).toBe('http://localhost:7777');
  });
});

describe('notations', () => {
  test('Go durations and sizes become milliseconds and bytes', () => {
    const { config } = load(
      minimal({
        global: { key_validity_period: '1h30m', cache: { max_size_estimated: '512mb', max_age: '500ms' } },
        media_api: { max_file_size_bytes: '1gb' },
        client_api: { turn: { turn_user_lifetime: '1.5h' } },
      }),
    );
    expect(config.global.key_validity_period).toBe(5_400_000);
    expect(config.global.cache).toEqual({ max_size_estimated: 512 * 1024 ** 2, max_age: 500 });
    expect(config.media_api.max_file_size_bytes).toBe(1024 ** 3);
    expect(config.client_api.turn.turn_user_lifetime).toBe(5_400_000);
  });

  test('conn_max_lifetime is seconds in YAML, milliseconds in the Config; -1 stays -1', () => {
    const { config } = load(minimal({ global: { database: { connection_string: 'file:a.db', conn_max_lifetime: 30 } } }));
    expect(config.global.database.conn_max_lifetime).toBe(30_000);
    expect(load(minimal()).config.global.database.conn_max_lifetime).toBe(-1);
  });

  test("YAML 1.1 booleans (yes/no/on/off) and unquoted numbers in string keys, as Go's decoder reads them", () => {
    const { config } = load(minimal({ global: { disable_federation: 'yes' }, room_server: { default_room_version: 10 } }));
    expect(config.global.disable_federation).toBe(true);
    expect(config.room_server.default_room_version).toBe('10');
  });

  test('JSON is read too (the SyTest runner can write dendrite.json)', () => {
    const { config } = load(JSON.stringify(minimal()));
    expect(config.global.server_name).toBe('example.com');
  });
});

describe('paths are relative to the config file, not the working directory', () => {
  test('paths and file: databases resolve against the config folder', () => {
    const { config, f } = load(
      minimal({
        global: { database: { connection_string: 'file:data/dendrite.db?_busy_timeout=5000' }, jetstream: { storage_path: './js' } },
        media_api: { base_path: 'media' },
        app_service_api: { config_files: ['as/one.yaml', '/abs/two.yaml'] },
        logging: [{ type: 'file', level: 'debug', params: { path: 'logs' } }],
        room_server: { database: { connection_string: 'file:///var/lib/dendrite/rs.db' } },
        sync_api: { database: { connection_string: 'postgres://u:p@db/sync' } },
      }),
    );
    expect(config.global.private_key).toBe(join(f.dir, 'matrix_key.pem'));
    expect(config.global.database.connection_string).toBe(`file:${join(f.dir, 'data/dendrite.db')}?_busy_timeout=5000`);
    expect(config.global.jetstream.storage_path).toBe(join(f.dir, 'js'));
    expect(config.media_api.base_path).toBe(join(f.dir, 'media'));
    expect(config.app_service_api.config_files).toEqual([join(f.dir, 'as/one.yaml'), '/abs/two.yaml']);
    expect(config.logging[0]!.params.path).toBe(join(f.dir, 'logs'));
    expect(config.room_server.database.connection_string).toBe('file:///var/lib/dendrite/rs.db');
    expect(config.sync_api.database.connection_string).toBe('postgres://u:p@db/sync');
  });
});

describe('component databases fall back to global.database', () => {
  test('empty ones take the global options; their own stay', () => {
    const { config } = load(
      minimal({
        global: { database: { connection_string: 'postgres://u:p@db/dendrite', max_open_conns: 40 } },
        room_server: { database: { connection_string: 'file:rs.db', max_open_conns: 1 } },
      }),
    );
    const global = config.global.database;
    expect(config.sync_api.database).toEqual(global);
    expect(config.user_api.account_database).toEqual(global);
    expect(config.mscs.database).toEqual(global);
    expect(config.sync_api.database.max_open_conns).toBe(40);
    expect(config.room_server.database.connection_string).toBe(`file:${join(config.config_dir, 'rs.db')}`);
    expect(config.room_server.database.max_open_conns).toBe(1);
  });

  test('with no global database, every storing component needs its own', () => {
    const p = problems(minimal({ global: { database: { connection_string: '' } }, room_server: { database: { connection_string: 'file:rs.db' } } }));
    expect(p.map((x) => x.split(':')[0])).toEqual([
      'federation_api.database.connection_string',
      'key_server.database.connection_string',
      'media_api.database.connection_string',
      'sync_api.database.connection_string',
      'user_api.account_database.connection_string',
    ]);
  });
});

describe('unknown keys', () => {
  test('warn one line each with the key path; the sytest: block and relay_api are accepted silently', () => {
    const { warnings, unknownKeys } = load(
      minimal({
        global: { shiny: 1 },
        client_api: { rate_limiting: { bogus: true } },
        nonsense: { a: 1 },
        logging: [{ type: 'std', level: 'info', colour: true }],
        sytest: { hs_index: 0, anything: { goes: 'here' } },
        relay_api: { database: { connection_string: 'file:relay.db' } },
      }),
    );
    expect(unknownKeys.sort()).toEqual(['client_api.rate_limiting.bogus', 'global.shiny', 'logging[0].colour', 'nonsense']);
    expect(warnings).toContain('global.shiny: unknown key; ignored');
    expect(warnings.every((w) => !w.includes('\n'))).toBe(true);
  });

  test('a Dendrite option we do not implement warns only when switched on', () => {
    expect(load(minimal({ global: { sentry: { enabled: false, dsn: '' } }, tracing: { enabled: false } })).warnings).toEqual([]);
    expect(load(minimal({ global: { sentry: { enabled: true } } })).warnings).toEqual([
      'global.sentry: global.sentry (Sentry error reporting) is not supported by this server; ignored',
    ]);
  });
});

describe('errors: all collected, each with its key path and what was expected', () => {
  test('a config with many mistakes reports every one', () => {
    const p = problems({
      version: 2,
      global: {
        private_key: 'matrix_key.pem',
        database: { connection_string: 'mysql://nope', max_open_conns: 'lots' },
        key_validity_period: 5,
        cache: { max_size_estimated: 'huge' },
        jetstream: { addresses: 'nats://x:4222' },
      },
      client_api: { registration_disabled: 'maybe', rate_limiting: { threshold: 0 } },
      media_api: { thumbnail_sizes: [{ width: 32, height: 32, method: 'stretch' }, { width: 10 }] },
      room_server: { default_room_version: '99' },
      user_api: { bcrypt_cost: 2 },
      logging: [{ type: 'syslog' }, { type: 'file', level: 'info' }],
    });
    expect(p).toEqual([
      'global.server_name: required, a server name like example.com',
      'global.key_validity_period: expected a duration with a unit, like 5m, 1h30m or 168h0m0s, got 5',
      'global.database.connection_string: expected a connection string: file:name.db (SQLite) or postgres://user:password@host/database, got "mysql://nope"',
      'global.database.max_open_conns: expected an integer, got "lots"',
      'global.cache.max_size_estimated: expected a size in bytes, like 10485760, 512mb or 1gb, got "huge"',
      'global.jetstream.addresses: expected a list, got "nats://x:4222"',
      'client_api.registration_disabled: expected true or false, got "maybe"',
      'client_api.rate_limiting.threshold: expected an integer at least 1, got 0',
      'media_api.thumbnail_sizes[0].method: expected one of crop, scale, got "stretch"',
      'media_api.thumbnail_sizes[1].height: required, a size in pixels',
      expect.stringMatching(/^room_server\.default_room_version: expected a room version this server knows: 1, 2, .*12, got "99"$/),
      'user_api.bcrypt_cost: expected an integer from 4 to 31, got 2',
      'logging[0].type: expected one of std, file, got "syslog"',
      'logging[1].params.path: required for a file hook, the folder for the log files',
    ]);
  });

  test('the error message lists every problem under the file name', () => {
    const f = fixture();
    const path = f.write(minimal({ global: { server_name: 'bad name', disable_federation: 3 } }));
    expect(() => loadConfig(path)).toThrow(
      `${path}: 2 problems in the configuration:\n  - global.server_name: expected a server name like example.com or example.com:8448 ` +
        `(Appendices, "Server Name"), got "bad name"\n  - global.disable_federation: expected true or false, got 3`,
    );
  });

  test('version is required; version 1 is explained', () => {
    expect(problems({ global: { server_name: 'a.b', private_key: 'matrix_key.pem', database: { connection_string: 'file:x.db' } } })).toEqual([
      "version: required, 2 (this server reads Dendrite's version 2 config format)",
    ]);
    const v1 = problems({ version: 1, global: { kafka: { use_naffka: true } } });
    expect(v1).toHaveLength(1);
    expect(v1[0]).toContain('version 1 config');
    expect(v1[0]).toContain('global.kafka became global.jetstream');
  });

  test('YAML syntax errors give the line', () => {
    expect(problems('version: 2\nglobal:\n  server_name: [unclosed\n')).toEqual([
      'line 4: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(problems('version: 2\nversion: 2\n')).toEqual(['line 2: Map keys must be unique']);
  });

  test('a missing key file is named, with the command that makes one', () => {
    const p = problems(minimal({ global: { private_key: 'keys/missing.pem' } }));
    expect(p).toEqual([expect.stringMatching(/^global\.private_key: cannot read .*keys\/missing\.pem: no such file \(make one with: generate-keys --private-key /)]);
  });

  test('a missing config file is one clear problem', () => {
    expect(() => loadConfig('/nonexistent/dendrite.yaml')).toThrow('/nonexistent/dendrite.yaml: a problem in the configuration:\n  - cannot read the config file: no such file');
  });
});

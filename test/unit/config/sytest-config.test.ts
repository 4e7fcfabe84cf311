// The config the SyTest runner writes (shared/sytest/README.md, "The config it writes", and
// plugin/ourserver/lib/SyTest/HomeserverFactory/OurServer.pm `_get_config`) must load as is,
// with no --really-enable-open-registration (the runner passes no extra flag). Not a spec
// section: SyTest's harness contract.
import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../../src/config/load.ts';
import { fixture } from './fixture.ts';

// Copied verbatim from the README, <dir> standing for the server's folder.
const README_YAML = String.raw`
version: 2
global:
  server_name: localhost:8800
  private_key: <dir>/matrix_key.pem
  key_validity_period: 168h0m0s
  database: {connection_string: "file:<dir>/dendrite.db", max_open_conns: 10}
  jetstream: {addresses: [], storage_path: <dir>/jetstream, in_memory: true, topic_prefix: Dendrite}
  presence: {enable_inbound: true, enable_outbound: true}
  server_notices: {enabled: false}
  report_stats: {enabled: false}
  trusted_third_party_id_servers: []
  disable_federation: false
  metrics: {enabled: false}
  dns_cache: {enabled: false}
client_api:
  registration_disabled: false         # open registration, no captcha, no email
  guests_disabled: false
  registration_shared_secret: reg_secret   # /_synapse/admin/v1/register (HMAC-SHA1 of nonce\0user\0pass\0admin|notadmin)
  enable_registration_captcha: false
  rate_limiting: {enabled: false}
  recaptcha_siteverify_api / recaptcha_public_key / recaptcha_private_key: SyTest's mock
federation_api:
  key_perspectives: []                 # fetch keys directly, no notary
  prefer_direct_fetch: true
  disable_tls_validation: true         # what Dendrite does under SyTest
  federation_certificates: [<dir>/server.crt]
  send_max_retries: 16
app_service_api:
  config_files: [<dir>/appserv-0.yaml, <dir>/appserv-1.yaml]   # server-0 only; URLs point at SyTest's HTTPS server
  disable_tls_validation: true
media_api: {base_path: <dir>/media_store, max_file_size_bytes: 10485760, dynamic_thumbnails: false}
sync_api: {search: {enabled: true, index_path: <dir>/searchindex}}
user_api: {bcrypt_cost: 4, push_gateway_disable_tls_validation: true}
room_server: {}
mscs: {mscs: []}
logging:
  - {type: std, level: info}
  - {type: file, level: debug, params: {path: <dir>/logs}}
sytest:                                # not a Dendrite key: facts about this run
  hs_index: 0
  http_bind_address: localhost:8801
  https_bind_address: localhost:8800
  ca_file: <dir>/sytest-ca.pem         # trust these for outbound HTTPS if you verify
  allow_loopback: true                 # every peer is on 127.0.0.1: no IP-range blocklist
  smtp: {host: localhost, port: N, notif_from: homeserver@localhost}   # SyTest's SMTP sink
  cas: {server_url: https://localhost:N/cas}
`;

// What the runner actually wrote (YAML::XS) for server-0 of `run.sh tests/10apidoc/01register.pl`.
const WRITTEN_YAML = String.raw`---
app_service_api:
  config_files:
  - <dir>/appserv-0.yaml
  - <dir>/appserv-1.yaml
  disable_tls_validation: true
client_api:
  enable_registration_captcha: false
  guests_disabled: false
  rate_limiting:
    enabled: false
  recaptcha_private_key: sytest_recaptcha_private_key
  recaptcha_public_key: sytest_recaptcha_public_key
  recaptcha_siteverify_api: https://localhost:40965/recaptcha/api/siteverify
  registration_disabled: false
  registration_shared_secret: reg_secret
federation_api:
  disable_tls_validation: true
  federation_certificates:
  - <dir>/server.crt
  key_perspectives: []
  prefer_direct_fetch: true
  send_max_retries: 16
global:
  database:
    connection_string: file:<dir>/dendrite.db
    max_open_conns: 10
  disable_federation: false
  dns_cache:
    enabled: false
  jetstream:
    addresses: []
    in_memory: true
    storage_path: <dir>/jetstream
    topic_prefix: Dendrite
  key_validity_period: 168h0m0s
  metrics:
    enabled: false
  presence:
    enable_inbound: true
    enable_outbound: true
  private_key: <dir>/matrix_key.pem
  report_stats:
    enabled: false
  server_name: localhost:8800
  server_notices:
    enabled: false
  trusted_third_party_id_servers: []
logging:
- level: info
  type: std
- level: debug
  params:
    path: <dir>/logs
  type: file
media_api:
  base_path: <dir>/media_store
  dynamic_thumbnails: false
  max_file_size_bytes: 10485760
mscs:
  mscs: []
room_server: {}
sync_api:
  search:
    enabled: true
    index_path: <dir>/searchindex
sytest:
  allow_loopback: true
  ca_file: <dir>/sytest-ca.pem
  cas:
    server_url: https://localhost:40965/cas
  hs_index: 0
  http_bind_address: localhost:8801
  https_bind_address: localhost:8800
  smtp:
    host: localhost
    notif_from: homeserver@localhost
    port: 34903
user_api:
  bcrypt_cost: 4
  push_gateway_disable_tls_validation: true
version: 2
`;

/** What OurServer.pm's _get_config builds, with every optional part switched on. */
function perlConfig(dir: string): Record<string, unknown> {
  const components = ['federation_api', 'key_server', 'media_api', 'mscs', 'relay_api', 'room_server', 'sync_api', 'user_api'];
  const config: Record<string, Record<string, unknown> | number | unknown[]> = {
    version: 2,
    global: {
      server_name: 'localhost:8802',
      private_key: `${dir}/matrix_key.pem`,
      key_validity_period: '168h0m0s',
      database: { connection_string: `file:${dir}/dendrite.db`, max_open_conns: 10 },
      disable_federation: false,
      presence: { enable_inbound: true, enable_outbound: true },
      server_notices: { enabled: false },
      report_stats: { enabled: false },
      trusted_third_party_id_servers: [],
      jetstream: { addresses: [], storage_path: `${dir}/jetstream`, in_memory: true, topic_prefix: 'Dendrite' },
      metrics: { enabled: false },
      dns_cache: { enabled: false },
    },
    client_api: {
      registration_disabled: false,
      guests_disabled: false,
      registration_shared_secret: 'reg_secret',
      enable_registration_captcha: false,
      rate_limiting: { enabled: false },
      recaptcha_siteverify_api: 'https://localhost:8843/recaptcha/api/siteverify',
      recaptcha_public_key: 'sytest_recaptcha_public_key',
      recaptcha_private_key: 'sytest_recaptcha_private_key',
    },
    federation_api: {
      key_perspectives: [],
      prefer_direct_fetch: true,
      federation_certificates: [`${dir}/server.crt`],
      disable_tls_validation: true,
      send_max_retries: 16,
    },
    app_service_api: { config_files: [`${dir}/appserv-0.yaml`], disable_tls_validation: true },
    media_api: { base_path: `${dir}/media_store`, max_file_size_bytes: 10485760, dynamic_thumbnails: false },
    sync_api: { search: { enabled: true, index_path: `${dir}/searchindex` } },
    user_api: { bcrypt_cost: 4, push_gateway_disable_tls_validation: true },
    room_server: {},
    mscs: { mscs: [] },
    logging: [
      { type: 'std', level: 'info' },
      { type: 'file', level: 'debug', params: { path: `${dir}/logs` } },
    ],
    sytest: {
      hs_index: 1,
      http_bind_address: 'localhost:8803',
      https_bind_address: 'localhost:8802',
      ca_file: `${dir}/sytest-ca.pem`,
      allow_loopback: true,
      smtp: { host: 'localhost', port: 34567, notif_from: 'homeserver@localhost' },
      cas: { server_url: 'https://localhost:8843/cas' },
    },
  };
  // -- --db-per-component
  for (const c of components) {
    const block = (config[c] ??= {}) as Record<string, unknown>;
    block.database = { connection_string: `file:${dir}/${c}.db` };
  }
  return config;
}

describe('the SyTest runner\'s config loads as is', () => {
  test('the YAML shown in shared/sytest/README.md', () => {
    const f = fixture();
    const path = f.write(README_YAML.replaceAll('<dir>', f.dir));
    const { config, warnings } = loadConfig(path, { mode: 'monolith' });
    // The README abbreviates the three recaptcha keys on one line; that line is the only oddity.
    expect(warnings).toEqual(['client_api.recaptcha_siteverify_api / recaptcha_public_key / recaptcha_private_key: unknown key; ignored']);
    expect(config.global.server_name).toBe('localhost:8800');
    expect(config.global.key_id).toBe(f.keyId);
    expect(config.client_api.registration_disabled).toBe(false);
    expect(config.client_api.open_registration_confirmed).toBe(true);
    expect(config.client_api.rate_limiting.enabled).toBe(false);
    expect(config.user_api.bcrypt_cost).toBe(4);
    expect(config.global.jetstream.in_memory).toBe(true);
    expect(config.room_server.database.connection_string).toBe(`file:${f.dir}/dendrite.db`);
    expect(config.sytest?.allow_loopback).toBe(true);
    expect(config.sytest?.ca_file).toBe(`${f.dir}/sytest-ca.pem`);
    // allow_loopback: every peer is on 127.0.0.1, so no network is denied by default.
    expect(config.federation_api.deny_networks).toEqual([]);
    expect(config.federation_api.federation_certificates).toEqual([`${f.dir}/server.crt`]);
  });

  test('the file the runner wrote in a real run (YAML::XS output)', () => {
    const f = fixture();
    const { config, warnings } = loadConfig(f.write(WRITTEN_YAML.replaceAll('<dir>', f.dir)), { mode: 'monolith' });
    expect(warnings).toEqual([]);
    expect(config.global.server_name).toBe('localhost:8800');
    expect(config.client_api.open_registration_confirmed).toBe(true);
    expect(config.app_service_api.config_files).toEqual([`${f.dir}/appserv-0.yaml`, `${f.dir}/appserv-1.yaml`]);
    expect(config.logging).toEqual([
      { type: 'std', level: 'info', params: {} },
      { type: 'file', level: 'debug', params: { path: `${f.dir}/logs` } },
    ]);
  });

  test('the config OurServer.pm builds (per-component databases, recaptcha, SMTP, CAS), as YAML and as JSON', () => {
    for (const format of ['yaml', 'json'] as const) {
      const f = fixture();
      const raw = perlConfig(f.dir);
      const path = f.write(format === 'json' ? JSON.stringify(raw, null, 3) : `---\n${stringify(raw)}`, `dendrite.${format}`);
      const { config, warnings } = loadConfig(path, { mode: 'monolith' });
      expect(warnings).toEqual([]);
      expect(config.client_api.recaptcha_public_key).toBe('sytest_recaptcha_public_key');
      expect(config.sync_api.database.connection_string).toBe(`file:${join(f.dir, 'sync_api.db')}`);
      expect(config.mscs.database.connection_string).toBe(`file:${join(f.dir, 'mscs.db')}`);
      // The runner writes user_api.database; Dendrite's key is account_database: both are read.
      expect(config.user_api.account_database.connection_string).toBe(`file:${join(f.dir, 'user_api.db')}`);
      expect(config.user_api.account_database.max_open_conns).toBe(90);
      expect(config.sytest?.hs_index).toBe(1);
      expect((config.sytest?.smtp as { port: number }).port).toBe(34567);
    }
  });

  test('an explicit deny_networks is kept even under SyTest', () => {
    const f = fixture();
    const raw = perlConfig(f.dir);
    (raw.federation_api as Record<string, unknown>).deny_networks = ['10.0.0.0/8'];
    expect(loadConfig(f.write(raw)).config.federation_api.deny_networks).toEqual(['10.0.0.0/8']);
  });
});

// Every default, in one place and in dendrite.yaml's own notation (Go durations, sizes with
// units, paths relative to the config file). The reader falls back to these for absent keys;
// generate-config starts from them. Values follow Dendrite's defaults (setup/config) unless a
// comment says otherwise.
import { DEFAULT_ROOM_VERSION } from '../protocol/room-versions.ts';
import type { ComponentName } from './types.ts';
import type { Obj } from './reader.ts';

/** The YAML section of each component, as named by `run polylith COMPONENT`. */
export const COMPONENT_SECTIONS: Record<ComponentName, string> = {
  clientapi: 'client_api',
  syncapi: 'sync_api',
  mediaapi: 'media_api',
  federationapi: 'federation_api',
  roomserver: 'room_server',
  appservice: 'app_service_api',
  keyserver: 'key_server',
  userapi: 'user_api',
};

/** Dendrite's polylith ports: internal API 777x, public API 807x (clientapi, federationapi, syncapi, mediaapi). */
export const POLYLITH_PORTS: Record<ComponentName, { internal: number; external?: number }> = {
  roomserver: { internal: 7770 },
  clientapi: { internal: 7771, external: 8071 },
  federationapi: { internal: 7772, external: 8072 },
  syncapi: { internal: 7773, external: 8073 },
  mediaapi: { internal: 7774, external: 8074 },
  appservice: { internal: 7777 },
  keyserver: { internal: 7779 },
  userapi: { internal: 7781 },
};

/** Components whose config block has a `database` (userapi's is `account_database`). */
export const DATABASE_KEYS: readonly (readonly [section: string, key: string])[] = [
  ['federation_api', 'database'],
  ['key_server', 'database'],
  ['media_api', 'database'],
  ['room_server', 'database'],
  ['sync_api', 'database'],
  ['user_api', 'account_database'],
  ['mscs', 'database'],
  ['app_service_api', 'database'],
];

/**
 * Outbound requests to these networks are refused unless allow_networks lists them: loopback,
 * private, carrier-grade NAT, link-local and unique-local ranges (the element-hq fork's 0.14.1 SSRF fix).
 */
export const PRIVATE_NETWORKS = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '0.0.0.0/8',
  '::1/128',
  'fe80::/10',
  'fc00::/7',
];

export function databaseDefaults(): Obj {
  // Dendrite: 90 open, 2 idle, connections reused forever (-1 seconds).
  return { connection_string: '', max_open_conns: 90, max_idle_conns: 2, conn_max_lifetime: -1 };
}

function apis(component: ComponentName): Obj {
  const p = POLYLITH_PORTS[component];
  return {
    internal_api: { listen: `http://localhost:${p.internal}`, connect: `http://localhost:${p.internal}` },
    external_api: { listen: p.external ? `http://[::]:${p.external}` : '' },
  };
}

export function configDefaults(): Obj {
  return {
    version: 2,
    global: {
      server_name: '',
      private_key: '',
      key_validity_period: '168h0m0s',
      old_private_keys: [],
      database: databaseDefaults(),
      cache: { max_size_estimated: '1gb', max_age: '1h' },
      well_known_server_name: '',
      well_known_client_name: '',
      well_known_sliding_sync_proxy: '',
      trusted_third_party_id_servers: ['matrix.org', 'vector.im'],
      disable_federation: false,
      presence: { enable_inbound: false, enable_outbound: false },
      report_stats: { enabled: false, endpoint: 'https://panopticon.matrix.org/push' },
      server_notices: { enabled: false, local_part: '_server', display_name: 'Server Alerts', avatar_url: '', room_name: 'Server Alerts' },
      jetstream: {
        addresses: [],
        storage_path: './',
        topic_prefix: 'Dendrite',
        in_memory: false,
        disable_tls_validation: false,
        credentials_path: '',
      },
      metrics: { enabled: false, basic_auth: { username: '', password: '' } },
      dns_cache: { enabled: false, cache_size: 256, cache_lifetime: '5m' },
      // Ours, not Dendrite's: a federation transaction is at most 50 PDUs of 64 KiB plus EDUs.
      max_request_body_bytes: '10mb',
    },
    app_service_api: {
      ...apis('appservice'),
      database: databaseDefaults(),
      disable_tls_validation: false,
      legacy_auth: false,
      legacy_paths: false,
      config_files: [],
    },
    client_api: {
      ...apis('clientapi'),
      registration_disabled: true,
      registration_requires_token: false,
      guests_disabled: true,
      registration_shared_secret: '',
      enable_registration_captcha: false,
      recaptcha_public_key: '',
      recaptcha_private_key: '',
      recaptcha_bypass_secret: '',
      recaptcha_siteverify_api: 'https://www.google.com/recaptcha/api/siteverify',
      recaptcha_api_js_url: 'https://www.google.com/recaptcha/api.js',
      recaptcha_sitekey_class: 'g-recaptcha',
      recaptcha_form_field: 'g-recaptcha-response',
      turn: { turn_user_lifetime: '5m', turn_uris: [], turn_shared_secret: '', turn_username: '', turn_password: '' },
      rate_limiting: { enabled: true, threshold: 5, cooloff_ms: 500, exempt_user_ids: [] },
    },
    federation_api: {
      ...apis('federationapi'),
      database: databaseDefaults(),
      send_max_retries: 16,
      disable_tls_validation: false,
      disable_http_keepalives: false,
      federation_certificates: [],
      key_perspectives: [],
      prefer_direct_fetch: false,
      deny_networks: [...PRIVATE_NETWORKS],
      allow_networks: [],
    },
    key_server: { ...apis('keyserver'), database: databaseDefaults(), verify_device_key_signatures: true },
    media_api: {
      ...apis('mediaapi'),
      database: databaseDefaults(),
      base_path: './media_store',
      max_file_size_bytes: 10485760,
      dynamic_thumbnails: false,
      max_thumbnail_generators: 10,
      thumbnail_sizes: [
        { width: 32, height: 32, method: 'crop' },
        { width: 96, height: 96, method: 'crop' },
        { width: 640, height: 480, method: 'scale' },
      ],
      freeze_unauthenticated_media: false,
      url_preview_enabled: false,
      url_preview_ip_range_blacklist: [...PRIVATE_NETWORKS],
      user_quota_bytes: 0,
    },
    // Dendrite defaults to "10"; we take the spec's recommended version (src/protocol/room-versions.ts).
    room_server: { ...apis('roomserver'), database: databaseDefaults(), default_room_version: DEFAULT_ROOM_VERSION },
    sync_api: {
      ...apis('syncapi'),
      database: databaseDefaults(),
      real_ip_header: '',
      search: { enabled: false, index_path: './searchindex', in_memory: false, language: 'en' },
    },
    user_api: {
      ...apis('userapi'),
      account_database: databaseDefaults(),
      bcrypt_cost: 10,
      openid_token_lifetime_ms: 3_600_000,
      push_gateway_disable_tls_validation: false,
      auto_join_rooms: [],
      worker_count: 8,
    },
    mscs: { mscs: [], database: databaseDefaults() },
    logging: [{ type: 'std', level: 'info' }],
  };
}

/** Defaults for the items of lists of mappings. */
export const ITEM_DEFAULTS = {
  old_private_keys: {},
  key_perspectives: {},
  perspective_keys: {},
  thumbnail_sizes: { method: 'scale' },
  logging: { level: 'info', params: {} },
} satisfies Record<string, Obj>;

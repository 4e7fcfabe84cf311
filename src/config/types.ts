// The typed configuration: Dendrite's dendrite.yaml keys (version 2), loaded and validated by
// src/config/load.ts. Durations are milliseconds, sizes bytes, paths absolute (resolved
// against the config file's folder) once loaded.

export interface DatabaseOptions {
  /** `file:name.db` (SQLite, relative to the config folder), `postgres://…`, or "" to use global.database. */
  connection_string: string;
  max_open_conns: number;
  max_idle_conns: number;
  /** Milliseconds; -1 reuses connections forever. */
  conn_max_lifetime: number;
}

export interface OldPrivateKey {
  private_key?: string;
  public_key?: string;
  key_id?: string;
  /** Milliseconds since the epoch. */
  expired_at: number;
}

export interface JetStreamOptions {
  /** Empty: the in-process bus. `nats://host:port` (TCP) or `ws://`/`wss://` (websocket). */
  addresses: string[];
  storage_path: string;
  topic_prefix: string;
  in_memory: boolean;
  disable_tls_validation: boolean;
  credentials_path: string;
}

export interface ComponentApi {
  /** Polylith: where this component serves its internal API (`http://host:port`). */
  internal_api: { listen: string; connect: string };
  /** Polylith: where a public component serves the Matrix API. */
  external_api: { listen: string };
}

export interface LoggingHook {
  type: 'std' | 'file';
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  params: { path?: string };
}

export interface RateLimiting {
  enabled: boolean;
  threshold: number;
  cooloff_ms: number;
  exempt_user_ids: string[];
}

export interface ThumbnailSize {
  width: number;
  height: number;
  method: 'crop' | 'scale';
}

export interface Config {
  version: number;
  /** Folder of the config file; relative paths were resolved against it. */
  config_dir: string;
  global: {
    server_name: string;
    private_key: string;
    key_id: string;
    key_validity_period: number;
    old_private_keys: OldPrivateKey[];
    database: DatabaseOptions;
    cache: { max_size_estimated: number; max_age: number };
    well_known_server_name: string;
    well_known_client_name: string;
    well_known_sliding_sync_proxy: string;
    trusted_third_party_id_servers: string[];
    disable_federation: boolean;
    presence: { enable_inbound: boolean; enable_outbound: boolean };
    report_stats: { enabled: boolean; endpoint: string };
    server_notices: { enabled: boolean; local_part: string; display_name: string; avatar_url: string; room_name: string };
    jetstream: JetStreamOptions;
    metrics: { enabled: boolean; basic_auth: { username: string; password: string } };
    dns_cache: { enabled: boolean; cache_size: number; cache_lifetime: number };
    /** Largest request body accepted by the client and federation APIs, in bytes. */
    max_request_body_bytes: number;
  };
  app_service_api: ComponentApi & {
    database: DatabaseOptions;
    disable_tls_validation: boolean;
    legacy_auth: boolean;
    legacy_paths: boolean;
    config_files: string[];
  };
  client_api: ComponentApi & {
    registration_disabled: boolean;
    registration_requires_token: boolean;
    guests_disabled: boolean;
    registration_shared_secret: string;
    /** Set by --really-enable-open-registration; open registration needs it as Dendrite does. */
    open_registration_confirmed: boolean;
    enable_registration_captcha: boolean;
    recaptcha_public_key: string;
    recaptcha_private_key: string;
    recaptcha_bypass_secret: string;
    recaptcha_siteverify_api: string;
    /** The captcha widget (reCAPTCHA by default; hCaptcha by changing these three). */
    recaptcha_api_js_url: string;
    recaptcha_sitekey_class: string;
    recaptcha_form_field: string;
    turn: { turn_user_lifetime: number; turn_uris: string[]; turn_shared_secret: string; turn_username: string; turn_password: string };
    rate_limiting: RateLimiting;
  };
  federation_api: ComponentApi & {
    database: DatabaseOptions;
    send_max_retries: number;
    disable_tls_validation: boolean;
    disable_http_keepalives: boolean;
    federation_certificates: string[];
    key_perspectives: { server_name: string; keys: { key_id: string; public_key: string }[] }[];
    prefer_direct_fetch: boolean;
    deny_networks: string[];
    allow_networks: string[];
  };
  key_server: ComponentApi & {
    database: DatabaseOptions;
    /**
     * Check the self-signature of uploaded device keys and one-time keys (the spec's rule). Off
     * accepts any well-formed key owned by the uploader, as Synapse and Dendrite do; the SyTest
     * runner's config turns it off because SyTest uploads placeholder keys.
     */
    verify_device_key_signatures: boolean;
  };
  media_api: ComponentApi & {
    database: DatabaseOptions;
    base_path: string;
    max_file_size_bytes: number;
    dynamic_thumbnails: boolean;
    max_thumbnail_generators: number;
    thumbnail_sizes: ThumbnailSize[];
    /**
     * "Freeze" the deprecated unauthenticated /_matrix/media/{v3,r0} download and thumbnail
     * endpoints: media stored while this is true is served by the authenticated endpoints only.
     */
    freeze_unauthenticated_media: boolean;
    url_preview_enabled: boolean;
    url_preview_ip_range_blacklist: string[];
    /** Bytes of media each local user may upload in total; absent or 0 means no quota. */
    user_quota_bytes?: number;
  };
  room_server: ComponentApi & { database: DatabaseOptions; default_room_version: string };
  sync_api: ComponentApi & {
    database: DatabaseOptions;
    real_ip_header: string;
    search: { enabled: boolean; index_path: string; in_memory: boolean; language: string };
  };
  user_api: ComponentApi & {
    account_database: DatabaseOptions;
    bcrypt_cost: number;
    openid_token_lifetime_ms: number;
    push_gateway_disable_tls_validation: boolean;
    auto_join_rooms: string[];
    worker_count: number;
  };
  mscs: { mscs: string[]; database: DatabaseOptions };
  logging: LoggingHook[];
  /** Present only in configs written by the SyTest runner: facts about that run. */
  sytest?: {
    hs_index?: number;
    ca_file?: string;
    allow_loopback?: boolean;
    [key: string]: unknown;
  };
}

/** Component names as used by `run polylith COMPONENT` and the internal API paths. */
export const COMPONENTS = [
  'clientapi',
  'syncapi',
  'mediaapi',
  'federationapi',
  'roomserver',
  'appservice',
  'keyserver',
  'userapi',
] as const;
export type ComponentName = (typeof COMPONENTS)[number];

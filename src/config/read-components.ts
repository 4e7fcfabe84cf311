// The per-component blocks: client_api, federation_api, media_api, … and their polylith addresses.
import { ROOM_VERSIONS } from '../protocol/room-versions.ts';
import { checkCidr, checkHttpAddress, checkRoomIdOrAlias, checkServerName, checkUrl, checkUserId } from './checks.ts';
import { ITEM_DEFAULTS } from './defaults.ts';
import { readDatabase } from './read-global.ts';
import type { Section } from './reader.ts';
import type { ComponentApi, Config, ThumbnailSize } from './types.ts';

function readApis(s: Section): ComponentApi {
  const internal = s.section('internal_api');
  const external = s.section('external_api');
  return {
    internal_api: { listen: internal.string('listen', { check: checkHttpAddress }), connect: internal.string('connect', { check: checkHttpAddress }) },
    external_api: { listen: external.string('listen', { check: checkHttpAddress }) },
  };
}

export function readAppService(s: Section): Config['app_service_api'] {
  return {
    ...readApis(s),
    database: readDatabase(s.section('database')),
    disable_tls_validation: s.bool('disable_tls_validation'),
    legacy_auth: s.bool('legacy_auth'),
    legacy_paths: s.bool('legacy_paths'),
    config_files: s.paths('config_files'),
  };
}

export function readClientApi(s: Section): Config['client_api'] {
  const turn = s.section('turn');
  const rl = s.section('rate_limiting');
  return {
    ...readApis(s),
    registration_disabled: s.bool('registration_disabled'),
    registration_requires_token: s.bool('registration_requires_token'),
    guests_disabled: s.bool('guests_disabled'),
    registration_shared_secret: s.string('registration_shared_secret'),
    // Only the --really-enable-open-registration flag sets this, as in Dendrite (load.ts).
    open_registration_confirmed: false,
    enable_registration_captcha: s.bool('enable_registration_captcha'),
    recaptcha_public_key: s.string('recaptcha_public_key'),
    recaptcha_private_key: s.string('recaptcha_private_key'),
    recaptcha_bypass_secret: s.string('recaptcha_bypass_secret'),
    recaptcha_siteverify_api: s.string('recaptcha_siteverify_api', { check: checkUrl }),
    recaptcha_api_js_url: s.string('recaptcha_api_js_url', { check: checkUrl }),
    recaptcha_sitekey_class: s.string('recaptcha_sitekey_class'),
    recaptcha_form_field: s.string('recaptcha_form_field'),
    turn: {
      turn_user_lifetime: turn.duration('turn_user_lifetime'),
      turn_uris: turn.strings('turn_uris', (v) => (/^turns?:/.test(v) ? undefined : 'a turn: or turns: URI')),
      turn_shared_secret: turn.string('turn_shared_secret'),
      turn_username: turn.string('turn_username'),
      turn_password: turn.string('turn_password'),
    },
    rate_limiting: {
      enabled: rl.bool('enabled'),
      threshold: rl.int('threshold', { min: 1 }),
      cooloff_ms: rl.int('cooloff_ms', { min: 1 }),
      exempt_user_ids: rl.strings('exempt_user_ids', checkUserId),
    },
  };
}

function readPerspective(p: Section): Config['federation_api']['key_perspectives'][number] {
  return {
    server_name: p.string('server_name', { required: 'the notary server, like matrix.org', check: checkServerName }),
    keys: p.list(
      'keys',
      (k) => ({
        key_id: k.string('key_id', { required: 'a key ID like ed25519:auto' }),
        public_key: k.string('public_key', { required: 'the notary key in base64' }),
      }),
      ITEM_DEFAULTS.perspective_keys,
    ),
  };
}

/** `loopbackAllowed`: the SyTest runner said every peer is on 127.0.0.1 (sytest.allow_loopback). */
export function readFederationApi(s: Section, loopbackAllowed: boolean): Config['federation_api'] {
  s.unsupported('enable_relays', 'federation_api.enable_relays (P2P relays)');
  s.unsupported('p2p_retries_until_assumed_offline', 'federation_api.p2p_retries_until_assumed_offline (P2P relays)');
  const denyGiven = s.has('deny_networks');
  const deny = s.strings('deny_networks', checkCidr);
  return {
    ...readApis(s),
    database: readDatabase(s.section('database')),
    send_max_retries: s.int('send_max_retries', { min: 1 }),
    disable_tls_validation: s.bool('disable_tls_validation'),
    disable_http_keepalives: s.bool('disable_http_keepalives'),
    federation_certificates: s.paths('federation_certificates'),
    key_perspectives: s.list('key_perspectives', readPerspective, ITEM_DEFAULTS.key_perspectives),
    prefer_direct_fetch: s.bool('prefer_direct_fetch'),
    deny_networks: loopbackAllowed && !denyGiven ? [] : deny,
    allow_networks: s.strings('allow_networks', checkCidr),
  };
}

function readThumbnailSize(t: Section): ThumbnailSize {
  for (const k of ['width', 'height']) if (!t.has(k)) t.invalid(k, 'required, a size in pixels');
  return { width: t.int('width', { min: 1 }), height: t.int('height', { min: 1 }), method: t.oneOf('method', ['crop', 'scale'] as const) };
}

/**
 * `loopbackAllowed` (SyTest's `sytest.allow_loopback`): every peer is on 127.0.0.1, so previews
 * are on and no range is blocked unless the config says otherwise.
 */
export function readMediaApi(s: Section, loopbackAllowed = false): Config['media_api'] {
  const previewGiven = s.has('url_preview_enabled');
  const blockGiven = s.has('url_preview_ip_range_blacklist');
  const quota = s.size('user_quota_bytes');
  return {
    ...readApis(s),
    database: readDatabase(s.section('database')),
    base_path: s.path('base_path', { required: 'the folder for uploaded media, like ./media_store' }),
    max_file_size_bytes: s.size('max_file_size_bytes'),
    dynamic_thumbnails: s.bool('dynamic_thumbnails'),
    max_thumbnail_generators: s.int('max_thumbnail_generators', { min: 1 }),
    thumbnail_sizes: s.list('thumbnail_sizes', readThumbnailSize, ITEM_DEFAULTS.thumbnail_sizes),
    freeze_unauthenticated_media: s.bool('freeze_unauthenticated_media'),
    url_preview_enabled: loopbackAllowed && !previewGiven ? true : s.bool('url_preview_enabled'),
    url_preview_ip_range_blacklist:
      loopbackAllowed && !blockGiven ? [] : s.strings('url_preview_ip_range_blacklist', checkCidr),
    ...(quota > 0 ? { user_quota_bytes: quota } : {}),
  };
}

export function readRoomServer(s: Section): Config['room_server'] {
  const known = [...ROOM_VERSIONS.keys()];
  return {
    ...readApis(s),
    database: readDatabase(s.section('database')),
    default_room_version: s.string('default_room_version', {
      check: (v) => (ROOM_VERSIONS.has(v) ? undefined : `a room version this server knows: ${known.join(', ')}`),
    }),
  };
}

export function readSyncApi(s: Section): Config['sync_api'] {
  const search = s.section('search');
  return {
    ...readApis(s),
    database: readDatabase(s.section('database')),
    real_ip_header: s.string('real_ip_header'),
    search: {
      enabled: search.bool('enabled'),
      index_path: search.path('index_path'),
      in_memory: search.bool('in_memory'),
      language: search.string('language'),
    },
  };
}

export function readUserApi(s: Section): Config['user_api'] {
  // Dendrite calls it account_database; `database`, as every other component has, is read too
  // (the SyTest runner's --db-per-component writes that).
  const dbKey = !s.has('account_database') && s.has('database') ? 'database' : 'account_database';
  return {
    ...readApis(s),
    account_database: readDatabase(s.section(dbKey, 'account_database')),
    // bcrypt's own limits: cost 4 (fast, for tests) to 31.
    bcrypt_cost: s.int('bcrypt_cost', { min: 4, max: 31 }),
    openid_token_lifetime_ms: s.int('openid_token_lifetime_ms', { min: 1 }),
    push_gateway_disable_tls_validation: s.bool('push_gateway_disable_tls_validation'),
    auto_join_rooms: s.strings('auto_join_rooms', checkRoomIdOrAlias),
    worker_count: s.int('worker_count', { min: 1 }),
  };
}

export function readKeyServer(s: Section): Config['key_server'] {
  return {
    ...readApis(s),
    database: readDatabase(s.section('database')),
    verify_device_key_signatures: s.bool('verify_device_key_signatures'),
  };
}

export function readMscs(s: Section): Config['mscs'] {
  return { mscs: s.strings('mscs', (v) => (/^msc\d+$/i.test(v) ? undefined : 'an MSC name like msc2836')), database: readDatabase(s.section('database')) };
}

export function readLogging(root: Section): Config['logging'] {
  return root.list(
    'logging',
    (h) => {
      const type = h.oneOf('type', ['std', 'file'] as const);
      const params = h.section('params');
      const path = params.path('path');
      if (type === 'file' && path === '') params.invalid('path', 'required for a file hook, the folder for the log files');
      return {
        type,
        // Dendrite takes logrus level names; warning, fatal and panic fold into ours.
        level: h.oneOf('level', ['trace', 'debug', 'info', 'warn', 'error'] as const, { warning: 'warn', fatal: 'error', panic: 'error' }),
        params: path === '' ? {} : { path },
      };
    },
    ITEM_DEFAULTS.logging,
  );
}

// The `global:` block, and the database blocks every component shares the shape of.
import { checkNatsAddress, checkServerName, checkUrl } from './checks.ts';
import { ITEM_DEFAULTS } from './defaults.ts';
import type { Section } from './reader.ts';
import { decodeBase64 } from './signing-key.ts';
import type { Config, DatabaseOptions, OldPrivateKey } from './types.ts';

const CONNECTION_STRING = 'a connection string: file:name.db (SQLite) or postgres://user:password@host/database';

/**
 * `file:x.db` is resolved against the config file's folder like any path; `file:///abs.db`,
 * `file::memory:` and PostgreSQL URLs are kept as they are.
 */
function connectionString(s: Section): string {
  const cs = s.string('connection_string');
  if (cs === '' || /^postgres(ql)?:\/\//.test(cs)) return cs;
  if (!cs.startsWith('file:')) {
    s.invalid('connection_string', CONNECTION_STRING, cs);
    return cs;
  }
  const rest = cs.slice('file:'.length);
  if (rest === '' || rest.startsWith('?')) {
    s.invalid('connection_string', 'a SQLite file name after file:, like file:dendrite.db', cs);
    return cs;
  }
  if (rest.startsWith('//') || rest.startsWith(':memory:')) return cs;
  const q = rest.indexOf('?');
  const file = q < 0 ? rest : rest.slice(0, q);
  return `file:${s.resolvePath(file)}${q < 0 ? '' : rest.slice(q)}`;
}

export function readDatabase(s: Section): DatabaseOptions {
  const lifetime = s.int('conn_max_lifetime', { min: -1 });
  return {
    connection_string: connectionString(s),
    max_open_conns: s.int('max_open_conns', { min: 1 }),
    max_idle_conns: s.int('max_idle_conns', { min: 0 }),
    // YAML gives seconds (Dendrite's conn_max_lifetime); the Config holds milliseconds.
    conn_max_lifetime: lifetime < 0 ? -1 : lifetime * 1000,
  };
}

function readOldKey(s: Section): OldPrivateKey {
  if (!s.has('expired_at')) s.invalid('expired_at', 'required, when the key expired, in milliseconds since the epoch');
  const key: OldPrivateKey = { expired_at: s.int('expired_at', { min: 0 }) };
  if (s.has('private_key')) {
    key.private_key = s.path('private_key');
    return key;
  }
  const pub = s.string('public_key', { required: 'the old public key in base64 (or give private_key: a key file)' });
  if (pub !== '') {
    const raw = decodeBase64(pub);
    if (!raw || raw.length !== 32) s.invalid('public_key', 'a 32-byte ed25519 public key in base64', pub);
    else key.public_key = Buffer.from(raw).toString('base64').replace(/=+$/, '');
  }
  key.key_id = s.string('key_id', {
    required: 'the old key ID, like ed25519:abc123',
    check: (v) => (/^ed25519:[a-zA-Z0-9_]+$/.test(v) ? undefined : 'a key ID like ed25519:abc123'),
  });
  return key;
}

function readJetStream(j: Section): Config['global']['jetstream'] {
  j.unsupported('js_domain', 'jetstream.js_domain (a JetStream domain)');
  return {
    addresses: j.strings('addresses', checkNatsAddress),
    storage_path: j.path('storage_path'),
    topic_prefix: j.string('topic_prefix', {
      check: (v) => (/^[A-Za-z0-9_-]+$/.test(v) ? undefined : 'letters, digits, - and _ only (it begins NATS stream names)'),
    }),
    in_memory: j.bool('in_memory'),
    disable_tls_validation: j.bool('disable_tls_validation'),
    credentials_path: j.path('credentials_path'),
  };
}

export function readGlobal(g: Section): Config['global'] {
  g.unsupported('sentry', 'global.sentry (Sentry error reporting)');
  const cache = g.section('cache');
  const presence = g.section('presence');
  const stats = g.section('report_stats');
  const notices = g.section('server_notices');
  const metrics = g.section('metrics');
  const basicAuth = metrics.section('basic_auth');
  const dns = g.section('dns_cache');
  return {
    server_name: g.string('server_name', { required: 'a server name like example.com', check: checkServerName }),
    private_key: g.path('private_key', {
      required: 'the signing key file, like matrix_key.pem (make one with: generate-keys --private-key matrix_key.pem)',
    }),
    key_id: '',
    key_validity_period: g.duration('key_validity_period', { positive: true }),
    old_private_keys: g.list('old_private_keys', readOldKey, ITEM_DEFAULTS.old_private_keys),
    database: readDatabase(g.section('database')),
    cache: { max_size_estimated: cache.size('max_size_estimated'), max_age: cache.duration('max_age') },
    well_known_server_name: g.string('well_known_server_name', { check: checkServerName }),
    well_known_client_name: g.string('well_known_client_name', { check: checkUrl }),
    well_known_sliding_sync_proxy: g.string('well_known_sliding_sync_proxy', { check: checkUrl }),
    trusted_third_party_id_servers: g.strings('trusted_third_party_id_servers'),
    disable_federation: g.bool('disable_federation'),
    presence: { enable_inbound: presence.bool('enable_inbound'), enable_outbound: presence.bool('enable_outbound') },
    report_stats: { enabled: stats.bool('enabled'), endpoint: stats.string('endpoint', { check: checkUrl }) },
    server_notices: {
      enabled: notices.bool('enabled'),
      local_part: notices.string('local_part', {
        check: (v) => (/^[a-z0-9._=\-/+]+$/.test(v) ? undefined : 'a user ID localpart: a-z, 0-9 and ._=-/+'),
      }),
      display_name: notices.string('display_name'),
      avatar_url: notices.string('avatar_url', {
        check: (v) => (v.startsWith('mxc://') ? undefined : 'an mxc:// URI'),
      }),
      room_name: notices.string('room_name'),
    },
    jetstream: readJetStream(g.section('jetstream')),
    metrics: {
      enabled: metrics.bool('enabled'),
      basic_auth: { username: basicAuth.string('username'), password: basicAuth.string('password') },
    },
    dns_cache: {
      enabled: dns.bool('enabled'),
      cache_size: dns.int('cache_size', { min: 1 }),
      cache_lifetime: dns.duration('cache_lifetime'),
    },
    max_request_body_bytes: g.size('max_request_body_bytes'),
  };
}

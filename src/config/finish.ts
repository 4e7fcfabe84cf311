// Checks and derived values that span several keys, run once every key has been read.
import { COMPONENTS } from './types.ts';
import type { Config, DatabaseOptions } from './types.ts';
import { COMPONENT_SECTIONS, DATABASE_KEYS, POLYLITH_PORTS } from './defaults.ts';
import type { ConfigReader } from './reader.ts';
import { publicKeyOf, readSigningKey } from './signing-key.ts';

type Blocks = Record<string, Record<string, unknown>>;

/**
 * A component database with no connection string uses global.database (Dendrite's shared pool).
 * The copy keeps the same connection string, so setup can share one pool (and, for SQLite, one
 * writer) between components whose strings are equal.
 */
export function fallBackToGlobalDatabase(config: Config, r: ConfigReader): void {
  const global = config.global.database;
  for (const [section, key] of DATABASE_KEYS) {
    const block = (config as unknown as Blocks)[section]!;
    const db = block[key] as DatabaseOptions;
    if (db.connection_string !== '') continue;
    if (global.connection_string !== '') {
      block[key] = { ...global };
      continue;
    }
    // app_service_api keeps no tables, and mscs only when an MSC is switched on.
    if (section === 'app_service_api' || (section === 'mscs' && config.mscs.mscs.length === 0)) continue;
    r.error(
      `${section}.${key}.connection_string`,
      'required when global.database.connection_string is empty, like file:dendrite.db or postgres://user:password@host/dendrite',
    );
  }
}

function keyFileProblem(path: string, e: unknown): string {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
    return `cannot read ${path}: no such file (make one with: generate-keys --private-key ${path})`;
  }
  const msg = (e as Error).message;
  return msg.startsWith(path) ? msg.slice(path.length + 2) : msg;
}

/** Reads global.private_key for its key ID, and old_private_keys given as key files. */
export function readKeyFiles(config: Config, r: ConfigReader): void {
  const g = config.global;
  if (g.private_key !== '') {
    try {
      g.key_id = readSigningKey(g.private_key).keyId;
    } catch (e) {
      r.error('global.private_key', keyFileProblem(g.private_key, e));
    }
  }
  g.old_private_keys.forEach((old, i) => {
    const path = `global.old_private_keys[${i}]`;
    if (old.private_key) {
      try {
        const key = readSigningKey(old.private_key);
        old.key_id = key.keyId;
        old.public_key = Buffer.from(publicKeyOf(key.seed)).toString('base64').replace(/=+$/, '');
      } catch (e) {
        r.error(`${path}.private_key`, keyFileProblem(old.private_key, e));
        return;
      }
    }
    if (old.key_id && old.key_id === g.key_id) {
      r.error(`${path}.key_id`, `${old.key_id} is also the current key's ID (global.private_key); an old key needs its own ID`);
    }
  });
}

/**
 * Open registration lets anyone make accounts, and so spam from this server; Dendrite refuses it
 * unless the operator confirms on the command line. Registration that needs a captcha or a token
 * is not open. A config written by the SyTest runner (it has a `sytest:` block) counts as confirmed:
 * SyTest registers its users with m.login.dummy.
 */
export function checkOpenRegistration(config: Config, r: ConfigReader): void {
  const c = config.client_api;
  if (c.enable_registration_captcha) {
    if (c.recaptcha_public_key === '') r.error('client_api.recaptcha_public_key', 'required when enable_registration_captcha is true');
    if (c.recaptcha_private_key === '') r.error('client_api.recaptcha_private_key', 'required when enable_registration_captcha is true');
  }
  if (c.registration_disabled || c.open_registration_confirmed || c.enable_registration_captcha || c.registration_requires_token) return;
  r.error(
    'client_api.registration_disabled',
    'false, with no captcha and no registration token, opens registration to anyone. ' +
      'Open registration without a secondary check (such as reCAPTCHA or registration_requires_token) makes it much ' +
      'more likely that your server is used to send spam or abuse, and may get it banned from rooms. ' +
      'If you are absolutely sure, start the server with --really-enable-open-registration; ' +
      'otherwise set client_api.registration_disabled: true (accounts can still be made with create-account)',
  );
}

/** Polylith: components reach each other over internal HTTP and NATS, so every address must be set. */
export function checkPolylith(config: Config, r: ConfigReader): void {
  if (config.global.jetstream.addresses.length === 0) {
    r.error('global.jetstream.addresses', 'required for polylith, the NATS JetStream server(s), like [nats://localhost:4222]');
  }
  for (const component of COMPONENTS) {
    const section = COMPONENT_SECTIONS[component];
    const block = (config as unknown as Record<string, { internal_api: { listen: string; connect: string }; external_api: { listen: string } }>)[section]!;
    const port = POLYLITH_PORTS[component];
    if (block.internal_api.listen === '') r.error(`${section}.internal_api.listen`, `required for polylith, like http://localhost:${port.internal}`);
    if (block.internal_api.connect === '') r.error(`${section}.internal_api.connect`, `required for polylith, like http://localhost:${port.internal}`);
    if (port.external && block.external_api.listen === '') {
      r.error(`${section}.external_api.listen`, `required for polylith, like http://[::]:${port.external}`);
    }
  }
}

// Writing configs: `generate-config` (a fresh one, or --normalise an existing one) and the first
// config `run monolith` writes when it finds none. Output is YAML in Dendrite's notation.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { COMPONENT_SECTIONS, configDefaults, DATABASE_KEYS } from './defaults.ts';
import { readConfigObject } from './load.ts';
import { isObj, type Obj } from './reader.ts';

export interface GenerateOptions {
  /** server_name; default localhost. */
  server?: string;
  /** Folder for databases, media, the bus, the search index and logs; default ./ (the config's folder). */
  dir?: string;
  /** One database for every component: postgres://… (or file:…). Default: a SQLite file per component. */
  db?: string;
  /** NATS JetStream address(es), comma-separated; default: the in-process bus. */
  nats?: string;
  /** Fill in what polylith needs (NATS defaults to nats://localhost:4222). */
  polylith?: boolean;
  /** Settings for tests, as Dendrite's -ci: open registration, fast bcrypt, no rate limits, in-memory bus. */
  ci?: boolean;
  /** Start from this existing config (YAML text) instead of a fresh one; unknown keys are dropped. */
  normalise?: { text: string; configDir: string; source: string };
}

/** matrix.org's notary keys, as in Dendrite's sample config. */
const MATRIX_ORG_PERSPECTIVE = {
  server_name: 'matrix.org',
  keys: [
    { key_id: 'ed25519:auto', public_key: 'Noi6WqcDj0QmPxCNQqgezwTlBKrfqehY1u2FyWP9uYw' },
    { key_id: 'ed25519:a_RXGa', public_key: 'l8Hft5qXKn1vfHrg3p4+W8gELQVo8N13JkluMfmn2sQ' },
  ],
};

export function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined || v === null) continue;
    out[k] = isObj(v) && isObj(out[k]) ? deepMerge(out[k] as Obj, v) : v;
  }
  return out;
}

function at(obj: Obj, path: string): Obj {
  let o = obj;
  for (const k of path.split('.')) o = o[k] as Obj;
  return o;
}

/** Removes `a.b[2].c`-style paths (the reader's unknown keys) from a YAML tree. */
function deletePath(obj: Obj, path: string): void {
  const parts = path.split(/\.|(?=\[)/).map((p) => (p.startsWith('[') ? Number(p.slice(1, -1)) : p));
  let o: unknown = obj;
  for (const p of parts.slice(0, -1)) o = (o as Record<string | number, unknown>)?.[p];
  if (o && typeof o === 'object') delete (o as Record<string | number, unknown>)[parts.at(-1)!];
}

function fresh(dir: string): Obj {
  const c = configDefaults();
  const g = c.global as Obj;
  g.server_name = 'localhost';
  g.private_key = 'matrix_key.pem';
  at(c, 'global.jetstream').storage_path = join(dir, 'jetstream');
  at(c, 'global.metrics').basic_auth = { username: 'metrics', password: 'metrics' };
  at(c, 'federation_api').key_perspectives = [MATRIX_ORG_PERSPECTIVE];
  at(c, 'media_api').base_path = join(dir, 'media_store');
  at(c, 'sync_api.search').index_path = join(dir, 'searchindex');
  // One SQLite file per component, as Dendrite's generate-config does.
  for (const [section, key] of DATABASE_KEYS) {
    if (section === 'app_service_api') continue;
    const name = Object.entries(COMPONENT_SECTIONS).find(([, s]) => s === section)?.[0] ?? section;
    at(c, section)[key] = { ...(at(c, section)[key] as Obj), connection_string: `file:${join(dir, `dendrite_${name}.db`)}` };
  }
  c.logging = [
    { type: 'std', level: 'info' },
    { type: 'file', level: 'info', params: { path: join(dir, 'log') } },
  ];
  return c;
}

function normalised(n: NonNullable<GenerateOptions['normalise']>): Obj {
  const raw = parse(n.text, { merge: true }) as unknown;
  // Validates as written (relative paths kept) and names the keys to drop.
  const { unknownKeys } = readConfigObject(raw, n.configDir, { asWritten: true }, n.source);
  const own = structuredClone(raw) as Obj;
  for (const k of unknownKeys) deletePath(own, k);
  return deepMerge(configDefaults(), own);
}

function applyCi(c: Obj, dir: string): void {
  at(c, 'app_service_api').disable_tls_validation = true;
  at(c, 'client_api.rate_limiting').enabled = false;
  // Open registration still needs --really-enable-open-registration, as with Dendrite's -ci.
  at(c, 'client_api').registration_disabled = false;
  at(c, 'client_api').registration_shared_secret = 'complement';
  at(c, 'federation_api').key_perspectives = [];
  // Test servers talk to each other on 127.0.0.1.
  at(c, 'federation_api').deny_networks = [];
  at(c, 'media_api').base_path = join(dir, 'media');
  at(c, 'user_api').bcrypt_cost = 4;
  Object.assign(at(c, 'global.jetstream'), { in_memory: true, storage_path: dir });
  at(c, 'global').presence = { enable_inbound: true, enable_outbound: true };
  at(c, 'sync_api').search = { enabled: true, index_path: join(dir, 'searchindex'), in_memory: true, language: 'en' };
  c.logging = [{ type: 'std', level: 'trace' }];
}

/** The config as a YAML tree. */
export function generateConfig(opts: GenerateOptions = {}): Obj {
  const dir = opts.dir ?? './';
  const c = opts.normalise ? normalised(opts.normalise) : fresh(dir);
  if (opts.server !== undefined) at(c, 'global').server_name = opts.server;
  if (opts.db !== undefined) {
    at(c, 'global.database').connection_string = opts.db;
    for (const [section, key] of DATABASE_KEYS) at(c, section)[key] = { ...(at(c, section)[key] as Obj), connection_string: '' };
  }
  if (opts.nats !== undefined) at(c, 'global.jetstream').addresses = opts.nats.split(',').map((a) => a.trim());
  else if (opts.polylith && (at(c, 'global.jetstream').addresses as string[]).length === 0) {
    at(c, 'global.jetstream').addresses = ['nats://localhost:4222'];
  }
  if (opts.ci) applyCi(c, dir);
  return c;
}

export function toYaml(c: Obj, header: string): string {
  return `${header
    .split('\n')
    .map((l) => `# ${l}`.trimEnd())
    .join('\n')}\n${stringify(c, { lineWidth: 0 })}`;
}

export function generateConfigYaml(opts: GenerateOptions = {}): string {
  const c = generateConfig(opts);
  // Whatever we print must load back; a bad --server or --db fails here, not at first start.
  readConfigObject(c, opts.normalise?.configDir ?? process.cwd(), { asWritten: true }, 'generated config');
  return toYaml(
    c,
    'Dendrite configuration (version 2), written by `dendrite generate-config`.\n' +
      'Every key is described in docs/CONFIG.md; relative paths are relative to this file.',
  );
}

/**
 * The config `run monolith` writes when started with none: server_name localhost, SQLite files,
 * the bus, media and the signing key under `dataDir` (relative to the config file), and a random
 * registration secret so `create-account` works straight away.
 */
export function firstRunConfig(dataDir: string): Obj {
  const c = fresh(dataDir);
  at(c, 'global').private_key = join(dataDir, 'matrix_key.pem');
  at(c, 'client_api').registration_shared_secret = randomBytes(24).toString('base64url');
  c.logging = [{ type: 'std', level: 'info' }];
  return c;
}

export function normaliseFile(path: string): GenerateOptions['normalise'] {
  return { text: readFileSync(path, 'utf8'), configDir: dirname(resolve(path)), source: path };
}

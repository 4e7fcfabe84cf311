// dendrite.yaml -> a validated Config. All problems are collected and reported together, each
// with its key path; unknown keys are warnings, as Dendrite ignores them.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkOpenRegistration, checkPolylith, fallBackToGlobalDatabase, readKeyFiles } from './finish.ts';
import { configDefaults } from './defaults.ts';
import {
  readAppService,
  readClientApi,
  readFederationApi,
  readKeyServer,
  readLogging,
  readMediaApi,
  readMscs,
  readRoomServer,
  readSyncApi,
  readUserApi,
} from './read-components.ts';
import { readGlobal } from './read-global.ts';
import { ConfigReader, isObj } from './reader.ts';
import type { Config } from './types.ts';

export interface LoadOptions {
  /** Run the checks of that mode: polylith needs NATS and every component's addresses. */
  mode?: 'monolith' | 'polylith';
  /** --really-enable-open-registration was given. */
  openRegistrationConfirmed?: boolean;
  /**
   * Keep the config as written, for generate-config: relative paths stay relative, no key file
   * is read, empty component databases stay empty, no mode checks.
   */
  asWritten?: boolean;
}

export interface Loaded {
  config: Config;
  /** One line each, starting with the key path. */
  warnings: string[];
  /** Key paths present in the YAML that this server does not know (each also in warnings). */
  unknownKeys: string[];
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    const n = problems.length;
    super(`${source}: ${n === 1 ? 'a problem' : `${n} problems`} in the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const VERSION_1 =
  'version: this is a version 1 config (Dendrite 0.5 and older, with global.kafka); this server reads version 2. ' +
  'Start from dendrite-config.yaml (or `dendrite generate-config`) and copy your settings across: ' +
  'global.kafka became global.jetstream, and federation_sender and signing_key_server became part of federation_api';

function readSytest(raw: unknown, r: ConfigReader): Config['sytest'] {
  if (raw === undefined || raw === null) return undefined;
  if (!isObj(raw)) {
    r.error('sytest', 'expected a mapping');
    return undefined;
  }
  // Facts the SyTest runner writes about its run; only the keys we use are checked.
  const out: NonNullable<Config['sytest']> = { ...raw };
  if (raw.hs_index !== undefined && !Number.isSafeInteger(raw.hs_index)) r.error('sytest.hs_index', 'expected an integer');
  if (raw.allow_loopback !== undefined && typeof raw.allow_loopback !== 'boolean') r.error('sytest.allow_loopback', 'expected true or false');
  if (typeof raw.ca_file === 'string') out.ca_file = r.resolvePath(raw.ca_file);
  return out;
}

/** Reads an already parsed YAML tree. `configDir`: the folder relative paths are resolved against. */
export function readConfigObject(raw: unknown, configDir: string, opts: LoadOptions = {}, source = 'config'): Loaded {
  if (!isObj(raw)) throw new ConfigError(source, ['the file must be a YAML mapping (key: value lines), starting with version: 2']);
  if (raw.version === 1) throw new ConfigError(source, [VERSION_1]);
  const r = new ConfigReader(opts.asWritten ? null : configDir);
  if (raw.version === undefined) r.error('version', 'required, 2 (this server reads Dendrite\'s version 2 config format)');
  else if (raw.version !== 2) r.error('version', `expected 2, got ${JSON.stringify(raw.version)}`);

  const root = r.root(raw, configDefaults());
  const version = root.int('version');
  const sytest = readSytest(root.any('sytest'), r);
  // Dendrite keys with nothing behind them here: quiet unless switched on.
  root.unsupported('tracing', 'tracing (Jaeger)');
  root.any('relay_api');
  const config: Config = {
    version,
    config_dir: resolve(configDir),
    global: readGlobal(root.section('global')),
    app_service_api: readAppService(root.section('app_service_api')),
    client_api: readClientApi(root.section('client_api')),
    federation_api: readFederationApi(root.section('federation_api'), sytest?.allow_loopback === true),
    key_server: readKeyServer(root.section('key_server')),
    media_api: readMediaApi(root.section('media_api'), sytest?.allow_loopback === true),
    room_server: readRoomServer(root.section('room_server')),
    sync_api: readSyncApi(root.section('sync_api')),
    user_api: readUserApi(root.section('user_api')),
    mscs: readMscs(root.section('mscs')),
    logging: readLogging(root),
  };
  if (sytest) config.sytest = sytest;

  if (!opts.asWritten) {
    fallBackToGlobalDatabase(config, r);
    readKeyFiles(config, r);
    config.client_api.open_registration_confirmed = opts.openRegistrationConfirmed === true || sytest !== undefined;
    // SyTest uploads placeholder device keys that no real client sends; unless its config says
    // otherwise, accept them as Synapse and Dendrite do.
    const keyChecksGiven = isObj(raw.key_server) && raw.key_server.verify_device_key_signatures != null;
    if (sytest !== undefined && !keyChecksGiven) config.key_server.verify_device_key_signatures = false;
    if (opts.mode) checkOpenRegistration(config, r);
    if (opts.mode === 'polylith') checkPolylith(config, r);
  }
  const unknownKeys = r.unknownKeys();
  const warnings = [...unknownKeys.map((k) => `${k}: unknown key; ignored`), ...r.warnings];
  if (r.errors.length > 0) throw new ConfigError(source, r.errors);
  return { config, warnings, unknownKeys };
}

/**
 * Parses YAML (or JSON) text; `configDir` as for readConfigObject. Bun's own YAML parser reads
 * the config (it costs no memory of its own, unlike a YAML library kept loaded for the life of
 * the server); a text it refuses is parsed again by the `yaml` package, only to say where.
 */
export function parseConfig(text: string, configDir: string, opts: LoadOptions = {}, source = 'config'): Loaded {
  let raw: unknown;
  try {
    raw = Bun.YAML.parse(text);
  } catch {
    throw new ConfigError(source, describeYamlErrors(text));
  }
  const dups = duplicateKeys(text);
  if (dups.length > 0) throw new ConfigError(source, dups);
  return readConfigObject(raw, configDir, opts, source);
}

/** The `yaml` package's account of a text Bun's parser refused: line numbers and reasons. */
function describeYamlErrors(text: string): string[] {
  // Required lazily: it is needed only for a broken config, which stops the server anyway.
  const { parseDocument } = require('yaml') as typeof import('yaml');
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  if (doc.errors.length === 0) return ['the YAML could not be parsed'];
  // The yaml package ends its first message line with " at line N, column M:"; say it first.
  return doc.errors.map(
    (e) => `line ${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:$/, '')}`,
  );
}

/**
 * Keys given twice in one block mapping (`version: 2` twice, two `database:` blocks), which YAML
 * forbids and Bun's parser silently resolves to the last. Block style only, which is what configs use.
 */
export function duplicateKeys(text: string): string[] {
  const problems: string[] = [];
  if (text.trimStart().startsWith('{')) return problems; // JSON (flow style): not scanned
  // Open mappings by indentation: the keys seen in each.
  const stack: { indent: number; keys: Set<string> }[] = [{ indent: -1, keys: new Set() }];
  let scalarIndent = -1; // inside a block scalar (`key: |`): its lines are text, not keys
  text.split('\n').forEach((line, i) => {
    const lead = line.search(/\S/);
    if (scalarIndent >= 0) {
      if (lead < 0 || lead > scalarIndent) return;
      scalarIndent = -1;
    }
    if (/:\s*[|>][-+0-9]*\s*(#.*)?$/.test(line)) scalarIndent = lead;
    const m = /^( *)(?:- +)?("[^"]*"|'[^']*'|[^\s#'"{[\]}&*!|>%@`-][^:#]*?)\s*:(?:\s|$)/.exec(line);
    if (!m) return;
    const isItem = /^ *- /.test(line);
    const indent = isItem ? line.indexOf('-') + line.slice(line.indexOf('-') + 1).search(/\S/) + 1 : m[1]!.length;
    while (stack.length > 1 && stack[stack.length - 1]!.indent > indent) stack.pop();
    let top = stack[stack.length - 1]!;
    if (isItem || top.indent < indent) {
      top = { indent, keys: new Set() };
      stack.push(top);
    }
    const key = m[2]!.replace(/^["']|["']$/g, '');
    if (top.keys.has(key)) problems.push(`line ${i + 1}: Map keys must be unique`);
    top.keys.add(key);
  });
  return problems;
}

/** Loads and validates a config file. Throws ConfigError listing every problem. */
export function loadConfig(path: string, opts: LoadOptions = {}): Loaded {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new ConfigError(path, [`cannot read the config file: ${why}`]);
  }
  return parseConfig(text, dirname(resolve(path)), opts, path);
}

// `run monolith` (also `dendrite-monolith-server`): every component in one process. With no
// --config and no ./dendrite.yaml it first writes a working config, so one command starts a server.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { parseBind } from '../setup/serve.ts';
import { UsageError } from './errors.ts';
import { writeNewFile } from './files.ts';
import { writeSigningKey } from './generate-keys.ts';
import { loadForCommand } from './load.ts';
import { stopOnSignals } from './signals.ts';

export interface MonolithFlags {
  config?: string;
  httpBindAddress: string;
  httpsBindAddress: string;
  tlsCert?: string;
  tlsKey?: string;
  reallyEnableOpenRegistration?: boolean;
}

const DEFAULT_CONFIG = 'dendrite.yaml';

/**
 * Writes `dir`/dendrite.yaml for a first start: server_name localhost, and the SQLite files, the
 * signing key, media and the in-process bus under `dir`/data. Returns the config's path.
 */
export async function writeFirstConfig(dir: string): Promise<string> {
  // The YAML writer is loaded only here: a server that already has its config never needs it.
  const { firstRunConfig, toYaml } = await import('../config/generate.ts');
  const path = join(dir, DEFAULT_CONFIG);
  const keyPath = join(dir, 'data', 'matrix_key.pem');
  if (!existsSync(keyPath)) writeSigningKey(keyPath);
  const header =
    'Written by `dendrite run monolith` on its first start, as no config was found.\n' +
    'Every key is described in docs/CONFIG.md; relative paths are relative to this file.\n' +
    'Set global.server_name to your domain before federating: it cannot change later.';
  writeNewFile(path, toYaml(firstRunConfig('data'), header), { mode: 0o600 });
  return path;
}

function checkBind(flag: string, value: string): void {
  try {
    parseBind(value);
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
}

export async function runMonolith(flags: MonolithFlags): Promise<void> {
  if (!!flags.tlsCert !== !!flags.tlsKey) throw new UsageError('--tls-cert and --tls-key go together: give both or neither');
  checkBind('--http-bind-address', flags.httpBindAddress);
  checkBind('--https-bind-address', flags.httpsBindAddress);
  let path = flags.config ?? DEFAULT_CONFIG;
  if (flags.config === undefined && !existsSync(path)) {
    path = await writeFirstConfig(process.cwd());
    console.error(
      `dendrite: no ${DEFAULT_CONFIG} here, so wrote a new one: ${path} (server_name localhost; databases, ` +
        `signing key and bus under ${resolve('data')}). Make an account with: ` +
        `dendrite create-account --config ${DEFAULT_CONFIG} --username NAME`,
    );
  }
  const config = loadForCommand(path, { mode: 'monolith', openRegistrationConfirmed: flags.reallyEnableOpenRegistration });
  const tls = flags.tlsCert && flags.tlsKey;
  const { startMonolith } = await import('../setup/monolith.ts');
  const server = await startMonolith(config, {
    httpBind: flags.httpBindAddress,
    httpsBind: tls ? flags.httpsBindAddress : undefined,
    tlsCert: tls ? resolve(flags.tlsCert!) : undefined,
    tlsKey: tls ? resolve(flags.tlsKey!) : undefined,
  });
  stopOnSignals(server);
}

export function runMonolithCommand(): Command {
  return new Command('monolith')
    .description('run every component in one process')
    .option('--config <file>', `the config file (default: ${DEFAULT_CONFIG}; written on first start if missing)`)
    .option('--http-bind-address <addr>', 'where to serve plain HTTP', ':8008')
    .option('--https-bind-address <addr>', 'where to serve HTTPS (only with --tls-cert and --tls-key)', ':8448')
    .option('--tls-cert <file>', 'TLS certificate (PEM) for HTTPS')
    .option('--tls-key <file>', 'TLS private key (PEM) for HTTPS')
    .option('--really-enable-open-registration', 'allow client_api.registration_disabled: false with no captcha or token')
    .action(runMonolith);
}

// `generate-config`: prints a complete dendrite.yaml to stdout, fresh or normalised from a file.
import { Command } from 'commander';
import { checkServerName } from '../config/checks.ts';
import { UsageError } from './errors.ts';

export interface GenerateConfigFlags {
  server?: string;
  dir?: string;
  db?: string;
  nats?: string;
  polylith?: boolean;
  ci?: boolean;
  normalise?: string;
}

export async function generateConfigCommandAction(flags: GenerateConfigFlags): Promise<void> {
  if (flags.server !== undefined) {
    const problem = checkServerName(flags.server);
    if (problem) throw new UsageError(`--server: expected ${problem}`);
  }
  if (flags.db !== undefined && !/^(postgres(ql)?:\/\/|file:)/.test(flags.db)) {
    throw new UsageError('--db: expected postgres://user:password@host/database (or file:name.db)');
  }
  const { generateConfigYaml, normaliseFile } = await import('../config/generate.ts');
  process.stdout.write(
    generateConfigYaml({
      ...flags,
      normalise: flags.normalise === undefined ? undefined : normaliseFile(flags.normalise),
    }),
  );
}

export function generateConfigCommand(): Command {
  return new Command('generate-config')
    .description('print a complete dendrite.yaml (every key, with defaults) to stdout')
    .option('--server <name>', 'server_name (default: localhost)')
    .option('--dir <folder>', 'folder for SQLite files, media, the bus, the search index and logs (default: ./)')
    .option('--db <uri>', 'one database for every component, e.g. postgres://user:pass@host/dendrite (default: a SQLite file per component)')
    .option('--nats <addresses>', 'NATS JetStream server(s), comma-separated, e.g. nats://localhost:4222 (default: the in-process bus)')
    .option('--polylith', 'fill in what a polylith deployment needs (NATS at nats://localhost:4222 unless --nats)')
    .option('--ci', 'settings for tests: open registration, bcrypt cost 4, no rate limits, in-memory bus, loopback peers')
    .option('--normalise <file>', 'start from this config: add every missing key with its default, drop unknown keys')
    .action(generateConfigCommandAction);
}

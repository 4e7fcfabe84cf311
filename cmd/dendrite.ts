#!/usr/bin/env bun
// The `dendrite` program: its subcommands, and the seed names it answers to (bin/generate-keys,
// bin/dendrite-monolith-server, …). Each subcommand lives in src/cli/.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../src/config/load.ts';
import { commandWords, invokedName, normaliseFlags } from '../src/cli/argv.ts';
import { createAccountCommand } from '../src/cli/create-account.ts';
import { UsageError } from '../src/cli/errors.ts';
import { generateConfigCommand } from '../src/cli/generate-config.ts';
import { generateKeysCommand } from '../src/cli/generate-keys.ts';
import { runMonolithCommand } from '../src/cli/run-monolith.ts';
import { runPolylithCommand } from '../src/cli/run-polylith.ts';
import { VERSION } from '../src/cli/version.ts';

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Every command: --version, errors on one line with its name, and exit codes decided below. */
function configure(cmd: Command): void {
  cmd.version(`dendrite ${VERSION}`, '-V, --version', 'print the version and exit');
  cmd.exitOverride();
  cmd.configureOutput({
    outputError: (text, write) => {
      const line = text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ');
      write(`${commandPath(cmd)}: ${line} (see --help)\n`);
    },
  });
  for (const sub of cmd.commands) configure(sub);
}

function program(): Command {
  const run = new Command('run')
    .description('run the server: every component in one process, or one component per process')
    .addCommand(runMonolithCommand())
    .addCommand(runPolylithCommand());
  const p = new Command('dendrite')
    .description('A Matrix homeserver in the shape of Dendrite (TypeScript on Bun)')
    .addCommand(generateKeysCommand())
    .addCommand(generateConfigCommand())
    .addCommand(run)
    .addCommand(createAccountCommand());
  configure(p);
  return p;
}

/** 0 after --help or --version; 2 for a wrong flag or argument; 1 when the work itself failed. */
function exitCode(e: unknown, where: string): number {
  if (e instanceof CommanderError) {
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
  }
  if (e instanceof UsageError) {
    console.error(`${where}: ${e.message} (see --help)`);
    return 2;
  }
  if (e instanceof ConfigError) {
    console.error(e.message);
    return 1;
  }
  const err = e as Error;
  // Programming errors carry their stack; expected failures (a port in use, a missing file) do not need it.
  const detail = err instanceof TypeError || err instanceof ReferenceError ? (err.stack ?? err.message) : (err?.message ?? String(e));
  console.error(`${where}: ${detail}`);
  return 1;
}

const p = program();
let where = 'dendrite';
p.hook('preAction', (_root, action) => {
  where = commandPath(action);
});
try {
  await p.parseAsync(normaliseFlags(p, commandWords(invokedName(), process.argv.slice(2))), { from: 'user' });
} catch (e) {
  process.exitCode = exitCode(e, where);
}

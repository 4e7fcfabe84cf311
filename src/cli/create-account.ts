// `create-account`: makes a user account (optionally an admin) on the configured server.
// Flags as Dendrite's: --username, one password source (--password, --password-file,
// --password-stdin; -passwordfile and -passwordstdin also work), --admin, --url.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { UsageError } from './errors.ts';
import { loadForCommand } from './load.ts';

export interface CreateAccountFlags {
  config: string;
  username?: string;
  password?: string;
  passwordFile?: string;
  passwordStdin?: boolean;
  admin?: boolean;
  url?: string;
}

/** Appendices, "User Identifiers": a localpart holds only a-z, 0-9, ., _, =, -, / and +. */
const LOCALPART = /^[a-z0-9._=\-/+]+$/;

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolvePromise, reject) => {
    let line = '';
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolvePromise(line);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new Error('cancelled'));
        line = ch === '\u007f' || ch === '\b' ? line.slice(0, -1) : line + ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The password from the one source given; asks on the terminal when none is. */
export async function readPassword(flags: CreateAccountFlags, readStdin: () => Promise<string> = () => Bun.stdin.text()): Promise<string> {
  const sources = [flags.password !== undefined, flags.passwordFile !== undefined, flags.passwordStdin === true].filter(Boolean);
  if (sources.length > 1) throw new UsageError('give only one of --password, --password-file and --password-stdin');
  // Like Dendrite, surrounding whitespace (the newline a file or pipe ends with) is not part of it.
  let password: string;
  if (flags.passwordFile !== undefined) password = readFileSync(flags.passwordFile, 'utf8').trim();
  else if (flags.passwordStdin) password = (await readStdin()).trim();
  else if (flags.password !== undefined) password = flags.password;
  else if (process.stdin.isTTY) {
    password = await promptHidden('Enter password: ');
    if ((await promptHidden('Confirm password: ')) !== password) throw new Error('the passwords do not match');
  } else {
    throw new UsageError('no password: give --password-stdin, --password-file FILE or --password PASSWORD');
  }
  if (password === '') throw new UsageError('the password is empty');
  return password;
}

export async function createAccountAction(flags: CreateAccountFlags): Promise<void> {
  const username = flags.username ?? '';
  if (username === '') throw new UsageError('--username is required');
  const localpart = username.startsWith('@') ? username.slice(1).split(':')[0]! : username;
  if (!LOCALPART.test(localpart)) throw new UsageError(`--username: "${localpart}" may hold only a-z, 0-9 and . _ = - / +`);
  const config = loadForCommand(flags.config);
  const password = await readPassword(flags);
  const { createAccount } = await import('../setup/create-account.ts');
  const { userId } = await createAccount(config, { username, password, admin: flags.admin === true, url: flags.url });
  console.log(`Created ${flags.admin ? 'admin ' : ''}account ${userId}`);
}

export function createAccountCommand(): Command {
  return new Command('create-account')
    .description('create a user account')
    .option('--config <file>', 'the config file', 'dendrite.yaml')
    .option('--username <name>', 'the localpart of the new account (alice for @alice:server)')
    .option('--password <password>', 'the password (visible to other users of this machine: prefer the two below)')
    .option('--password-file <file>', 'read the password from this file (also -passwordfile)')
    .option('--password-stdin', 'read the password from standard input (also -passwordstdin)')
    .option('--admin', 'make the account a server admin')
    .option('--url <url>', 'a running server to register through, e.g. http://localhost:8008')
    .action(createAccountAction);
}

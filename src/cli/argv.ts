// The command line as Dendrite's users type it: the program may be started under a seed name
// (bin/generate-keys, bin/dendrite-monolith-server, …) and flags may be Go-style single-dash
// (`-config dendrite.yaml`, `-tls-cert=server.crt`). Both are turned into our subcommand form
// before commander sees them.
import { readFileSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';

/** Seed binary names and the subcommand each one stands for. */
export const ALIASES: Readonly<Record<string, readonly string[]>> = {
  'generate-keys': ['generate-keys'],
  'generate-config': ['generate-config'],
  'create-account': ['create-account'],
  'dendrite-monolith-server': ['run', 'monolith'],
  'dendrite-polylith-multi': ['run', 'polylith'],
};

/** Dendrite's spellings of flags that we name differently. */
const RENAMES: Readonly<Record<string, string>> = {
  passwordfile: 'password-file',
  passwordstdin: 'password-stdin',
};

function stripExt(name: string): string {
  return basename(name).replace(/\.(ts|js|mjs|exe)$/, '');
}

/**
 * The name the program was started under. A compiled binary sees it in argv0. Under
 * `bun path/to/link`, Bun resolves the symlink in argv[1], so look for the name as it was typed
 * in /proc/self/cmdline: the first word that resolves to the same file.
 */
export function invokedName(argv: string[] = process.argv, argv0: string = process.argv0): string {
  const script = argv[1] ?? '';
  if (script.startsWith('/$bunfs/') || script.startsWith('B:/~BUN/')) return stripExt(argv0);
  try {
    const target = realpathSync(script);
    const words = readFileSync('/proc/self/cmdline', 'utf8').split('\0').slice(1);
    for (const w of words) {
      if (w === '' || w.startsWith('-')) continue;
      try {
        if (realpathSync(w) === target) return stripExt(w);
      } catch {
        // not a file
      }
    }
  } catch {
    // no /proc (not Linux): fall back to argv[1]
  }
  return stripExt(script);
}

/**
 * The words commander should parse: the alias's subcommand first; and, as Dendrite 0.12+'s
 * `dendrite` binary is the monolith, bare flags (`dendrite --config x.yaml`) mean `run monolith`.
 */
export function commandWords(name: string, args: string[]): string[] {
  const alias = ALIASES[name];
  if (alias) return [...alias, ...args];
  const first = args[0];
  if (first !== undefined && first.startsWith('-') && !['-h', '--help', '-V', '--version'].includes(first)) {
    return ['run', 'monolith', ...args];
  }
  return args;
}

/** The deepest subcommand named by the leading words, and how many words named it. */
function leafCommand(program: Command, words: string[]): { cmd: Command; depth: number } {
  let cmd = program;
  let depth = 0;
  for (const w of words) {
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (!sub) break;
    cmd = sub;
    depth++;
  }
  return { cmd, depth };
}

/**
 * Rewrites Go-style flags of the chosen subcommand to commander's form: `-config x` and
 * `-config=x` become `--config x` / `--config=x`; Dendrite's names (`-passwordstdin`) become ours;
 * a boolean given as `-admin=true` becomes `--admin` (and `=false` is dropped).
 */
export function normaliseFlags(program: Command, words: string[]): string[] {
  const { cmd, depth } = leafCommand(program, words);
  const options = new Map(cmd.options.filter((o) => o.long).map((o) => [o.long!.slice(2), o]));
  const out = words.slice(0, depth);
  let i = depth;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') break;
    const m = /^--?([A-Za-z][\w-]*)(=.*)?$/.exec(w);
    const name = m ? (RENAMES[m[1]!] ?? m[1]!) : '';
    const opt = options.get(name);
    if (!m || !opt) {
      out.push(w);
      continue;
    }
    const value = m[2];
    const isBoolean = !opt.required && !opt.optional;
    if (isBoolean && value !== undefined) {
      if (/^=(true|1|t)$/i.test(value)) out.push(`--${name}`);
      else if (!/^=(false|0|f)$/i.test(value)) out.push(w); // commander reports it
    } else {
      out.push(`--${name}${value ?? ''}`);
    }
  }
  return [...out, ...words.slice(i)];
}

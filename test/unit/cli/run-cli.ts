// Runs the CLI as a user would: `bun cmd/dendrite.ts ARGS`, or through a link named like one of
// Dendrite's binaries, in a folder of its own.
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dir, '../../..');
export const CLI = join(ROOT, 'cmd/dendrite.ts');

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cli-test-'));
}

/** `command`: the words before ARGS, e.g. [bun, cmd/dendrite.ts] or [./generate-keys]. */
export function run(command: string[], args: string[], opts: { cwd: string; stdin?: string }): Ran {
  const proc = Bun.spawnSync([...command, ...args], {
    cwd: opts.cwd,
    stdin: opts.stdin === undefined ? 'ignore' : Buffer.from(opts.stdin),
    // A shebang (#!/usr/bin/env bun) needs bun on PATH. npm's package names the binary bun.exe,
    // so the folder of process.execPath is not enough: node_modules/.bin has `bun`.
    env: { ...process.env, PATH: `${resolve(import.meta.dir, '../../../node_modules/.bin')}:${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
  });
  return { code: proc.exitCode ?? -1, stdout: proc.stdout.toString(), stderr: proc.stderr.toString() };
}

export function dendrite(args: string[], opts: { cwd: string; stdin?: string }): Ran {
  return run([process.execPath, CLI], args, opts);
}

/** A link named `name` to cmd/dendrite.ts in `dir`; returns its path. */
export function alias(dir: string, name: string): string {
  const path = join(dir, name);
  symlinkSync(CLI, path);
  return path;
}

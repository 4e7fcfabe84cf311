// Writing key, certificate and config files without ever replacing one by accident.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface WriteOptions {
  /** 0o600 for private keys. */
  mode: number;
  /** Replace an existing file. */
  force?: boolean;
}

/** Throws if any of the files exists (unless force), before anything is written. */
export function refuseExisting(paths: string[], force = false): void {
  if (force) return;
  const taken = paths.filter((p) => existsSync(p));
  if (taken.length > 0) {
    throw new Error(`${taken.join(' and ')} already exist${taken.length === 1 ? 's' : ''}; not overwriting (pass --force to replace)`);
  }
}

export function writeNewFile(path: string, content: string, opts: WriteOptions): void {
  mkdirSync(dirname(path), { recursive: true });
  try {
    // 'wx' fails if the file appeared since refuseExisting looked.
    writeFileSync(path, content, { mode: opts.mode, flag: opts.force ? 'w' : 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') refuseExisting([path]);
    throw e;
  }
  // An existing file keeps its old mode when overwritten: set it explicitly.
  chmodSync(path, opts.mode);
}

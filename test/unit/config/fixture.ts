// A temporary config folder with a signing key in it, for config tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, type LoadOptions } from '../../../src/config/load.ts';
import { formatSigningKey, generateSigningKey } from '../../../src/config/signing-key.ts';

export interface Fixture {
  dir: string;
  keyId: string;
  /** Writes `name` (default dendrite.yaml) in the folder; objects are written as YAML. */
  write(content: string | object, name?: string): string;
}

export function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
  const key = generateSigningKey();
  writeFileSync(join(dir, 'matrix_key.pem'), formatSigningKey(key.keyId, key.seed));
  return {
    dir,
    keyId: key.keyId,
    write(content, name = 'dendrite.yaml') {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : stringify(content));
      return path;
    },
  };
}

/** The smallest config that loads: a name, the key, one SQLite database for everything. */
export function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { global, ...rest } = extra as { global?: Record<string, unknown> };
  return {
    version: 2,
    global: { server_name: 'example.com', private_key: 'matrix_key.pem', database: { connection_string: 'file:dendrite.db' }, ...global },
    ...rest,
  };
}

/** Loads `content` from a fresh fixture folder. */
export function load(content: string | object, opts: LoadOptions = {}) {
  const f = fixture();
  return { f, ...loadConfig(f.write(content), opts) };
}

/** The problems a ConfigError lists for `content`; fails if it loads. */
export function problems(content: string | object, opts: LoadOptions = {}): string[] {
  try {
    load(content, opts);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('the config loaded without errors');
}

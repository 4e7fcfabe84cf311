// Loading the config for a command: warnings go to stderr, one line each, naming the file.
import { loadConfig, type LoadOptions } from '../config/load.ts';
import type { Config } from '../config/types.ts';

export function loadForCommand(path: string, opts: LoadOptions = {}): Config {
  const { config, warnings } = loadConfig(path, opts);
  for (const w of warnings) console.error(`${path}: warning: ${w}`);
  return config;
}

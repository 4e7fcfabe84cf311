// What the parts of the media component share: built once in index.ts and passed down, so no
// module keeps a database or config of its own.
import type { Config } from '../config/types.ts';
import type { Logger } from '../setup/logger.ts';
import type { Database } from '../storage/types.ts';
import type { FileStore } from './files.ts';

export interface MediaContext {
  db: Database;
  files: FileStore;
  config: Config['media_api'];
  /** Our own server name: media with this origin is local. */
  serverName: string;
  log: Logger;
  now(): number;
}

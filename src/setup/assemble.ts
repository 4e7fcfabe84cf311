// Builds the Base of one process: logger, signing key, bus, and a database opener. Everything a
// component needs comes from here; tests build their own Base the same way with parts swapped.
import { openBus } from '../bus/open.ts';
import { STREAMS } from '../bus/streams.ts';
import { readSigningKey } from '../config/signing-key.ts';
import type { Config } from '../config/types.ts';
import { openDatabase } from '../storage/open.ts';
import type { Database } from '../storage/types.ts';
import type { Base } from './base.ts';
import { createLogger, type Logger } from './logger.ts';

export interface OwnedBase extends Base {
  /** Closes the bus and every database this Base opened. */
  close(): Promise<void>;
}

export async function createBase(config: Config, log: Logger = createLogger(config.logging)): Promise<OwnedBase> {
  const key = readSigningKey(config.global.private_key);
  const bus = await openBus(config.global.jetstream, log.child('bus'));
  await bus.ensureStreams(STREAMS);
  const opened: Database[] = [];
  return {
    config,
    serverName: config.global.server_name,
    log,
    bus,
    signingKey: { keyId: key.keyId, seed: key.seed },
    async openDatabase(opts) {
      const db = await openDatabase(opts, config.global.database, config.config_dir, log.child('storage'));
      opened.push(db);
      return db;
    },
    async close() {
      await bus.close();
      await Promise.all(opened.map((db) => db.close()));
    },
  };
}
